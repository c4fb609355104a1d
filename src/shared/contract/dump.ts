/** Crash-dump channels (open, index progress, sections). */
export interface DumpApi {}

export interface DumpEvents {}

export const dumpRequestChannels: Record<keyof DumpApi, true> = {}
export const dumpEventChannels: Record<keyof DumpEvents, true> = {}

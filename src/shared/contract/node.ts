/** Live-node channels (distribution client, sessions, collectors, saved connections). */
export interface NodeApi {}

export interface NodeEvents {}

export const nodeRequestChannels: Record<keyof NodeApi, true> = {}
export const nodeEventChannels: Record<keyof NodeEvents, true> = {}

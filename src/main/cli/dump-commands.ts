import type { CliCommand } from './command'

/** Crash-dump subcommands (report, processes). */
export const dumpCommands: CliCommand[] = []

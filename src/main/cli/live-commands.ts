import type { CliCommand } from './command'

/** Live-node collector subcommands (top, allocators). */
export const liveCommands: CliCommand[] = []

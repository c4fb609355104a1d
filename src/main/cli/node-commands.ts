import type { CliCommand } from './command'

/** Live-node subcommands (nodes, memory, eval, top, allocators). */
export const nodeCommands: CliCommand[] = []

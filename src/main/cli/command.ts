import type { FlagSpec, ParsedArgs } from './flags'

export type { FlagSpec, ParsedArgs } from './flags'

/** One `erlscope` subcommand. `run` returns the exit code; errors it throws are printed by the entry. */
export interface CliCommand {
  name: string
  usage: string
  summary: string
  /** Every flag the command takes (the parser refuses any other); see flags.ts. */
  flags: readonly FlagSpec[]
  run(args: ParsedArgs, io: CliIo): Promise<number>
}

export interface CliIo {
  out(text: string): void
  err(text: string): void
  /**
   * Writes `text` exactly (no newline added) and resolves once the output can take more: long
   * output (`processes --json` of a million processes) goes out in chunks at the reader's pace.
   * Absent, `out` takes the chunks.
   */
  write?(text: string): Promise<void>
  env: NodeJS.ProcessEnv
  /** Read by `erlscope report -` (a dump on standard input). */
  stdin?: NodeJS.ReadableStream
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name)
  return typeof v === 'string' ? v : undefined
}

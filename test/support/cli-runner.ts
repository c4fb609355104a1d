import type { CliIo } from '../../src/main/cli/command'
import { main } from '../../src/main/cli/main'

export interface CliResult {
  code: number
  out: string
  err: string
  /** The AppError code when the command failed with one (the `[code]` at the end of stderr). */
  errorCode?: string
  /**
   * Length of each chunk streamed through `io.write` (long JSON output), in order. The writer
   * answers each chunk on a later turn of the event loop, as a slow pipe would.
   */
  chunks: number[]
  /** Writes that started before the previous one had been taken: a streamer that ignores backpressure. */
  overlappingWrites: number
}

/**
 * Runs `erlscope ARGV` in-process through the real dispatcher (flags, help, errors as
 * `erlscope: SENTENCE [code]` on stderr and exit code 1). HOME defaults to a path that does not
 * exist, so no ~/.erlang.cookie, ~/.ssh/config or default key leaks in from the machine.
 */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let out = ''
  let err = ''
  const chunks: number[] = []
  let pending = false
  let overlappingWrites = 0
  const io: CliIo = {
    out: (t) => (out += t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => (err += t.endsWith('\n') ? t : `${t}\n`),
    write: (t) => {
      if (pending) overlappingWrites++
      pending = true
      out += t
      chunks.push(t.length)
      return new Promise((resolve) =>
        setImmediate(() => {
          pending = false
          resolve()
        })
      )
    },
    env: { HOME: '/nonexistent', ...env }
  }
  const code = await main(argv, io)
  const errorCode = /\[([a-z_]+)\]\s*$/.exec(err)?.[1]
  return { code, out, err, chunks, overlappingWrites, ...(errorCode ? { errorCode } : {}) }
}

import type { CliIo } from '../../src/main/cli/command'
import { main } from '../../src/main/cli/main'

export interface CliResult {
  code: number
  out: string
  err: string
  /** The AppError code when the command failed with one (the `[code]` at the end of stderr). */
  errorCode?: string
}

/**
 * Runs `erlscope ARGV` in-process through the real dispatcher (flags, help, errors as
 * `erlscope: SENTENCE [code]` on stderr and exit code 1). HOME defaults to a path that does not
 * exist, so no ~/.erlang.cookie, ~/.ssh/config or default key leaks in from the machine.
 */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let out = ''
  let err = ''
  const io: CliIo = {
    out: (t) => (out += t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => (err += t.endsWith('\n') ? t : `${t}\n`),
    env: { HOME: '/nonexistent', ...env }
  }
  const code = await main(argv, io)
  const errorCode = /\[([a-z_]+)\]\s*$/.exec(err)?.[1]
  return { code, out, err, ...(errorCode ? { errorCode } : {}) }
}

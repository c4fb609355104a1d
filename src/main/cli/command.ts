/** One `erlscope` subcommand. `run` returns the exit code; errors it throws are printed by the entry. */
export interface CliCommand {
  name: string
  usage: string
  summary: string
  run(args: ParsedArgs, io: CliIo): Promise<number>
}

export interface ParsedArgs {
  positional: string[]
  flags: Map<string, string | true>
}

export interface CliIo {
  out(text: string): void
  err(text: string): void
  env: NodeJS.ProcessEnv
}

export function parseArgs(argv: string[], valueFlags: readonly string[] = []): ParsedArgs {
  const positional: string[] = []
  const flags = new Map<string, string | true>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      positional.push(...argv.slice(i + 1))
      break
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      if (eq > 0) flags.set(arg.slice(2, eq), arg.slice(eq + 1))
      else if (valueFlags.includes(arg.slice(2)) && i + 1 < argv.length) flags.set(arg.slice(2), argv[++i])
      else flags.set(arg.slice(2), true)
    } else positional.push(arg)
  }
  return { positional, flags }
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name)
  return typeof v === 'string' ? v : undefined
}

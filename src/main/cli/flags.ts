/**
 * The one flag parser of the `erlscope` commands. Each command declares its flags in a table of
 * `FlagSpec`s (shared ones below: add a flag every node command takes to `NODE_FLAGS`); anything
 * else on the command line that starts with `--` is refused with a sentence naming it (exit 2).
 */
export interface FlagSpec {
  /** Long name without the dashes: `limit` for `--limit`. */
  name: string
  /** Placeholder of the value (`N`, `COOKIE`) when the flag takes one; absent for a switch. */
  value?: string
  /** One line for `--help`. */
  help: string
  /** The values that work, listed in `--help` and checked here. */
  choices?: readonly string[]
}

export interface ParsedArgs {
  positional: string[]
  flags: Map<string, string | true>
}

/** A command line that does not fit the command's flags: printed as is, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export const HELP_FLAG: FlagSpec = { name: 'help', help: 'this help' }
export const JSON_FLAG: FlagSpec = { name: 'json', help: 'machine-readable output' }
export const LIMIT_FLAG = (max: number, fallback: number): FlagSpec => ({
  name: 'limit',
  value: 'N',
  help: `how many rows (1 to ${max}, default ${fallback})`
})
export const WINDOW_FLAG: FlagSpec = {
  name: 'window-ms',
  value: 'MS',
  help: 'for growth: the window between the two samples, in ms'
}

/** Flags every command that talks to a node takes (routes add theirs here). */
export const NODE_FLAGS: readonly FlagSpec[] = [
  { name: 'cookie', value: 'COOKIE', help: 'the cookie (visible in ps: prefer --cookie-file)' },
  { name: 'cookie-file', value: 'FILE', help: 'read the cookie from FILE' },
  { name: 'timeout', value: 'MS', help: 'connect and call timeout, in ms' },
  { name: 'through', value: 'ENTRY', help: 'reach the node through ENTRY, a node of its cluster (erpc)' }
]

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = up
    }
  }
  return row[b.length]
}

function unknown(flag: string, specs: readonly FlagSpec[], command: string): UsageError {
  const near = specs
    .map((s) => ({ s, d: distance(flag, s.name) }))
    .filter((x) => x.d <= 2)
    .sort((x, y) => x.d - y.d)[0]
  const hint = near ? ` Did you mean --${near.s.name}?` : ''
  return new UsageError(
    `erlscope ${command}: unknown option '--${flag}'.${hint} Run 'erlscope ${command} --help' for its options.`
  )
}

/**
 * `--name value`, `--name=value`, `--switch`; `--` ends the flags. Refuses unknown flags, a missing
 * value, a value given to a switch, and a value outside `choices`.
 */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], command: string): ParsedArgs {
  const all = specs.some((s) => s.name === 'help') ? specs : [...specs, HELP_FLAG]
  const positional: string[] = []
  const flags = new Map<string, string | true>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      positional.push(...argv.slice(i + 1))
      break
    }
    if (!arg.startsWith('--')) {
      positional.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2)
    const spec = all.find((s) => s.name === name)
    if (!spec) throw unknown(name, all, command)
    if (spec.value === undefined) {
      if (eq > 0) throw new UsageError(`erlscope ${command}: --${name} takes no value.`)
      flags.set(name, true)
      continue
    }
    let value: string
    if (eq > 0) value = arg.slice(eq + 1)
    else if (i + 1 < argv.length) value = argv[++i]
    else throw new UsageError(`erlscope ${command}: --${name} needs a value (--${name} ${spec.value}).`)
    if (spec.choices && !spec.choices.includes(value))
      throw new UsageError(
        `erlscope ${command}: --${name} takes one of ${spec.choices.join(', ')}; not '${value}'.`
      )
    flags.set(name, value)
  }
  return { positional, flags }
}

/** The options part of a command's `--help`. */
export function flagsHelp(specs: readonly FlagSpec[]): string {
  const left = (s: FlagSpec): string => `--${s.name}${s.value ? ` ${s.value}` : ''}`
  const width = Math.max(...specs.map((s) => left(s).length))
  return specs
    .map((s) => {
      const choices = s.choices ? ` (${s.choices.join(', ')})` : ''
      return `  ${left(s).padEnd(width)}  ${s.help}${choices}`
    })
    .join('\n')
}

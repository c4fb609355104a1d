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
  /** The last value of each flag. */
  flags: Map<string, string | true>
  /** Every value of each value flag, in order (repeatable flags such as --ssh). */
  lists?: Map<string, string[]>
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

/** How bytes reach the node (src/main/route): every node command takes these; see route-flags.ts. */
export const ROUTE_FLAGS: readonly FlagSpec[] = [
  {
    name: 'ssh',
    value: '[USER@]HOST[:PORT]',
    help: 'an SSH hop; repeat in hop order (ssh -J); the node is dialed from the last'
  },
  { name: 'ssh-key', value: 'FILE', help: 'private key for the SSH hops (after the ssh-agent)' },
  {
    name: 'ssh-known-hosts',
    value: 'FILE',
    help: 'known_hosts to check host keys against (default ~/.ssh/known_hosts)'
  },
  {
    name: 'ssh-config',
    value: 'FILE',
    help: 'ssh_config for HostName, User, Port, IdentityFile, ProxyJump (default ~/.ssh/config)'
  },
  {
    name: 'ssh-accept-new',
    help: 'accept and record a host key known_hosts lacks (a changed key is always refused)'
  },
  {
    name: 'proxy-command',
    value: "'CMD %h %p'",
    help: 'OpenSSH ProxyCommand: its stdin/stdout is each stream (kubectl exec, ssh -W ...)'
  },
  {
    name: 'address',
    value: 'HOST',
    help: "dial HOST instead of the node name's host (the name stays for the handshake)"
  },
  { name: 'dist-port', value: 'N', help: 'the distribution port: skip EPMD (ERL_DIST_PORT, -erl_epmd_port)' },
  { name: 'epmd-port', value: 'N', help: "EPMD's port on the node's host (default 4369)" },
  { name: 'tls', help: 'TLS distribution (-proto_dist inet_tls)' },
  { name: 'tls-ca', value: 'FILE', help: "CA that signed the node's certificate" },
  { name: 'tls-cert', value: 'FILE', help: 'client certificate (for nodes with verify_peer)' },
  { name: 'tls-key', value: 'FILE', help: "the client certificate's key" },
  {
    name: 'tls-server-name',
    value: 'NAME',
    help: "the name on the node's certificate (default the node's host)"
  },
  {
    name: 'tls-dangerously-skip-verify',
    help: 'accept ANY server certificate (no protection against interception)'
  }
]

/** Flags every command that talks to a node takes. */
export const NODE_FLAGS: readonly FlagSpec[] = [
  { name: 'cookie', value: 'COOKIE', help: 'the cookie (visible in ps: prefer --cookie-file)' },
  { name: 'cookie-file', value: 'FILE', help: 'read the cookie from FILE' },
  { name: 'timeout', value: 'MS', help: 'connect and call timeout, in ms' },
  { name: 'through', value: 'ENTRY', help: 'reach the node through ENTRY, a node of its cluster (erpc)' },
  ...ROUTE_FLAGS
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
  const lists = new Map<string, string[]>()
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
    lists.set(name, [...(lists.get(name) ?? []), value])
  }
  return { positional, flags, lists }
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

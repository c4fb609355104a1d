/**
 * How bytes reach a node: a route turns "host:port as seen from the far end" into a stream.
 * Paths to keys and certificates cross IPC; their contents, passphrases and answers to prompts
 * stay in main.
 */

/** One SSH hop, `[user@]host[:port]` (`ssh -J` order). */
export interface SshHop {
  user?: string
  host: string
  port?: number
}

export interface SshRoute {
  /** In hop order; the node's host (and EPMD) is dialed from the last one. */
  hops: SshHop[]
  /** A private key file tried on every hop (after the agent). */
  keyFile?: string
  /** Default `~/.ssh/known_hosts`. */
  knownHostsFile?: string
  /** Default `~/.ssh/config`. */
  configFile?: string
  /** Accept (and record) a host key that known_hosts does not have yet; a changed key is always refused. */
  acceptNew?: boolean
}

export interface TlsRoute {
  caFile?: string
  certFile?: string
  keyFile?: string
  /** The name the node's certificate must carry; default the host part of the node name. */
  serverName?: string
  /** Accept any server certificate. Loudly named on purpose: it removes the protection TLS gives. */
  dangerouslySkipVerify?: boolean
}

export interface RouteSpec {
  ssh?: SshRoute
  /** OpenSSH ProxyCommand semantics: `%h` and `%p` are replaced, stdin/stdout is the stream. */
  proxyCommand?: string
  /** Dial this host instead of the node name's host (the name is still used in the handshake). */
  address?: string
  /** The node's distribution port: skip EPMD. */
  distPort?: number
  /** EPMD's port on the node's host (default 4369). */
  epmdPort?: number
  /** The node speaks TLS distribution (`-proto_dist inet_tls`). */
  tls?: TlsRoute
}

/**
 * Main asks the window for the passphrase of an encrypted SSH key (`route:ask`); the window answers
 * on `route:answer`. Host keys are not asked here: main asks those in a native dialog, since the
 * window shows bytes from nodes and dumps and must not be the one that trusts a host.
 */
export interface RouteAskEvent {
  askId: string
  kind: 'passphrase'
  keyFile: string
  /** The previous answer was wrong. */
  retry: boolean
  /** The connection is saved and a keychain can encrypt: the window may offer "remember". */
  canRemember: boolean
}

/** The passphrase, or null to skip the key. */
export interface RouteAnswer {
  passphrase: string | null
  /** Keep it with the saved connection, encrypted with the OS keychain (safeStorage). */
  remember?: boolean
}

export interface RouteApi {
  'route:answer': (askId: string, answer: RouteAnswer) => void
}

export interface RouteEvents {
  'route:ask': RouteAskEvent
}

export const routeRequestChannels: { readonly [K in keyof RouteApi]: true } = { 'route:answer': true }
export const routeEventChannels: { readonly [K in keyof RouteEvents]: true } = { 'route:ask': true }

export function formatHop(hop: SshHop): string {
  const host = hop.host.includes(':') ? `[${hop.host}]` : hop.host
  return `${hop.user ? `${hop.user}@` : ''}${host}${hop.port ? `:${hop.port}` : ''}`
}

/** `[user@]host[:port]`, IPv6 hosts in brackets (`[::1]:2222`); undefined when it is not one. */
export function parseHop(text: string): SshHop | undefined {
  const t = text.trim()
  const at = t.lastIndexOf('@')
  const user = at > 0 ? t.slice(0, at) : undefined
  const rest = at >= 0 ? t.slice(at + 1) : t
  let host: string
  let portText: string | undefined
  const br = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest)
  if (br) {
    host = br[1]
    portText = br[2]
  } else if ((rest.match(/:/g) ?? []).length > 1) {
    host = rest
  } else {
    const colon = rest.indexOf(':')
    host = colon < 0 ? rest : rest.slice(0, colon)
    portText = colon < 0 ? undefined : rest.slice(colon + 1)
  }
  if (host === '' || /[\s@/]/.test(host) || (user !== undefined && /\s/.test(user))) return undefined
  if (portText !== undefined) {
    const port = Number(portText)
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) return undefined
    return { ...(user ? { user } : {}), host, port }
  }
  return { ...(user ? { user } : {}), host }
}

/** One line for the status bar and the CLI: `SSH a → b · TLS · port 4370`; `direct` when nothing is set. */
export function describeRoute(spec: RouteSpec | undefined): string {
  if (!spec) return 'direct'
  const parts: string[] = []
  if (spec.ssh && spec.ssh.hops.length > 0) parts.push(`SSH ${spec.ssh.hops.map(formatHop).join(' → ')}`)
  if (spec.proxyCommand) parts.push(`proxy command ${spec.proxyCommand.trim().split(/\s+/)[0]}`)
  if (spec.address) parts.push(`address ${spec.address}`)
  if (spec.distPort) parts.push(`port ${spec.distPort}, no EPMD`)
  if (spec.tls) parts.push(spec.tls.dangerouslySkipVerify ? 'TLS (NOT VERIFIED)' : 'TLS')
  return parts.length > 0 ? parts.join(' · ') : 'direct'
}

/** True when the spec changes nothing from a direct connection. */
export function isDirect(spec: RouteSpec | undefined): boolean {
  return describeRoute(spec) === 'direct' && spec?.epmdPort === undefined
}

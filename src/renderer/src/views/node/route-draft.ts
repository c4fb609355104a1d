import { parseHop, type RouteSpec, type SshHop } from '@shared/contract/route'

/** The connect dialog's Route section as typed (text fields), before it becomes a RouteSpec. */
export interface RouteDraft {
  kind: 'direct' | 'ssh' | 'proxy'
  /** `[user@]host[:port]`, separated by commas, spaces or new lines, in hop order. */
  hops: string
  sshKey: string
  proxyCommand: string
  tls: boolean
  tlsCa: string
  tlsCert: string
  tlsKey: string
  tlsServerName: string
  address: string
  distPort: string
}

const fmtHop = (h: SshHop): string =>
  `${h.user ? `${h.user}@` : ''}${h.host.includes(':') ? `[${h.host}]` : h.host}${h.port ? `:${h.port}` : ''}`

export function draftFrom(spec: RouteSpec | undefined): RouteDraft {
  return {
    kind: spec?.ssh?.hops.length ? 'ssh' : spec?.proxyCommand ? 'proxy' : 'direct',
    hops: spec?.ssh?.hops.map(fmtHop).join(', ') ?? '',
    sshKey: spec?.ssh?.keyFile ?? '',
    proxyCommand: spec?.proxyCommand ?? '',
    tls: spec?.tls !== undefined,
    tlsCa: spec?.tls?.caFile ?? '',
    tlsCert: spec?.tls?.certFile ?? '',
    tlsKey: spec?.tls?.keyFile ?? '',
    tlsServerName: spec?.tls?.serverName ?? '',
    address: spec?.address ?? '',
    distPort: spec?.distPort ? String(spec.distPort) : ''
  }
}

const opt = (v: string): string | undefined => (v.trim() === '' ? undefined : v.trim())

/** The RouteSpec the draft describes (undefined: direct), or the first thing wrong with it, in words. */
export function specFrom(d: RouteDraft): { spec: RouteSpec | undefined } | { error: string } {
  const spec: RouteSpec = {}
  if (d.kind === 'ssh') {
    const parts = d.hops.split(/[\s,]+/).filter((p) => p !== '')
    if (parts.length === 0) return { error: 'Give at least one SSH hop, like admin@bastion.example.com.' }
    const hops: SshHop[] = []
    for (const p of parts) {
      const hop = parseHop(p)
      if (!hop) return { error: `'${p}' is not an SSH hop: use [user@]host[:port].` }
      hops.push(hop)
    }
    spec.ssh = { hops, ...(opt(d.sshKey) ? { keyFile: opt(d.sshKey) } : {}) }
  } else if (d.kind === 'proxy') {
    const cmd = opt(d.proxyCommand)
    if (!cmd) return { error: 'Give the proxy command, e.g. kubectl exec -i POD -- socat - TCP:%h:%p.' }
    spec.proxyCommand = cmd
  }
  if (opt(d.address)) spec.address = opt(d.address)
  if (opt(d.distPort)) {
    const n = Number(d.distPort.trim())
    if (!/^\d+$/.test(d.distPort.trim()) || n < 1 || n > 65535)
      return { error: 'The distribution port is a number from 1 to 65535.' }
    spec.distPort = n
  }
  if (d.tls)
    spec.tls = {
      ...(opt(d.tlsCa) ? { caFile: opt(d.tlsCa) } : {}),
      ...(opt(d.tlsCert) ? { certFile: opt(d.tlsCert) } : {}),
      ...(opt(d.tlsKey) ? { keyFile: opt(d.tlsKey) } : {}),
      ...(opt(d.tlsServerName) ? { serverName: opt(d.tlsServerName) } : {})
    }
  return { spec: Object.keys(spec).length > 0 ? spec : undefined }
}

import { parseHop, type RouteSpec, type SshHop } from '../../shared/contract/route'
import { AppError } from '../app-error'

const bad = (what: string): AppError => new AppError('invalid_request', `The route's ${what} is not valid.`)

function text(v: unknown, what: string, max = 4096): string | undefined {
  if (v === undefined || v === null || v === '') return undefined
  if (typeof v !== 'string' || v.length > max || v.includes('\0')) throw bad(what)
  const t = v.trim()
  return t === '' ? undefined : t
}

function port(v: unknown, what: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) throw bad(what)
  return v
}

function hop(v: unknown): SshHop {
  if (typeof v !== 'object' || v === null) throw bad('SSH hop')
  const o = v as Record<string, unknown>
  const host = text(o.host, 'SSH hop host', 255)
  if (!host) throw bad('SSH hop host')
  const user = text(o.user, 'SSH hop user', 64)
  const p = port(o.port, 'SSH hop port')
  const checked = parseHop(
    `${user ? `${user}@` : ''}${host.includes(':') ? `[${host}]` : host}${p ? `:${p}` : ''}`
  )
  if (!checked) throw bad('SSH hop')
  return checked
}

/**
 * A RouteSpec from the window, checked field by field (the window is not trusted). `acceptNew`
 * is dropped: in the GUI a new host key is always asked in main's own dialog.
 */
export function routeSpecFromWindow(value: unknown): RouteSpec | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'object') throw bad('description')
  const o = value as Record<string, unknown>
  const spec: RouteSpec = {}
  if (o.ssh !== undefined && o.ssh !== null) {
    if (typeof o.ssh !== 'object') throw bad('SSH part')
    const s = o.ssh as Record<string, unknown>
    if (!Array.isArray(s.hops) || s.hops.length > 8) throw bad('SSH hop list')
    const hops = s.hops.map(hop)
    if (hops.length > 0)
      spec.ssh = {
        hops,
        keyFile: text(s.keyFile, 'SSH key file'),
        knownHostsFile: text(s.knownHostsFile, 'known_hosts file'),
        configFile: text(s.configFile, 'SSH config file')
      }
  }
  const proxy = text(o.proxyCommand, 'proxy command')
  if (proxy) spec.proxyCommand = proxy
  const address = text(o.address, 'address', 255)
  if (address) spec.address = address
  spec.distPort = port(o.distPort, 'distribution port')
  spec.epmdPort = port(o.epmdPort, 'EPMD port')
  if (o.tls !== undefined && o.tls !== null && o.tls !== false) {
    if (typeof o.tls !== 'object') throw bad('TLS part')
    const t = o.tls as Record<string, unknown>
    spec.tls = {
      caFile: text(t.caFile, 'TLS CA file'),
      certFile: text(t.certFile, 'TLS certificate file'),
      keyFile: text(t.keyFile, 'TLS key file'),
      serverName: text(t.serverName, 'TLS server name', 255),
      ...(t.dangerouslySkipVerify === true ? { dangerouslySkipVerify: true } : {})
    }
  }
  const clean = JSON.parse(JSON.stringify(spec)) as RouteSpec
  return Object.keys(clean).length > 0 ? clean : undefined
}

import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { isIP } from 'node:net'
import { AppError } from '../app-error'

/** `alive@host`. Short names (`-sname`) have a host without dots; long names (`-name`) an FQDN or an IP. */
export interface NodeName {
  readonly alive: string
  readonly host: string
  readonly full: string
  readonly style: 'short' | 'long'
}

export function shortHostname(): string {
  return hostname().split('.')[0]
}

export function nameStyle(host: string): 'short' | 'long' {
  return host.includes('.') || isIP(host) !== 0 ? 'long' : 'short'
}

/** Parses `alive@host`; a bare `alive` means a short-named node on this machine. */
export function parseNodeName(text: string): NodeName {
  const trimmed = text.trim()
  const at = trimmed.indexOf('@')
  const alive = at < 0 ? trimmed : trimmed.slice(0, at)
  const host = at < 0 ? shortHostname() : trimmed.slice(at + 1)
  if (alive === '' || host === '' || host.includes('@') || !/^[^@\s]+$/.test(alive)) {
    throw new AppError(
      'invalid_request',
      `'${text}' is not a node name: expected name@host, e.g. rabbit@${shortHostname()}.`
    )
  }
  return { alive, host, full: `${alive}@${host}`, style: nameStyle(host) }
}

/**
 * Our own node name, in the target's style: a short name uses this machine's short host name; a
 * long name uses `localAddress` (the address our socket to the target has), or this host's FQDN.
 */
export function ownNodeName(target: NodeName, localAddress?: string): string {
  const alive = `erlscope_${randomBytes(4).toString('hex')}`
  if (target.style === 'short') return `${alive}@${shortHostname()}`
  const addr = localAddress?.replace(/^::ffff:/, '')
  if (addr && isIP(addr) === 4) return `${alive}@${addr}`
  if (addr && isIP(addr) === 6) return `${alive}@${addr}`
  const h = hostname()
  return `${alive}@${h.includes('.') ? h : '127.0.0.1'}`
}

import { hostname, networkInterfaces } from 'node:os'
import { isIP } from 'node:net'

/**
 * Whether a node's host names this machine: its short or long host name, localhost, 127.x, ::1,
 * or an address of one of its interfaces. Only such nodes get ~/.erlang.cookie without asking.
 */
export function isThisMachine(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
  if (h === '') return false
  const own = hostname().toLowerCase()
  if (h === own || h === own.split('.')[0] || h === 'localhost' || h === 'localhost.localdomain') return true
  const ip = h.replace(/^::ffff:/, '')
  if (isIP(ip) === 4 && ip.startsWith('127.')) return true
  if (ip === '::1') return true
  if (isIP(ip) === 0) return false
  return Object.values(networkInterfaces()).some((list) =>
    (list ?? []).some((a) => a.address.toLowerCase() === ip)
  )
}

/**
 * The part of OpenSSH's ssh_config(5) a route needs: `Host` blocks (patterns with `*`, `?`, `!`)
 * and `HostName`, `User`, `Port`, `IdentityFile`, `ProxyJump`. As in ssh, the first value
 * obtained wins (IdentityFile accumulates). `Match` blocks are skipped. Pure: text in, values out.
 */

export interface SshConfigBlock {
  patterns: string[]
  options: Array<{ key: string; value: string }>
}

export interface SshHostConfig {
  hostName?: string
  user?: string
  port?: number
  identityFiles: string[]
  proxyJump?: string
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v
}

export function parseSshConfig(text: string): SshConfigBlock[] {
  const blocks: SshConfigBlock[] = [{ patterns: ['*'], options: [] }]
  let skipping = false
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line)
    if (!m) continue
    const key = m[1].toLowerCase()
    const value = m[2].trim()
    if (key === 'host') {
      skipping = false
      blocks.push({ patterns: value.split(/\s+/).map(unquote), options: [] })
    } else if (key === 'match') {
      skipping = true
    } else if (!skipping) {
      blocks[blocks.length - 1].options.push({ key, value: unquote(value) })
    }
  }
  return blocks
}

function glob(pattern: string, name: string): boolean {
  const re = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${re}$`, 'i').test(name)
}

function blockMatches(patterns: string[], host: string): boolean {
  let matched = false
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (glob(p.slice(1), host)) return false
    } else if (glob(p, host)) matched = true
  }
  return matched
}

/** What the config says for `host` (the name as typed, an alias or a real name). */
export function lookupSshConfig(blocks: SshConfigBlock[], host: string): SshHostConfig {
  const out: SshHostConfig = { identityFiles: [] }
  for (const b of blocks) {
    if (!blockMatches(b.patterns, host)) continue
    for (const { key, value } of b.options) {
      if (key === 'hostname') out.hostName ??= value.replace(/%h/g, host)
      else if (key === 'user') out.user ??= value
      else if (key === 'port') {
        const n = Number(value)
        if (out.port === undefined && Number.isInteger(n) && n > 0 && n < 65536) out.port = n
      } else if (key === 'identityfile') out.identityFiles.push(value)
      else if (key === 'proxyjump') out.proxyJump ??= value
    }
  }
  return out
}

/** `~` and the `%d` (home), `%u` (local user), `%h` (host), `%r` (remote user), `%%` tokens of IdentityFile. */
export function expandPath(
  path: string,
  t: { home: string; localUser: string; host: string; remoteUser: string }
): string {
  const tilde = path === '~' || path.startsWith('~/') ? t.home + path.slice(1) : path
  return tilde.replace(/%([%dhru])/g, (_, c: string) =>
    c === '%' ? '%' : c === 'd' ? t.home : c === 'h' ? t.host : c === 'r' ? t.remoteUser : t.localUser
  )
}

import { createHash, createHmac } from 'node:crypto'

/**
 * OpenSSH known_hosts (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): `[@marker] patterns keytype base64 [comment]`.
 * Patterns: comma-separated names, `[host]:port` for ports other than 22, `*`/`?` wildcards,
 * `!negation`, or one hashed name `|1|salt|hmac-sha1`. Pure: text in, verdict out.
 */

export interface KnownHostEntry {
  line: number
  marker: 'cert-authority' | 'revoked' | undefined
  patterns: string
  keyType: string
  key: Buffer
}

export type HostKeyVerdict =
  | { status: 'known'; line: number }
  | { status: 'unknown' }
  | { status: 'changed'; line: number; knownFingerprint: string }
  | { status: 'revoked'; line: number }

/** How known_hosts names a host: `host` on port 22, `[host]:port` elsewhere. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`
}

/** `SHA256:<base64 without padding>`, as `ssh-keygen -lf` prints it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`
}

/** The key type inside an SSH public-key blob (its first string). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown'
  const n = key.readUInt32BE(0)
  return key.length < 4 + n ? 'unknown' : key.toString('latin1', 4, 4 + n)
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].trim()
    if (t === '' || t.startsWith('#')) continue
    const fields = t.split(/\s+/)
    let marker: KnownHostEntry['marker']
    if (fields[0] === '@cert-authority' || fields[0] === '@revoked') {
      marker = fields[0] === '@revoked' ? 'revoked' : 'cert-authority'
      fields.shift()
    }
    if (fields.length < 3) continue
    const key = Buffer.from(fields[2], 'base64')
    if (key.length === 0) continue
    out.push({ line: i + 1, marker, patterns: fields[0], keyType: fields[1], key })
  }
  return out
}

function wildcard(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    'i'
  )
  return re.test(name)
}

function hashedMatch(pattern: string, name: string): boolean {
  const parts = pattern.split('|')
  if (parts.length !== 4 || parts[1] !== '1') return false
  const salt = Buffer.from(parts[2], 'base64')
  const mac = createHmac('sha1', salt).update(name).digest('base64')
  return mac === parts[3]
}

/** Whether a line's host patterns cover `name` (`host` or `[host]:port`). */
export function patternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith('|')) return hashedMatch(patterns, name)
  let matched = false
  for (const raw of patterns.split(',')) {
    const negated = raw.startsWith('!')
    const p = negated ? raw.slice(1) : raw
    if (wildcard(p, name)) {
      if (negated) return false
      matched = true
    }
  }
  return matched
}

/** Checks the key a server presented. `changed` only when a key of the same type is recorded. */
export function checkHostKey(entries: KnownHostEntry[], name: string, key: Buffer): HostKeyVerdict {
  const type = keyTypeOf(key)
  let changed: { line: number; knownFingerprint: string } | undefined
  for (const e of entries) {
    if (e.marker === 'cert-authority' || !patternsMatch(e.patterns, name)) continue
    if (e.marker === 'revoked') {
      if (e.key.equals(key)) return { status: 'revoked', line: e.line }
      continue
    }
    if (e.key.equals(key)) return { status: 'known', line: e.line }
    if (e.keyType === type) changed ??= { line: e.line, knownFingerprint: fingerprint(e.key) }
  }
  return changed ? { status: 'changed', ...changed } : { status: 'unknown' }
}

/** Key types recorded for `name`, to offer them first in the key exchange (as OpenSSH does). */
export function knownKeyTypes(entries: KnownHostEntry[], name: string): string[] {
  const types = new Set<string>()
  for (const e of entries) if (!e.marker && patternsMatch(e.patterns, name)) types.add(e.keyType)
  return [...types]
}

/** The line OpenSSH appends when it accepts a new key. */
export function knownHostsLine(name: string, key: Buffer): string {
  return `${name} ${keyTypeOf(key)} ${key.toString('base64')}\n`
}

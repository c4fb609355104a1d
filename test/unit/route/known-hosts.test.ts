import { createHmac, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  checkHostKey,
  fingerprint,
  keyTypeOf,
  knownHostsLine,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
  patternsMatch
} from '../../../src/main/route/known-hosts'

/** An SSH public-key blob: string type, then some key bytes. */
function blob(type: string, seed: string): Buffer {
  const t = Buffer.from(type)
  const len = Buffer.alloc(4)
  len.writeUInt32BE(t.length)
  return Buffer.concat([len, t, Buffer.from(seed)])
}

const ed = blob('ssh-ed25519', 'key-one')
const ed2 = blob('ssh-ed25519', 'key-two')
const rsa = blob('ssh-rsa', 'rsa-key')

describe('known_hosts', () => {
  it('names hosts as OpenSSH does', () => {
    expect(knownHostsName('bastion', 22)).toBe('bastion')
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222')
  })

  it('reads the key type from the blob, and fingerprints like ssh-keygen -l', () => {
    expect(keyTypeOf(ed)).toBe('ssh-ed25519')
    expect(fingerprint(ed)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
  })

  it('matches plain, bracketed, wildcard, negated and hashed patterns', () => {
    expect(patternsMatch('a,bastion', 'bastion')).toBe(true)
    expect(patternsMatch('[bastion]:2222', 'bastion')).toBe(false)
    expect(patternsMatch('[bastion]:2222', '[bastion]:2222')).toBe(true)
    expect(patternsMatch('*.example.com', 'db.example.com')).toBe(true)
    expect(patternsMatch('*.example.com,!db.example.com', 'db.example.com')).toBe(false)
    expect(patternsMatch('h?st', 'host')).toBe(true)
    const salt = randomBytes(20)
    const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[db]:2200').digest('base64')}`
    expect(patternsMatch(hashed, '[db]:2200')).toBe(true)
    expect(patternsMatch(hashed, 'db')).toBe(false)
  })

  it('says known, unknown, changed (same type only) and revoked', () => {
    const text = [
      '# comment',
      '',
      `bastion ${'ssh-ed25519'} ${ed.toString('base64')}`,
      `other ssh-rsa ${rsa.toString('base64')}`,
      `@revoked bad ssh-ed25519 ${ed2.toString('base64')}`,
      `@cert-authority *.corp ssh-ed25519 ${ed2.toString('base64')}`
    ].join('\n')
    const entries = parseKnownHosts(text)
    expect(checkHostKey(entries, 'bastion', ed)).toEqual({ status: 'known', line: 3 })
    expect(checkHostKey(entries, 'nobody', ed)).toEqual({ status: 'unknown' })
    expect(checkHostKey(entries, 'bastion', ed2)).toEqual({
      status: 'changed',
      line: 3,
      knownFingerprint: fingerprint(ed)
    })
    expect(checkHostKey(entries, 'other', ed)).toEqual({ status: 'unknown' })
    expect(checkHostKey(entries, 'bad', ed2)).toEqual({ status: 'revoked', line: 5 })
    expect(checkHostKey(entries, 'x.corp', ed2)).toEqual({ status: 'unknown' })
    expect(knownKeyTypes(entries, 'other')).toEqual(['ssh-rsa'])
  })

  it('writes a line it reads back as known', () => {
    const line = knownHostsLine('[h]:2022', ed)
    expect(line.endsWith('\n')).toBe(true)
    expect(checkHostKey(parseKnownHosts(line), '[h]:2022', ed).status).toBe('known')
  })
})

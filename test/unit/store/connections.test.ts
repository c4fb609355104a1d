import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConnectionStore, CONNECTIONS_FILE } from '../../../src/main/store/connections'
import { unavailableSecretStore } from '../../../src/main/store/secrets'
import { testSecretStore } from '../../support/test-secrets'

const dirs: string[] = []
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'erlscope-store-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('saved connections store', () => {
  it('encrypts the cookie, never returns it, and reads it back after a restart', () => {
    const dir = tmp()
    const store = new ConnectionStore(dir, testSecretStore(dir))
    const saved = store.save({
      name: 'rabbit',
      node: 'rabbit@host',
      cookie: 'SECRETCOOKIE',
      intervalMs: 2000
    })
    expect(saved).toMatchObject({
      name: 'rabbit',
      node: 'rabbit@host',
      hasCookie: true,
      cookiePlaintext: false,
      intervalMs: 2000
    })
    expect(JSON.stringify(saved)).not.toContain('SECRETCOOKIE')
    expect(readFileSync(join(dir, CONNECTIONS_FILE), 'utf8')).not.toContain('SECRETCOOKIE')
    const again = new ConnectionStore(dir, testSecretStore(dir))
    expect(again.list()).toEqual([saved])
    expect(again.cookieOf(saved.id)).toBe('SECRETCOOKIE')
  })

  it('refuses to store a cookie in plaintext unless the user agreed', () => {
    const dir = tmp()
    const store = new ConnectionStore(dir, unavailableSecretStore)
    expect(() => store.save({ name: 'a', node: 'a@h', cookie: 'c' })).toThrow(
      expect.objectContaining({ code: 'encryption_unavailable' })
    )
    expect(store.list()).toEqual([])
    const plain = store.save({ name: 'a', node: 'a@h', cookie: 'c' }, { plaintextAllowed: true })
    expect(plain).toMatchObject({ hasCookie: true, cookiePlaintext: true })
    expect(store.cookieOf(plain.id)).toBe('c')
    expect(store.save({ name: 'b', node: 'b@h' }).hasCookie).toBe(false)
  })

  it('edits (keeping or removing the cookie), deletes, reorders; used ones move first', () => {
    const dir = tmp()
    let now = 1000
    const store = new ConnectionStore(dir, testSecretStore(dir), () => now)
    const a = store.save({ name: 'a', node: 'a@h', cookie: 'ca' })
    const b = store.save({ name: 'b', node: 'b@h' })
    const c = store.save({ name: 'c', node: 'c@h' })
    expect(store.list().map((x) => x.name)).toEqual(['c', 'b', 'a'])
    const edited = store.save({ id: a.id, name: 'a2', node: 'a@h', intervalMs: 500 })
    expect(edited).toMatchObject({ name: 'a2', node: 'a@h', intervalMs: 500, hasCookie: true })
    expect(store.cookieOf(a.id)).toBe('ca')
    expect(store.save({ id: a.id, name: 'a2', node: 'a@h', cookie: '' }).hasCookie).toBe(false)
    store.save({ id: a.id, name: 'a2', node: 'a@h', cookie: 'ca' })
    // a cookie belongs to its node: another node name drops it unless a new one comes with it
    const moved = store.save({ id: a.id, name: 'a2', node: 'a@h2', intervalMs: 500 })
    expect(moved).toMatchObject({ node: 'a@h2', hasCookie: false })
    expect(store.cookieOf(a.id)).toBeUndefined()
    const given = store.save({ id: a.id, name: 'a2', node: 'a@h3', cookie: 'c3' })
    expect(given.hasCookie).toBe(true)
    expect(store.cookieOf(a.id)).toBe('c3')
    expect(store.reorder([a.id, c.id, 'nope']).map((x) => x.id)).toEqual([a.id, c.id, b.id])
    now = 5000
    store.touch(b.id)
    expect(store.list()[0]).toMatchObject({ id: b.id, lastUsedAt: 5000 })
    store.delete(c.id)
    expect(new ConnectionStore(dir, testSecretStore(dir)).list().map((x) => x.id)).toEqual([b.id, a.id])
    expect(() => store.delete(c.id)).toThrow(expect.objectContaining({ code: 'not_found' }))
  })

  it('validates node names and intervals', () => {
    const dir = tmp()
    const store = new ConnectionStore(dir, testSecretStore(dir))
    expect(() => store.save({ name: 'x', node: 'nohost' })).toThrow(
      expect.objectContaining({ code: 'invalid_request' })
    )
    expect(() => store.save({ name: 'x', node: 'a@h', intervalMs: 10 })).toThrow(
      expect.objectContaining({ code: 'invalid_request' })
    )
  })
})

import { randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { SaveConnectionInput, SavedConnection } from '../../shared/contract/node'
import type { RouteSpec } from '../../shared/contract/route'
import { AppError } from '../app-error'
import { routeSpecFromWindow } from '../route/spec-check'
import type { SecretStore } from './secrets'

export const CONNECTIONS_FILE = 'connections.json'
export const DEFAULT_INTERVAL_MS = 1000
export const MIN_INTERVAL_MS = 200
export const MAX_INTERVAL_MS = 3_600_000

type StoredCookie = { encrypted: string } | { plaintext: string }

interface StoredConnection {
  id: string
  name: string
  node: string
  intervalMs: number
  cookie?: StoredCookie
  /** Paths and names only: key and certificate contents are never stored. */
  route?: RouteSpec
  /** SSH key passphrases the user chose to remember, by key file, encrypted (never in plaintext). */
  passphrases?: Record<string, string>
  lastUsedAt: number | null
  createdAt: number
}

interface StoredFile {
  version: 1
  /** In display order: the user's order, a connection moving to the front when used. */
  connections: StoredConnection[]
}

const NODE_NAME = /^[^@\s]+@[^@\s]+$/

export function validInterval(ms: number | undefined): number {
  if (ms === undefined) return DEFAULT_INTERVAL_MS
  if (!Number.isFinite(ms) || ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS)
    throw new AppError(
      'invalid_request',
      `The sampling interval must be between ${MIN_INTERVAL_MS} ms and 1 hour.`
    )
  return Math.round(ms)
}

/**
 * Saved connections in `<userData>/connections.json`. Cookies are stored encrypted through the
 * SecretStore (or in plaintext only when the user agreed); they never leave this module except
 * through `cookieOf`, which main uses to connect.
 */
export class ConnectionStore {
  private readonly file: string
  private data: StoredFile

  constructor(
    userDataDir: string,
    private readonly secrets: SecretStore,
    private readonly now: () => number = Date.now
  ) {
    this.file = join(userDataDir, CONNECTIONS_FILE)
    this.data = this.load()
  }

  private load(): StoredFile {
    let text: string
    try {
      text = readFileSync(this.file, 'utf8')
    } catch {
      return { version: 1, connections: [] }
    }
    try {
      const parsed = JSON.parse(text) as Partial<StoredFile>
      const list = Array.isArray(parsed.connections) ? parsed.connections : []
      return {
        version: 1,
        connections: list.filter(
          (c): c is StoredConnection =>
            typeof c === 'object' && c !== null && typeof c.id === 'string' && typeof c.node === 'string'
        )
      }
    } catch {
      // A corrupt file is kept aside rather than overwritten silently.
      renameSync(this.file, `${this.file}.corrupt-${this.now()}`)
      return { version: 1, connections: [] }
    }
  }

  private persist(): void {
    mkdirSync(dirname(this.file), { recursive: true })
    const tmp = `${this.file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(this.data, null, 2), { mode: 0o600 })
    renameSync(tmp, this.file)
  }

  private view(c: StoredConnection): SavedConnection {
    return {
      id: c.id,
      name: c.name,
      node: c.node,
      intervalMs: c.intervalMs,
      hasCookie: c.cookie !== undefined,
      cookiePlaintext: c.cookie !== undefined && 'plaintext' in c.cookie,
      ...(c.route ? { route: c.route } : {}),
      lastUsedAt: c.lastUsedAt,
      createdAt: c.createdAt
    }
  }

  list(): SavedConnection[] {
    return this.data.connections.map((c) => this.view(c))
  }

  get(id: string): SavedConnection | undefined {
    const c = this.data.connections.find((x) => x.id === id)
    return c && this.view(c)
  }

  private sealCookie(cookie: string, plaintextAllowed: boolean): StoredCookie {
    if (this.secrets.isAvailable()) return { encrypted: this.secrets.encrypt(cookie).toString('base64') }
    if (plaintextAllowed) return { plaintext: cookie }
    throw new AppError(
      'encryption_unavailable',
      'The connection was not saved: no system keychain is available to encrypt the cookie, and storing it unencrypted was declined. Save it without a cookie, or type the cookie when you connect.'
    )
  }

  /**
   * Saves a connection. Renaming its node drops the stored cookie unless a new one is given: a
   * cookie belongs to the node it was saved for. `plaintextAllowed` is main's answer from the
   * user (asked natively) to storing it unencrypted when no keychain is available.
   */
  save(input: SaveConnectionInput, options: { plaintextAllowed?: boolean } = {}): SavedConnection {
    const name = typeof input.name === 'string' ? input.name.trim() : ''
    const node = typeof input.node === 'string' ? input.node.trim() : ''
    if (!NODE_NAME.test(node))
      throw new AppError('invalid_request', `'${node}' is not a node name (name@host).`)
    const intervalMs = validInterval(input.intervalMs)
    if (input.cookie !== undefined && typeof input.cookie !== 'string')
      throw new AppError('invalid_request', 'The cookie must be text.')
    const existing = input.id === undefined ? undefined : this.data.connections.find((c) => c.id === input.id)
    if (input.id !== undefined && !existing)
      throw new AppError('not_found', 'That saved connection no longer exists.')
    let cookie: StoredCookie | undefined = existing?.node === node ? existing.cookie : undefined
    if (input.cookie === '') cookie = undefined
    else if (input.cookie !== undefined)
      cookie = this.sealCookie(input.cookie, options.plaintextAllowed === true)
    const route = input.route === undefined ? existing?.route : routeSpecFromWindow(input.route)
    if (existing) {
      existing.name = name || node
      existing.node = node
      existing.intervalMs = intervalMs
      existing.cookie = cookie
      // a passphrase belongs to the route it was typed for
      if (JSON.stringify(existing.route) !== JSON.stringify(route) || existing.node !== node)
        delete existing.passphrases
      existing.route = route
      this.persist()
      return this.view(existing)
    }
    const created: StoredConnection = {
      id: randomUUID(),
      name: name || node,
      node,
      intervalMs,
      cookie,
      ...(route ? { route } : {}),
      lastUsedAt: null,
      createdAt: this.now()
    }
    this.data.connections.unshift(created)
    this.persist()
    return this.view(created)
  }

  delete(id: string): void {
    const before = this.data.connections.length
    this.data.connections = this.data.connections.filter((c) => c.id !== id)
    if (this.data.connections.length === before)
      throw new AppError('not_found', 'That saved connection no longer exists.')
    this.persist()
  }

  reorder(ids: string[]): SavedConnection[] {
    if (!Array.isArray(ids)) throw new AppError('invalid_request', 'Expected a list of connection ids.')
    const byId = new Map(this.data.connections.map((c) => [c.id, c]))
    const ordered: StoredConnection[] = []
    for (const id of ids) {
      const c = byId.get(id)
      if (c) {
        ordered.push(c)
        byId.delete(id)
      }
    }
    this.data.connections = [...ordered, ...this.data.connections.filter((c) => byId.has(c.id))]
    this.persist()
    return this.list()
  }

  /** Marks a connection used: it moves to the front (recently used first). */
  touch(id: string): void {
    const i = this.data.connections.findIndex((c) => c.id === id)
    if (i < 0) return
    const [c] = this.data.connections.splice(i, 1)
    c.lastUsedAt = this.now()
    this.data.connections.unshift(c)
    this.persist()
  }

  /** Whether passphrases can be remembered: only encrypted, never in plaintext. */
  canStorePassphrases(): boolean {
    return this.secrets.isAvailable()
  }

  /** A remembered SSH key passphrase, for main's route only. */
  passphraseOf(id: string, keyFile: string): string | undefined {
    const sealed = this.data.connections.find((x) => x.id === id)?.passphrases?.[keyFile]
    if (sealed === undefined || !this.secrets.isAvailable()) return undefined
    return this.secrets.decrypt(Buffer.from(sealed, 'base64'))
  }

  rememberPassphrase(id: string, keyFile: string, passphrase: string): void {
    const c = this.data.connections.find((x) => x.id === id)
    if (!c || !this.secrets.isAvailable()) return
    c.passphrases = { ...c.passphrases, [keyFile]: this.secrets.encrypt(passphrase).toString('base64') }
    this.persist()
  }

  /** The stored cookie in plaintext, for main's connect only. */
  cookieOf(id: string): string | undefined {
    const c = this.data.connections.find((x) => x.id === id)
    if (!c?.cookie) return undefined
    if ('plaintext' in c.cookie) return c.cookie.plaintext
    if (!this.secrets.isAvailable())
      throw new AppError(
        'encryption_unavailable',
        'The saved cookie is encrypted and no system keychain is available to read it.'
      )
    return this.secrets.decrypt(Buffer.from(c.cookie.encrypted, 'base64'))
  }
}

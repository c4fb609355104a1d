import type { Emit, HandlersOf } from '../../shared/api'
import type { ClusterApi } from '../../shared/contract/cluster'
import type { NodeApi, SessionInfo } from '../../shared/contract/node'
import type { RouteApi } from '../../shared/contract/route'
import { AppError } from '../app-error'
import { ConnectionStore, validInterval } from '../store/connections'
import type { SecretStore } from '../store/secrets'
import { createCategoryHandlers } from './categories-handlers'
import { createClusterHandlers } from './cluster-handlers'
import * as C from './collectors'
import { nobodyToAsk, type AskUser } from '../ask-user'
import { CookieChooser } from './connect-cookie'
import { defaultCookiePresent } from './cookie'
import { connectorFrom, type DistConnect } from './dist-adapter'
import { epmdNames } from '../erldist/epmd'
import { parseNodeName, shortHostname } from '../erldist/node-name'
import type { Connector } from './live-client'
import { Session } from './session'
import { guiAsker } from '../route/gui-asker'
import { PassphrasePrompts } from '../route/passphrase-prompts'
import { routeSpecFromWindow } from '../route/spec-check'
import type { RouteEnv } from '../route/route'

export interface NodeHandlerEnv {
  emit: Emit
  userDataDir: string
  secrets: SecretStore
  /** The distribution client's connectNode (tests may pass their own). */
  connect?: DistConnect
  /** Lower-level seam for tests: a connector over LiveClient directly. */
  connector?: Connector
  /** Reconnect backoff (tests shorten it). */
  backoffMs?: { first: number; max: number }
  /** Background allocator reads (tests shorten it). */
  allocatorIntervalMs?: number
  /** The scan gate's least rest between scans, ms (default 2000; tests lengthen it). */
  scanIntervalMs?: number
  /** Asks the user (a native dialog in Electron); absent: every question is answered no. */
  askUser?: AskUser
  /** Where routes read SSH_AUTH_SOCK and ~/.ssh (tests pass their own home). */
  routeEnv?: RouteEnv
  /** ~/.erlang.cookie (tests pass their own). */
  readDefaultCookie?: () => string | undefined
}

export interface NodeHandlers {
  handlers: HandlersOf<NodeApi & ClusterApi & RouteApi>
  dispose(): Promise<void>
}

function sessionIdOf(value: unknown): string {
  if (typeof value !== 'string' || value === '')
    throw new AppError('invalid_request', 'Expected a session id.')
  return value
}

/** The live-node part of the handler table: sessions by id, saved connections, EPMD discovery. */
export function createNodeHandlers(env: NodeHandlerEnv): NodeHandlers {
  const store = new ConnectionStore(env.userDataDir, env.secrets)
  const ask = env.askUser ?? nobodyToAsk
  const cookies = new CookieChooser(store, ask, env.readDefaultCookie)
  const connector = env.connector ?? connectorFrom(env.connect)
  const sessions = new Map<string, Session>()
  const prompts = new PassphrasePrompts(env.emit)

  const session = (id: unknown): Session => {
    const s = sessions.get(sessionIdOf(id))
    if (!s) throw new AppError('not_connected', 'That session is closed; connect again.')
    return s
  }
  const changed = (): void => env.emit('connections:changed', { connections: store.list() })

  const cluster = createClusterHandlers({
    emit: env.emit,
    session,
    async openMember(entry, node) {
      if (node === entry.node) return entry.info()
      const route = entry.memberRoute()
      const open = [...sessions.values()].find((s) => s.node === node && s.info().through === route.through)
      if (open) return open.info()
      const s = await Session.open({
        node,
        cookie: route.cookie,
        through: route.through,
        route: route.route,
        asker: route.asker,
        routeEnv: env.routeEnv,
        intervalMs: entry.intervalMs,
        connect: connector,
        emit: env.emit,
        backoffMs: env.backoffMs
      })
      sessions.set(s.id, s)
      return s.info()
    }
  })

  const handlers: HandlersOf<NodeApi & ClusterApi & RouteApi> = {
    'route:answer': async (askId, answer) => prompts.answer(askId, answer),
    'epmd:names': async (host) => {
      const h = typeof host === 'string' && host.trim() !== '' ? host.trim() : 'localhost'
      const nodeHost = h === 'localhost' || h === '127.0.0.1' ? shortHostname() : h
      const { nodes } = await epmdNames(h, { timeoutMs: 3000 })
      return nodes.map((n) => ({ name: n.name, port: n.port, node: `${n.name}@${nodeHost}` }))
    },
    'cookie:default': async () => ({ present: defaultCookiePresent() }),

    'node:connect': async (req): Promise<SessionInfo> => {
      if (typeof req !== 'object' || req === null || typeof req.node !== 'string')
        throw new AppError('invalid_request', 'Give the node as name@host.')
      // a bare name means a short-named node on this machine, as `erl -sname shop` does
      const node = parseNodeName(req.node).full
      const typed = typeof req.cookie === 'string' && req.cookie !== '' ? req.cookie : undefined
      const cookie = await cookies.cookieFor(node, typed, req.savedId)
      const saved = req.savedId === undefined ? undefined : store.get(req.savedId)
      const intervalMs = validInterval(req.intervalMs ?? saved?.intervalMs)
      const route = req.route !== undefined ? routeSpecFromWindow(req.route) : saved?.route
      const s = await Session.open({
        node,
        cookie,
        intervalMs,
        savedId: saved?.id,
        route,
        asker: guiAsker(
          ask,
          prompts,
          saved && {
            canStore: () => store.canStorePassphrases(),
            get: (keyFile) => store.passphraseOf(saved.id, keyFile),
            set: (keyFile, passphrase) => store.rememberPassphrase(saved.id, keyFile, passphrase)
          }
        ),
        routeEnv: env.routeEnv,
        connect: connector,
        emit: env.emit,
        backoffMs: env.backoffMs,
        allocatorIntervalMs: env.allocatorIntervalMs,
        scanIntervalMs: env.scanIntervalMs
      })
      sessions.set(s.id, s)
      if (saved) {
        store.touch(saved.id)
        changed()
      }
      return s.info()
    },
    'node:disconnect': async (id) => {
      const s = session(id)
      sessions.delete(s.id)
      cluster.forget(s.id)
      await s.close()
    },
    'node:sessions': async () => [...sessions.values()].map((s) => s.info()),
    'node:system': async (id) => C.system(session(id).live()),
    'node:memory-history': async (id, since, maxPoints) =>
      session(id).history.since(
        typeof since === 'number' ? since : -Infinity,
        typeof maxPoints === 'number' && maxPoints > 0 ? maxPoints : undefined
      ),
    'node:processes': async (id, query) => session(id).processes(query),
    'node:snapshot': async (id) => {
      const snap = await session(id).takeSnapshot()
      return { takenAt: snap.takenAt, count: snap.count }
    },
    'node:new-since-snapshot': async (id, query) => session(id).newSinceSnapshot(query?.limit),
    'node:process': async (id, pid) => C.process(session(id).live(), pid),
    'node:messages': async (id, pid, req) => session(id).messages(pid, req ?? {}),
    'node:allocators': async (id) => C.allocators(session(id).live()),
    'node:allocator-history': async (id, since) =>
      session(id).allocatorHistory.since(typeof since === 'number' ? since : -Infinity),
    ...createCategoryHandlers(session),

    ...cluster.handlers,

    'connections:list': async () => store.list(),
    'connections:save': async (input) => {
      if (typeof input !== 'object' || input === null)
        throw new AppError('invalid_request', 'Expected a connection.')
      // storing a cookie unencrypted is the user's choice, asked by main, never a renderer flag
      const plaintextAllowed =
        typeof input.cookie === 'string' && input.cookie !== '' && !env.secrets.isAvailable()
          ? await ask({
              title: 'Store the cookie unencrypted?',
              message: `No system keychain is available to encrypt the cookie of ${String(input.node)}.`,
              detail:
                "Store it unencrypted in erlscope's settings file (readable only by you, like ~/.erlang.cookie), or save the connection without it and type the cookie when you connect.",
              yes: 'Store unencrypted',
              no: 'Save without cookie'
            })
          : false
      const saved = store.save(input, { plaintextAllowed })
      changed()
      return saved
    },
    'connections:delete': async (id) => {
      store.delete(id)
      changed()
    },
    'connections:reorder': async (ids) => {
      const list = store.reorder(ids)
      changed()
      return list
    }
  }

  return {
    handlers,
    async dispose() {
      const all = [...sessions.values()]
      sessions.clear()
      prompts.cancelAll()
      cluster.dispose()
      await Promise.all(all.map((s) => s.close()))
    }
  }
}

import type { AppApi, AppEvents } from './contract/app'
import type { ClusterApi, ClusterEvents } from './contract/cluster'
import type { DumpApi, DumpEvents } from './contract/dump'
import type { NodeApi, NodeEvents } from './contract/node'
import type { RouteApi, RouteEvents } from './contract/route'
import type { Reply } from './errors'
import { appEventChannels, appRequestChannels } from './contract/app'
import { clusterEventChannels, clusterRequestChannels } from './contract/cluster'
import { dumpEventChannels, dumpRequestChannels } from './contract/dump'
import { nodeEventChannels, nodeRequestChannels } from './contract/node'
import { routeEventChannels, routeRequestChannels } from './contract/route'

/** Request channels: each is a function type from the renderer's arguments to main's value. */
export type Api = AppApi & NodeApi & DumpApi & ClusterApi & RouteApi
/** Event channels (main -> renderer): each maps to its payload type. */
export type Events = AppEvents & NodeEvents & DumpEvents & ClusterEvents & RouteEvents

export type Channel = keyof Api
export type EventChannel = keyof Events

export type Args<K extends Channel> = Parameters<Api[K]>
export type Result<K extends Channel> = ReturnType<Api[K]>

/** An async handler for each request channel of a (partial) contract. */
export type HandlersOf<A> = {
  [K in keyof A]: A[K] extends (...args: infer P) => infer R ? (...args: P) => Promise<R> : never
}
/** What main implements: the handler table, one async function per request channel. */
export type Handlers = HandlersOf<Api>

export type Emit = <E extends EventChannel>(event: E, payload: Events[E]) => void

/** The object the preload exposes as `window.erlscope` (and the browser harness mimics). */
export interface Bridge {
  request: { readonly [K in Channel]: (...args: Args<K>) => Promise<Reply<Result<K>>> }
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void
  /**
   * The filesystem path of a dropped file (Electron's webUtils.getPathForFile); the preload also
   * tells main, which lets `dump:open` read that file.
   */
  pathForFile(file: File): string
}

export const requestChannels = Object.freeze(
  Object.keys({
    ...appRequestChannels,
    ...nodeRequestChannels,
    ...dumpRequestChannels,
    ...clusterRequestChannels,
    ...routeRequestChannels
  }) as Channel[]
)
export const eventChannels = Object.freeze(
  Object.keys({
    ...appEventChannels,
    ...nodeEventChannels,
    ...dumpEventChannels,
    ...clusterEventChannels,
    ...routeEventChannels
  }) as EventChannel[]
)

export const BRIDGE_KEY = 'erlscope'

/**
 * Preload → main only, never on the bridge: the path Electron's webUtils.getPathForFile gave for a
 * file the user dropped, so that `dump:open` may read it. The renderer cannot send it: it only
 * hands the preload a File, and a File it made up has no path.
 */
export const DROPPED_PATH_CHANNEL = 'app:dropped-path'

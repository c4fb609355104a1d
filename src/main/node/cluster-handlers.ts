import type { Emit, HandlersOf } from '../../shared/api'
import type { ClusterApi } from '../../shared/contract/cluster'
import type { SessionInfo } from '../../shared/contract/node'
import { AppError } from '../app-error'
import { parseNodeName } from '../erldist/node-name'
import { ClusterWatch } from './cluster-watch'
import type { Session } from './session'

export interface ClusterHandlerEnv {
  emit: Emit
  /** The open session with that id (throws not_connected otherwise). */
  session: (id: unknown) => Session
  /** Opens a session on `node` through `through`, registered like any other. */
  openMember: (entry: Session, node: string) => Promise<SessionInfo>
}

export interface ClusterHandlers {
  handlers: HandlersOf<ClusterApi>
  /** Stops the sampler of a session that closed. */
  forget(sessionId: string): void
  dispose(): void
}

/** The cluster part of the handler table: a sampler per session, members opened through the session's node. */
export function createClusterHandlers(env: ClusterHandlerEnv): ClusterHandlers {
  const watches = new Map<string, ClusterWatch>()

  const watchOf = (s: Session): ClusterWatch => {
    let w = watches.get(s.id)
    if (!w) {
      w = new ClusterWatch({
        sessionId: s.id,
        live: () => s.live(),
        gone: () => s.closed,
        emit: env.emit
      })
      watches.set(s.id, w)
    }
    return w
  }

  const handlers: HandlersOf<ClusterApi> = {
    'cluster:watch': async (id, req) => {
      const w = watchOf(env.session(id))
      return w.watch(typeof req === 'object' && req !== null ? req : {})
    },
    'cluster:unwatch': async (id) => {
      watches.get(String(id))?.stop()
    },
    'cluster:open': async (id, node) => {
      const entry = env.session(id)
      if (typeof node !== 'string') throw new AppError('invalid_request', 'Give the member as name@host.')
      return env.openMember(entry, parseNodeName(node).full)
    }
  }

  return {
    handlers,
    forget(sessionId) {
      watches.get(sessionId)?.stop()
      watches.delete(sessionId)
    },
    dispose() {
      for (const w of watches.values()) w.stop()
      watches.clear()
    }
  }
}

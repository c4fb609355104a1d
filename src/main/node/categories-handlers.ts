import type { HandlersOf } from '../../shared/api'
import type { CategoriesApi } from '../../shared/contract/categories'
import * as G from './collectors-categories'
import type { LiveClient } from './live-client'
import type { ScanGate } from './scan-gate'

/** What a category handler needs of a session: its live client and its scan gate. */
export interface CategorySession {
  live(): LiveClient
  readonly scans: ScanGate
}

/**
 * The per-category part of the node handler table, over a session. The scans over every table,
 * port or process (ETS, ports, the binary-leak check, churn) go through the session's scan gate:
 * one at a time with a rest between them, a repeat inside the rest answered from the last result.
 */
export function createCategoryHandlers(
  session: (sessionId: unknown) => CategorySession
): HandlersOf<CategoriesApi> {
  const gated = <T>(
    id: unknown,
    key: string,
    what: string,
    run: (c: LiveClient) => Promise<T>
  ): Promise<T> => {
    const s = session(id)
    const client = s.live()
    return s.scans.run(key, what, () => run(client))
  }
  return {
    'node:ets': async (id, query) =>
      gated(id, `ets:${JSON.stringify(query)}`, 'scan of the ETS tables', (c) => G.ets(c, query)),
    'node:ets-contents': async (id, req) => G.etsContents(session(id).live(), req),
    'node:ports': async (id, query) =>
      gated(id, `ports:${JSON.stringify(query)}`, 'scan of the ports', (c) => G.ports(c, query)),
    'node:bin-leak': async (id, req) =>
      req?.confirm === true
        ? gated(id, `bin-leak:${JSON.stringify(req)}`, 'binary-leak check', (c) => G.binLeak(c, req))
        : G.binLeak(session(id).live(), req),
    'node:atoms-code': async (id, limit) => G.atomsAndCode(session(id).live(), limit),
    'node:churn': async (id, query) =>
      gated(id, `churn:${JSON.stringify(query ?? {})}`, 'churn window over the process list', (c) =>
        G.churn(c, query ?? {})
      ),
    'node:scheduler-usage': async (id, req) => G.schedulerUsage(session(id).live(), req)
  }
}

import type { HandlersOf } from '../../shared/api'
import type { CategoriesApi } from '../../shared/contract/categories'
import * as G from './collectors-categories'
import type { LiveClient } from './live-client'

/** The per-category part of the node handler table, over a session's live client. */
export function createCategoryHandlers(live: (sessionId: unknown) => LiveClient): HandlersOf<CategoriesApi> {
  return {
    'node:ets': async (id, query) => G.ets(live(id), query),
    'node:ets-contents': async (id, req) => G.etsContents(live(id), req),
    'node:ports': async (id, query) => G.ports(live(id), query),
    'node:bin-leak': async (id, req) => G.binLeak(live(id), req),
    'node:atoms-code': async (id, limit) => G.atomsAndCode(live(id), limit),
    'node:churn': async (id, query) => G.churn(live(id), query ?? {}),
    'node:scheduler-usage': async (id, req) => G.schedulerUsage(live(id), req)
  }
}

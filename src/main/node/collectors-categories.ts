import type {
  AtomsAndCode,
  BinLeakRequest,
  BinLeakResult,
  ChurnQuery,
  ChurnReport,
  EtsContents,
  EtsContentsRequest,
  EtsPage,
  EtsQuery,
  EtsSortKey,
  PortPage,
  PortQuery,
  PortSortKey,
  SchedulerUsage,
  SchedulerUsageRequest
} from '../../shared/contract/categories'
import { AppError } from '../app-error'
import { LIMITS, guarded, intIn } from './collectors'
import * as K from './convert-categories'
import { type EVal, atom, bool, isAtom, list, num, text, tuple } from './eval-value'
import * as X from './exprs-categories'
import { atomArg, binArg, type LiveClient } from './live-client'
import { spawnsBetween, type PidId } from './spawn-counter'

/**
 * Collectors for the per-category views. Each is one `evaluate` round trip with a bounded reply;
 * a scan gate can wrap any of them (they take the client and a validated query, nothing else).
 */

export const CATEGORY_LIMITS = {
  defaultRows: 50,
  maxRows: 500,
  maxPreview: 50,
  defaultPreview: 20,
  binLeakProcesses: 100_000,
  binLeakMaxProcesses: 5_000_000,
  binLeakMs: 10_000,
  binLeakMaxMs: 60_000,
  churnGroups: 30,
  churnMaxGroups: 200,
  /** Processes grouped by initial call in one churn read. */
  churnMaxGrouped: 200_000,
  modules: 50,
  maxModules: 2000
} as const

const ETS_KEYS: readonly EtsSortKey[] = ['memory', 'size', 'growth']
const PORT_KEYS: readonly PortSortKey[] = ['queue', 'memory', 'input', 'output', 'growth']
const TABLE_ID = /^(#Ref<[\d.]+>|[^\s]{1,255})$/

function objectOf<T>(v: T, what: string): T {
  if (typeof v !== 'object' || v === null) throw new AppError('invalid_request', `Expected ${what}.`)
  return v
}

const windowOf = (v: unknown): number => intIn(v, 100, LIMITS.maxWindowMs, LIMITS.defaultWindowMs, 'windowMs')

/**
 * One ranked scan (ETS tables, ports): the sort key checked against `keys`, the row limit, and a
 * growth window only when ranking by growth; `convert` reads the node's reply.
 */
async function rankedScan<K extends string, R extends object>(
  client: LiveClient,
  query: { sortBy: K; limit?: number; windowMs?: number },
  scan: {
    /** As the errors name it: the query ("an ETS query") and its reply ("ETS"). */
    query: string
    reply: string
    keys: readonly K[]
    expr: string
    convert: (v: EVal) => R
  },
  now: () => number
): Promise<R & { sortBy: K; takenAt: number; windowMs?: number }> {
  objectOf(query, scan.query)
  const sortBy = query.sortBy
  if (!scan.keys.includes(sortBy))
    throw new AppError('invalid_request', `Unknown sort key '${String(sortBy)}'.`)
  const limit = intIn(query.limit, 1, CATEGORY_LIMITS.maxRows, CATEGORY_LIMITS.defaultRows, 'limit')
  const windowMs = sortBy === 'growth' ? windowOf(query.windowMs) : 0
  const takenAt = now()
  const v = await client.evaluate(
    scan.expr,
    { Key: atomArg(sortBy), Limit: limit, WindowMs: windowMs },
    LIMITS.scanTimeoutMs + windowMs
  )
  const raw = await guarded(async () => scan.convert(v), scan.reply)
  return { sortBy, ...raw, takenAt, ...(sortBy === 'growth' ? { windowMs } : {}) }
}

export async function ets(client: LiveClient, query: EtsQuery, now = Date.now): Promise<EtsPage> {
  return rankedScan(
    client,
    query,
    {
      query: 'an ETS query',
      reply: 'ETS',
      keys: ETS_KEYS,
      expr: X.ETS,
      convert: K.etsScan
    },
    now
  )
}

export async function etsContents(client: LiveClient, req: EtsContentsRequest): Promise<EtsContents> {
  objectOf(req, 'a table')
  if (typeof req.id !== 'string' || !TABLE_ID.test(req.id))
    throw new AppError('invalid_request', `'${String(req.id)}' is not an ETS table id.`)
  const limit = intIn(req.limit, 1, CATEGORY_LIMITS.maxPreview, CATEGORY_LIMITS.defaultPreview, 'limit')
  const v = await client.evaluate(
    X.ETS_CONTENTS,
    { IdText: binArg(req.id), Limit: limit, Depth: LIMITS.printDepth, MaxChars: LIMITS.printChars },
    LIMITS.callTimeoutMs
  )
  if (isAtom(v, 'undefined')) throw new AppError('not_found', `Table ${req.id} no longer exists.`)
  return guarded(async () => {
    const [name, size, objs] = tuple(v, 3)
    const base = { id: req.id, name: isAtom(name) ? atom(name) : text(name), size: num(size) }
    if (isAtom(objs, 'private')) return { ...base, objects: [], readable: false }
    return {
      ...base,
      readable: true,
      objects: list(objs).map((o) => {
        const [t, truncated] = tuple(o, 2)
        return { text: text(t), truncated: bool(truncated) }
      })
    }
  }, 'ETS contents')
}

export async function ports(client: LiveClient, query: PortQuery, now = Date.now): Promise<PortPage> {
  return rankedScan(
    client,
    query,
    {
      query: 'a port query',
      reply: 'ports',
      keys: PORT_KEYS,
      expr: X.PORTS,
      convert: K.portScan
    },
    now
  )
}

export const BIN_LEAK_EXPLAINED =
  'The binary-leak check garbage-collects every process on the node, one after the other, and ' +
  'measures the refc binary bytes each one referenced before and after its collection. A ' +
  'collection costs CPU and pauses that process briefly; on a node with many large processes ' +
  'the whole check is a visible load. A process that frees a lot holds binaries it no longer ' +
  'uses until its next garbage collection (a long-lived process that rarely collects, e.g. a ' +
  'router passing large binaries through): hibernate it, collect it, or copy what it keeps.'

export async function binLeak(
  client: LiveClient,
  req: BinLeakRequest,
  now = Date.now
): Promise<BinLeakResult> {
  objectOf(req, 'a binary-leak request')
  if (req.confirm !== true) throw new AppError('confirm_required', BIN_LEAK_EXPLAINED)
  const limit = intIn(req.limit, 1, CATEGORY_LIMITS.maxRows, CATEGORY_LIMITS.defaultRows, 'limit')
  const maxProcs = intIn(
    req.maxProcesses,
    1,
    CATEGORY_LIMITS.binLeakMaxProcesses,
    CATEGORY_LIMITS.binLeakProcesses,
    'maxProcesses'
  )
  const maxMs = intIn(req.maxMs, 100, CATEGORY_LIMITS.binLeakMaxMs, CATEGORY_LIMITS.binLeakMs, 'maxMs')
  const takenAt = now()
  const v = await client.evaluate(
    X.BIN_LEAK,
    { Limit: limit, MaxProcs: maxProcs, MaxMs: maxMs },
    LIMITS.scanTimeoutMs + maxMs
  )
  const raw = await guarded(async () => K.binLeak(v), 'binary-leak')
  return { ...raw, takenAt }
}

export async function atomsAndCode(
  client: LiveClient,
  limit?: number,
  now = Date.now
): Promise<AtomsAndCode> {
  const max = intIn(limit, 1, CATEGORY_LIMITS.maxModules, CATEGORY_LIMITS.modules, 'limit')
  const v = await client.evaluate(X.ATOMS_CODE, { Limit: max }, LIMITS.callTimeoutMs)
  return guarded(async () => K.atomsAndCode(v, now()), 'atoms and code')
}

/**
 * Spawns between the two marks (less the second mark itself), and the exits they imply: every
 * process alive at the start or spawned since is either alive at the end or gone.
 */
function spawnedIn(
  raw: { marks: [PidId, PidId] | null; before: number; after: number; died: number },
  windowMs: number
): Pick<ChurnReport, 'spawned' | 'spawnRatePerSec' | 'exited'> {
  const n = raw.marks ? spawnsBetween(raw.marks[0], raw.marks[1]) : null
  const spawned = n === null ? null : Math.max(0, n - 1)
  return {
    spawned,
    spawnRatePerSec: spawned === null ? null : (spawned * 1000) / windowMs,
    exited: spawned === null ? null : Math.max(raw.died, raw.before + spawned - raw.after)
  }
}

export async function churn(client: LiveClient, query: ChurnQuery, now = Date.now): Promise<ChurnReport> {
  objectOf(query, 'a churn query')
  const windowMs = windowOf(query.windowMs)
  const limit = intIn(query.limit, 1, CATEGORY_LIMITS.churnMaxGroups, CATEGORY_LIMITS.churnGroups, 'limit')
  const takenAt = now()
  const v = await client.evaluate(
    X.CHURN,
    { WindowMs: windowMs, Limit: limit, MaxGroup: CATEGORY_LIMITS.churnMaxGrouped },
    LIMITS.scanTimeoutMs + windowMs
  )
  const raw = await guarded(async () => K.churn(v), 'churn')
  return {
    windowMs,
    processCountBefore: raw.before,
    processCountAfter: raw.after,
    born: raw.born,
    died: raw.died,
    exitRatePerSec: (raw.died * 1000) / windowMs,
    ...spawnedIn(raw, windowMs),
    grouped: raw.grouped,
    byInitialCall: raw.byInitialCall,
    byParent: raw.byParent,
    takenAt
  }
}

export const SCHEDULER_USAGE_EXPLAINED =
  'Scheduler utilization needs the node flag scheduler_wall_time. erlscope turns it on for the ' +
  'measuring window only, from the one call that measures, and turns it off again at its end (the ' +
  "node also drops it when that call's process exits): nothing stays enabled on the node. While " +
  'on, every scheduler records its busy time, a small cost.'

export async function schedulerUsage(
  client: LiveClient,
  req: SchedulerUsageRequest,
  now = Date.now
): Promise<SchedulerUsage> {
  objectOf(req, 'a scheduler request')
  if (req.confirm !== true) throw new AppError('confirm_required', SCHEDULER_USAGE_EXPLAINED)
  const windowMs = intIn(req.windowMs, 100, 10_000, 1000, 'windowMs')
  const takenAt = now()
  const v = await client.evaluate(X.SCHEDULERS, { WindowMs: windowMs }, LIMITS.callTimeoutMs + windowMs)
  return guarded(async () => ({ ...K.schedulerUsage(v), windowMs, takenAt }), 'scheduler usage')
}

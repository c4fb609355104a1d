import { randomBytes } from 'node:crypto'
import type {
  AllocatorReport,
  MemoryCategory,
  MemorySample,
  MessagesRequest,
  MessagesResult,
  NewProcessesResult,
  ProcessDetail,
  ProcessGroup,
  ProcessPage,
  ProcessQuery,
  ProcessRow,
  ProcessSortKey,
  SystemOverview
} from '../../shared/contract/node'
import { processGrowthOf } from '../../shared/contract/node'
import { AppError } from '../app-error'
import { allocatorReport } from './allocators'
import {
  memoryValues,
  processDetail,
  processRow,
  processScan,
  rankedUnitBytes,
  rawAllocators,
  systemOverview
} from './convert'
import { ShapeError, Tuple, atom, bool, isAtom, list, num, text, tuple, type EVal } from './eval-value'
import * as X from './exprs'
import { atomArg, binArg, type Arg, type LiveClient } from './live-client'
import type { ScanGate } from './scan-gate'
import type { PidId } from './spawn-counter'

/** Each collector is one round trip with a bounded result. */

export const LIMITS = {
  maxPageRows: 500,
  /** offset + limit: the top-N kept on the target. */
  maxReachable: 10_000,
  chunkSize: 4000,
  defaultWindowMs: 2000,
  maxWindowMs: 60_000,
  /** Above this queue length a mailbox is copied only when the request confirms it. */
  messageThreshold: 1000,
  /** Never copy a longer queue (process_info(P, messages) copies all of it on the node). */
  maxCopyQueue: 100_000,
  defaultMessages: 100,
  maxMessages: 1000,
  maxNewRows: 5000,
  defaultNewRows: 500,
  /** Print depth and length of one message or dictionary value. */
  printDepth: 12,
  printChars: 8000,
  detailList: 200,
  /** A snapshot holder on the target exits after this long without a request. */
  snapshotIdleMs: 6 * 3600_000,
  callTimeoutMs: 15_000,
  scanTimeoutMs: 120_000
} as const

const SORT_KEYS: readonly ProcessSortKey[] = [
  'memory',
  'message_queue_len',
  'reductions',
  'total_heap_size',
  'binary_memory',
  'growth'
]
const PID_TEXT = /^<\d+\.\d+\.\d+>$/

/** Runs a reply conversion; a reply of the wrong shape becomes a `decode_error` naming `what`. */
export async function guarded<T>(run: () => Promise<T>, what: string): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof ShapeError)
      throw new AppError('decode_error', `Unexpected ${what} reply from the node: ${error.message}.`)
    throw error
  }
}

/** A whole number from `lo` to `hi`, `fallback` when absent, else an `invalid_request`. */
export function intIn(v: unknown, lo: number, hi: number, fallback: number, what: string): number {
  if (v === undefined || v === null) return fallback
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
    throw new AppError('invalid_request', `${what} must be a whole number from ${lo} to ${hi}.`)
  return v
}

export function checkPid(pid: unknown): string {
  if (typeof pid !== 'string' || !PID_TEXT.test(pid))
    throw new AppError('invalid_request', `'${String(pid)}' is not a pid like <0.123.0>.`)
  return pid
}

export async function system(client: LiveClient, now = Date.now): Promise<SystemOverview> {
  return guarded(
    async () => systemOverview(await client.evaluate(X.SYSTEM, {}, LIMITS.callTimeoutMs), now()),
    'overview'
  )
}

export async function memory(client: LiveClient, timeoutMs: number): Promise<Record<MemoryCategory, number>> {
  return guarded(async () => memoryValues(await client.call('erlang', 'memory', [], timeoutMs)), 'memory')
}

/**
 * One background sample: erlang:memory() with the atom and process counts, one round trip, and
 * the pid of the process that ran it (null when the node did not say).
 */
export async function memorySample(
  client: LiveClient,
  timeoutMs: number
): Promise<Pick<MemorySample, 'values' | 'atomCount' | 'processCount'> & { pid: PidId | null }> {
  return guarded(async () => {
    const [mem, atoms, procs, pid] = tuple(await client.evaluate(X.MEMORY_SAMPLE, {}, timeoutMs))
    const [number, serial] = pid instanceof Tuple && pid.items.length === 2 ? pid.items : []
    return {
      values: memoryValues(mem),
      atomCount: typeof atoms === 'number' ? atoms : 0,
      processCount: num(procs),
      pid: typeof number === 'number' && typeof serial === 'number' ? { number, serial } : null
    }
  }, 'memory')
}

/** A process query checked and completed with its defaults. */
export interface NormalQuery {
  sortBy: ProcessSortKey
  growthOf: NonNullable<ProcessQuery['growthOf']>
  /** 0 unless sortBy is growth. */
  windowMs: number
  filter: string | null
  group: ProcessGroup | null
  offset: number
  limit: number
}

/** Module and function names as atom text: 1 to 255 characters, no control characters. */
const isAtomText = (v: unknown): v is string =>
  typeof v === 'string' && [...v].length >= 1 && [...v].length <= 255 && ![...v].some((c) => c < ' ')

/** A group filter checked field by field and rebuilt (nothing else of the request reaches the node). */
export function processGroup(v: unknown): ProcessGroup | null {
  if (v === undefined || v === null) return null
  if (typeof v !== 'object') throw new AppError('invalid_request', 'The group must be an object.')
  const g = v as Record<string, unknown>
  if (g.by === 'parent') return { by: 'parent', pid: checkPid(g.pid) }
  if (g.by === 'initial_call') {
    const { module, function: fun, arity } = g
    if (!isAtomText(module)) throw new AppError('invalid_request', 'The group module must be an atom name.')
    if (!isAtomText(fun)) throw new AppError('invalid_request', 'The group function must be an atom name.')
    return { by: 'initial_call', module, function: fun, arity: intIn(arity, 0, 255, 0, 'arity') }
  }
  throw new AppError('invalid_request', `Unknown group kind '${String(g.by)}'.`)
}

/** The group as the node's `Group` binding: `[]`, `[initial_call, M, F, A]` or `[parent, PidText]`. */
function groupArg(g: ProcessGroup | null): Arg {
  if (g === null) return []
  return g.by === 'parent'
    ? [atomArg('parent'), binArg(g.pid)]
    : [atomArg('initial_call'), binArg(g.module), binArg(g.function), g.arity]
}

/** A group in words: `initial call m:f/a`, `parent <0.1.0>`. */
export function groupText(g: ProcessGroup): string {
  return g.by === 'parent' ? `parent ${g.pid}` : `initial call ${g.module}:${g.function}/${g.arity}`
}

export function processQuery(query: unknown): NormalQuery {
  if (typeof query !== 'object' || query === null)
    throw new AppError('invalid_request', 'Expected a process query.')
  const q = query as Partial<Record<keyof ProcessQuery, unknown>>
  const sortBy = q.sortBy as ProcessSortKey
  if (!SORT_KEYS.includes(sortBy))
    throw new AppError('invalid_request', `Unknown sort key '${String(sortBy)}'.`)
  const limit = intIn(q.limit, 1, LIMITS.maxPageRows, 50, 'limit')
  const offset = intIn(q.offset, 0, LIMITS.maxReachable - 1, 0, 'offset')
  if (offset + limit > LIMITS.maxReachable)
    throw new AppError(
      'invalid_request',
      `Only the first ${LIMITS.maxReachable} processes can be paged through; refine the filter.`
    )
  const windowMs =
    sortBy === 'growth' ? intIn(q.windowMs, 100, LIMITS.maxWindowMs, LIMITS.defaultWindowMs, 'windowMs') : 0
  const growthOf = (q.growthOf ?? 'memory') as NormalQuery['growthOf']
  if (!(processGrowthOf as readonly string[]).includes(growthOf))
    throw new AppError('invalid_request', `Cannot rank growth of '${String(growthOf)}'.`)
  if (q.filter !== undefined && q.filter !== null && typeof q.filter !== 'string')
    throw new AppError('invalid_request', 'The filter must be text.')
  const filter = typeof q.filter === 'string' && q.filter.trim() !== '' ? q.filter.trim().toLowerCase() : null
  if (filter !== null && filter.length > 200) throw new AppError('invalid_request', 'The filter is too long.')
  const group = processGroup(q.group)
  return { sortBy, growthOf, windowMs, filter, group, offset, limit }
}

/** Everything that changes a ranking (not the page): equal keys rank alike. */
export function rankingKey(q: NormalQuery): string {
  return JSON.stringify([q.sortBy, q.sortBy === 'growth' ? q.growthOf : null, q.windowMs, q.filter, q.group])
}

/** The ranking in words, for the scan gate's `busy` sentence. */
export function rankingWhat(q: NormalQuery): string {
  const by = q.sortBy === 'growth' ? `growth of ${q.growthOf} over ${q.windowMs} ms` : q.sortBy
  const only = q.group === null ? '' : ` with ${groupText(q.group)}`
  return `ranking of processes by ${by}${q.filter === null ? '' : ` matching '${q.filter}'`}${only}`
}

/**
 * One scan's result, kept in main: the best `maxReachable` processes (pid and ranked value) in
 * order, so every page of this ranking is served without another scan of the node.
 */
export interface Ranking {
  key: string
  sortBy: ProcessSortKey
  windowMs: number
  entries: { pid: string; value: number }[]
  scanned: number
  processCount: number
  wordSize: number
  /** Bytes per unit of the node's ranked values (the word size for heap sizes). */
  unitBytes: number
  takenAt: number
  /** The rows of the page asked for by the request that started the scan. */
  firstPage: { offset: number; limit: number; rows: ProcessRow[] }
}

/** Ranks every (matching) process on the target: the one expensive call. */
export async function rank(client: LiveClient, q: NormalQuery, now = Date.now): Promise<Ranking> {
  const takenAt = now()
  return guarded(async () => {
    const v = await client.evaluate(
      X.PROCESSES,
      {
        Key: atomArg(q.sortBy),
        GrowthOf: atomArg(q.growthOf),
        Depth: LIMITS.maxReachable,
        Offset: q.offset,
        Limit: q.limit,
        Filter: q.filter === null ? atomArg('undefined') : binArg(q.filter),
        Group: groupArg(q.group),
        WindowMs: q.windowMs,
        ChunkSize: LIMITS.chunkSize
      },
      LIMITS.scanTimeoutMs + q.windowMs
    )
    const scan = processScan(v, q.sortBy, q.growthOf)
    return {
      key: rankingKey(q),
      sortBy: q.sortBy,
      windowMs: q.windowMs,
      entries: scan.ranked,
      scanned: scan.scanned,
      processCount: scan.processCount,
      wordSize: scan.wordSize,
      unitBytes: rankedUnitBytes(q.sortBy, q.growthOf, scan.wordSize),
      takenAt,
      firstPage: { offset: q.offset, limit: q.limit, rows: scan.rows }
    }
  }, 'process list')
}

/** One page of a kept ranking: the page's rows read now (a few process_info calls, no scan). */
export async function pageOf(client: LiveClient, r: Ranking, q: NormalQuery): Promise<ProcessPage> {
  let rows: ProcessRow[]
  if (r.firstPage.offset === q.offset && r.firstPage.limit === q.limit) rows = r.firstPage.rows
  else {
    const slice = r.entries.slice(q.offset, q.offset + q.limit)
    rows =
      slice.length === 0
        ? []
        : await guarded(
            async () =>
              list(
                await client.evaluate(
                  X.PROCESS_ROWS,
                  { PidTexts: slice.map((e) => binArg(e.pid)), Values: slice.map((e) => e.value) },
                  LIMITS.callTimeoutMs
                )
              ).map((row) => processRow(row, r.unitBytes)),
            'process page'
          )
  }
  return {
    sortBy: r.sortBy,
    offset: q.offset,
    limit: q.limit,
    total: r.scanned,
    processCount: r.processCount,
    reachable: r.entries.length,
    rows,
    takenAt: r.takenAt,
    ...(r.sortBy === 'growth' ? { windowMs: r.windowMs } : {})
  }
}

/** Ranks and returns one page (one scan; the CLI's `top`). Sessions keep the ranking instead. */
export async function processes(
  client: LiveClient,
  query: ProcessQuery,
  now = Date.now
): Promise<ProcessPage> {
  const q = processQuery(query)
  return pageOf(client, await rank(client, q, now), q)
}

export async function process(client: LiveClient, pid: string): Promise<ProcessDetail> {
  checkPid(pid)
  const v = await client.evaluate(
    X.PROCESS_DETAIL,
    {
      PidText: binArg(pid),
      MaxList: LIMITS.detailList,
      Depth: LIMITS.printDepth,
      MaxChars: LIMITS.printChars
    },
    LIMITS.callTimeoutMs
  )
  if (isAtom(v, 'undefined')) throw new AppError('not_found', `Process ${pid} is not alive.`)
  return guarded(async () => processDetail(v), 'process')
}

/** `process_info(P, message_queue_len)`, read by main before it decides on a copy. */
export async function queueLength(client: LiveClient, pid: string): Promise<number> {
  checkPid(pid)
  const v = await client.evaluate(X.QUEUE_LENGTH, { PidText: binArg(pid) }, LIMITS.callTimeoutMs)
  if (isAtom(v, 'undefined')) throw new AppError('not_found', `Process ${pid} is not alive.`)
  return guarded(async () => num(v), 'queue length')
}

const count = (n: number): string => n.toLocaleString('en-US')

function tooManyToCopy(pid: string, n: number): AppError {
  return new AppError(
    'invalid_request',
    `The mailbox of ${pid} holds ${count(n)} messages; erlscope copies at most ${count(LIMITS.maxCopyQueue)} (reading any message copies the whole queue on the node).`
  )
}

function confirmFirst(n: number, limit: number): AppError {
  return new AppError(
    'confirm_required',
    `The mailbox holds ${count(n)} messages; reading it copies the whole queue on the node before ${limit} are sent. Confirm to continue.`
  )
}

/**
 * The first `limit` messages of a process. Main reads the queue length itself and decides: above
 * `messageThreshold` only with `confirm === true`, above `maxCopyQueue` never; the node re-checks
 * that ceiling just before it copies. A copy above the threshold runs under the session's scan
 * gate when one is given (it costs the node like a scan).
 */
export async function messages(
  client: LiveClient,
  pid: string,
  req: MessagesRequest = {},
  gate?: ScanGate
): Promise<MessagesResult> {
  checkPid(pid)
  if (typeof req !== 'object' || req === null)
    throw new AppError('invalid_request', 'Expected a messages request.')
  const limit = intIn(req.limit, 1, LIMITS.maxMessages, LIMITS.defaultMessages, 'limit')
  const confirmed = req.confirm === true
  const length = await queueLength(client, pid)
  if (length > LIMITS.maxCopyQueue) throw tooManyToCopy(pid, length)
  if (length > LIMITS.messageThreshold && !confirmed) throw confirmFirst(length, limit)
  const maxLen = confirmed ? LIMITS.maxCopyQueue : LIMITS.messageThreshold
  const copy = async (): Promise<MessagesResult> => {
    const v = await client.evaluate(
      X.MESSAGES,
      {
        PidText: binArg(pid),
        Limit: limit,
        MaxLen: maxLen,
        Depth: LIMITS.printDepth,
        MaxChars: LIMITS.printChars
      },
      LIMITS.scanTimeoutMs
    )
    if (isAtom(v, 'undefined')) throw new AppError('not_found', `Process ${pid} is not alive.`)
    return guarded(async () => {
      const items = tuple(v)
      if (isAtom(items[0], 'too_many')) {
        const n = num(items[1])
        throw n > LIMITS.maxCopyQueue ? tooManyToCopy(pid, n) : confirmFirst(n, limit)
      }
      const [, len, msgs] = tuple(v, 3)
      const queueLength = num(len)
      const out = list(msgs)
        .slice(0, limit)
        .map((m) => {
          const [t, truncated, bytes] = tuple(m, 3)
          return { text: text(t), truncated: bool(truncated), bytes: num(bytes) }
        })
      return { pid, queueLength, messages: out, partial: queueLength > out.length }
    }, 'messages')
  }
  if (gate === undefined || length <= LIMITS.messageThreshold) return copy()
  return gate.run(`messages:${pid}:${limit}`, `copy of the mailbox of ${pid}`, copy)
}

export async function allocators(client: LiveClient, now = Date.now): Promise<AllocatorReport> {
  return guarded(
    async () =>
      allocatorReport(rawAllocators(await client.evaluate(X.ALLOCATORS, {}, LIMITS.callTimeoutMs)), now()),
    'allocators'
  )
}

export interface Snapshot {
  holder: string
  tag: string
  count: number
  takenAt: number
}

export async function snapshot(client: LiveClient, now = Date.now): Promise<Snapshot> {
  const takenAt = now()
  const tag = randomBytes(8).toString('hex')
  const v = await client.evaluate(
    X.SNAPSHOT,
    { IdleMs: LIMITS.snapshotIdleMs, Tag: binArg(tag) },
    LIMITS.scanTimeoutMs
  )
  return guarded(async () => {
    const [a, b] = tuple(v, 2)
    if (isAtom(a, 'error'))
      throw new AppError(
        'internal',
        `The node could not keep a snapshot (${isAtom(b) ? atom(b) : 'unknown'}).`
      )
    return { holder: text(a), tag, count: num(b), takenAt }
  }, 'snapshot')
}

export async function newSinceSnapshot(
  client: LiveClient,
  snap: Snapshot,
  limit?: number
): Promise<NewProcessesResult> {
  const max = intIn(limit, 1, LIMITS.maxNewRows, LIMITS.defaultNewRows, 'limit')
  const v = await client.evaluate(
    X.SNAPSHOT_DIFF,
    { HolderText: binArg(snap.holder), Tag: binArg(snap.tag), Max: max },
    LIMITS.scanTimeoutMs
  )
  if (isAtom(v, 'lost'))
    throw new AppError(
      'not_found',
      'The snapshot is gone (the node restarted or it expired); take a new one.'
    )
  return guarded(async () => {
    const items = tuple(v, 2)
    if (isAtom(items[0], 'error'))
      throw new AppError('timeout', 'The snapshot holder on the node did not answer.')
    return {
      snapshot: { takenAt: snap.takenAt, count: snap.count },
      total: num(items[0]),
      rows: list(items[1])
        .map((r: EVal) => processRow(r, 1))
        .sort((a, b) => b.memory - a.memory)
    }
  }, 'snapshot diff')
}

export async function dropSnapshot(client: LiveClient, snap: Snapshot): Promise<void> {
  await client.evaluate(X.SNAPSHOT_STOP, { HolderText: binArg(snap.holder), Tag: binArg(snap.tag) }, 5000)
}

import { randomBytes } from 'node:crypto'
import type {
  AllocatorReport,
  MemoryCategory,
  MessagesRequest,
  MessagesResult,
  NewProcessesResult,
  ProcessDetail,
  ProcessPage,
  ProcessQuery,
  ProcessSortKey,
  SystemOverview
} from '../../shared/contract/node'
import { AppError } from '../app-error'
import { allocatorReport } from './allocators'
import {
  memoryValues,
  processDetail,
  processRow,
  processScan,
  rawAllocators,
  systemOverview
} from './convert'
import { ShapeError, atom, bool, isAtom, list, num, text, tuple, type EVal } from './eval-value'
import * as X from './exprs'
import { atomArg, binArg, type LiveClient } from './live-client'

/** Each collector is one round trip with a bounded result. */

export const LIMITS = {
  maxPageRows: 500,
  /** offset + limit: the top-N kept on the target. */
  maxReachable: 10_000,
  chunkSize: 4000,
  defaultWindowMs: 2000,
  maxWindowMs: 60_000,
  messageThreshold: 1000,
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
const GROWTH_OF = ['memory', 'message_queue_len', 'reductions', 'total_heap_size'] as const
const PID_TEXT = /^<\d+\.\d+\.\d+>$/

async function guarded<T>(run: () => Promise<T>, what: string): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof ShapeError)
      throw new AppError('decode_error', `Unexpected ${what} reply from the node: ${error.message}.`)
    throw error
  }
}

function intIn(v: unknown, lo: number, hi: number, fallback: number, what: string): number {
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

export async function processes(
  client: LiveClient,
  query: ProcessQuery,
  now = Date.now
): Promise<ProcessPage> {
  if (typeof query !== 'object' || query === null)
    throw new AppError('invalid_request', 'Expected a process query.')
  const sortBy = query.sortBy
  if (!SORT_KEYS.includes(sortBy))
    throw new AppError('invalid_request', `Unknown sort key '${String(sortBy)}'.`)
  const limit = intIn(query.limit, 1, LIMITS.maxPageRows, 50, 'limit')
  const offset = intIn(query.offset, 0, LIMITS.maxReachable - 1, 0, 'offset')
  if (offset + limit > LIMITS.maxReachable)
    throw new AppError(
      'invalid_request',
      `Only the first ${LIMITS.maxReachable} processes can be paged through; refine the filter.`
    )
  const windowMs =
    sortBy === 'growth'
      ? intIn(query.windowMs, 100, LIMITS.maxWindowMs, LIMITS.defaultWindowMs, 'windowMs')
      : 0
  const growthOf = query.growthOf ?? 'memory'
  if (!GROWTH_OF.includes(growthOf))
    throw new AppError('invalid_request', `Cannot rank growth of '${String(growthOf)}'.`)
  const filter =
    typeof query.filter === 'string' && query.filter.trim() !== '' ? query.filter.trim().toLowerCase() : null
  if (filter !== null && filter.length > 200) throw new AppError('invalid_request', 'The filter is too long.')
  const takenAt = now()
  const scan = await guarded(
    async () =>
      processScan(
        await client.evaluate(
          X.PROCESSES,
          {
            Key: atomArg(sortBy),
            GrowthOf: atomArg(growthOf),
            Want: offset + limit,
            Offset: offset,
            Limit: limit,
            Filter: filter === null ? atomArg('undefined') : binArg(filter),
            WindowMs: windowMs,
            ChunkSize: LIMITS.chunkSize
          },
          LIMITS.scanTimeoutMs + windowMs
        ),
        sortBy
      ),
    'process list'
  )
  return {
    sortBy,
    offset,
    limit,
    total: scan.scanned,
    processCount: scan.processCount,
    reachable: Math.min(scan.scanned, LIMITS.maxReachable),
    rows: scan.rows,
    takenAt,
    ...(sortBy === 'growth' ? { windowMs } : {})
  }
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

export async function messages(
  client: LiveClient,
  pid: string,
  req: MessagesRequest = {}
): Promise<MessagesResult> {
  checkPid(pid)
  const limit = intIn(req.limit, 1, LIMITS.maxMessages, LIMITS.defaultMessages, 'limit')
  const v = await client.evaluate(
    X.MESSAGES,
    {
      PidText: binArg(pid),
      Limit: limit,
      Confirm: req.confirm === true,
      Threshold: LIMITS.messageThreshold,
      Depth: LIMITS.printDepth,
      MaxChars: LIMITS.printChars
    },
    LIMITS.scanTimeoutMs
  )
  if (isAtom(v, 'undefined')) throw new AppError('not_found', `Process ${pid} is not alive.`)
  return guarded(async () => {
    const items = tuple(v)
    if (isAtom(items[0], 'confirm')) {
      const n = num(items[1])
      throw new AppError(
        'confirm_required',
        `The mailbox holds ${n.toLocaleString('en-US')} messages; reading it copies the whole queue on the node before ${limit} are sent. Confirm to continue.`
      )
    }
    const [, len, msgs] = tuple(v, 3)
    const queueLength = num(len)
    const out = list(msgs).map((m) => {
      const [t, truncated, bytes] = tuple(m, 3)
      return { text: text(t), truncated: bool(truncated), bytes: num(bytes) }
    })
    return { pid, queueLength, messages: out, partial: queueLength > out.length }
  }, 'messages')
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
        .map((r: EVal) => processRow(r, 'memory', 8))
        .sort((a, b) => b.memory - a.memory)
    }
  }, 'snapshot diff')
}

export async function dropSnapshot(client: LiveClient, snap: Snapshot): Promise<void> {
  await client.evaluate(X.SNAPSHOT_STOP, { HolderText: binArg(snap.holder), Tag: binArg(snap.tag) }, 5000)
}

import {
  memoryCategories,
  type Gauge,
  type MemoryCategory,
  type ProcessDetail,
  type ProcessRow,
  type ProcessGrowthOf,
  type ProcessSortKey,
  type StackFrame,
  type SystemOverview
} from '../../shared/contract/node'
import type { RawAllocators, RawCarriers, RawInstance, RawMseg, RawPool } from './allocators'
import {
  Atom,
  Tuple,
  atom,
  bool,
  isAtom,
  list,
  num,
  numOrNull,
  prop,
  props,
  text,
  tuple,
  type EVal
} from './eval-value'
import { formatMfa, registeredName } from './names'

/** Pure conversions from the collectors' results (see exprs.ts for their shapes) to contract rows. */

export function mfaText(v: EVal | undefined): string | null {
  if (!(v instanceof Tuple) || v.items.length !== 3) return null
  const [m, f, a] = v.items
  if (!(m instanceof Atom) || !(f instanceof Atom)) return null
  const arity = typeof a === 'number' ? a : Array.isArray(a) ? a.length : 0
  return formatMfa(m.name, f.name, arity)
}

function nameOrNull(v: EVal | undefined): string | null {
  return v instanceof Atom ? registeredName(v.name) : null
}

/**
 * `{PidText, Name, InitialCall, Memory, MQL, Reductions, TotalHeapBytes, CurrentFunction, BinaryBytes,
 * Value, Label}` (Label: the printed `'$process_label'` / `process_name`, or undefined).
 */
/**
 * Bytes per unit of the ranked value: the node counts heap and stack sizes in words (ranked
 * directly or as growth); everything leaves the collector in bytes.
 */
export function rankedUnitBytes(sortBy: ProcessSortKey, growthOf: ProcessGrowthOf, wordSize: number): number {
  const words =
    sortBy === 'total_heap_size' ||
    (sortBy === 'growth' &&
      (growthOf === 'total_heap_size' || growthOf === 'heap_size' || growthOf === 'stack_size'))
  return words ? wordSize : 1
}

/** `unitBytes`: what one unit of the row's Value is in bytes (rankedUnitBytes), 1 for a count. */
export function processRow(v: EVal, unitBytes: number): ProcessRow {
  const items = tuple(v)
  if (items.length !== 10 && items.length !== 11) tuple(v, 11)
  const [pid, name, ic, memory, q, reds, heap, cf, bin, value, lb] = items
  const pidText = text(pid)
  const registered = nameOrNull(name)
  const initialCall = mfaText(ic)
  const processLabel = lb instanceof Uint8Array ? text(lb) : null
  const raw = num(value)
  return {
    pid: pidText,
    registeredName: registered,
    initialCall,
    ...(processLabel !== null ? { processLabel } : {}),
    label: registered ?? processLabel ?? initialCall ?? pidText,
    memory: num(memory),
    messageQueueLength: num(q),
    reductions: num(reds),
    totalHeapSize: num(heap),
    binaryMemory: num(bin),
    currentFunction: mfaText(cf),
    sortValue: raw * unitBytes
  }
}

export interface ProcessScan {
  scanned: number
  processCount: number
  wordSize: number
  /** Best first: pid text and the raw ranked value (as the node measured it). */
  ranked: { pid: string; value: number }[]
  rows: ProcessRow[]
}

/** The PROCESSES expression's `{Scanned, ProcessCount, WordSize, Values, PidTexts, [Row]}`. */
export function processScan(v: EVal, sortBy: ProcessSortKey, growthOf: ProcessGrowthOf): ProcessScan {
  const [scanned, count, ws, values, pids, rows] = tuple(v, 6)
  const wordSize = num(ws)
  const texts = list(pids)
  const ranked: ProcessScan['ranked'] = []
  list(values).forEach((value, i) => {
    if (value instanceof Tuple) ranked.push({ pid: text(texts[i]), value: num(tuple(value, 2)[1]) })
  })
  return {
    scanned: num(scanned),
    processCount: num(count),
    wordSize,
    ranked,
    rows: list(rows).map((r) => processRow(r, rankedUnitBytes(sortBy, growthOf, wordSize)))
  }
}

function gauge(count: number | null, limit: number | null): Gauge | null {
  if (count === null || limit === null || limit <= 0) return null
  const ratio = count / limit
  return { count, limit, ratio, warn: ratio > 0.8 }
}

export function systemOverview(v: EVal, takenAt: number): SystemOverview {
  const p = props(v)
  const n = (k: string): number | null => numOrNull(prop(p, k))
  const g = (c: string, l: string): Gauge =>
    gauge(n(c), n(l)) ?? { count: n(c) ?? 0, limit: n(l) ?? 0, ratio: 0, warn: false }
  return {
    node: atom(prop(p, 'node')),
    otpRelease: text(prop(p, 'otp_release')),
    ertsVersion: text(prop(p, 'version')),
    systemVersion: text(prop(p, 'system_version')),
    uptimeMs: n('uptime') ?? 0,
    wordSize: n('wordsize') ?? 8,
    schedulers: n('schedulers') ?? 0,
    schedulersOnline: n('schedulers_online') ?? 0,
    dirtyCpuSchedulers: n('dirty_cpu_schedulers') ?? 0,
    dirtyIoSchedulers: n('dirty_io_schedulers') ?? 0,
    logicalProcessors: n('logical_processors'),
    processes: g('process_count', 'process_limit'),
    ports: g('port_count', 'port_limit'),
    atoms: g('atom_count', 'atom_limit'),
    ets: gauge(n('ets_count'), n('ets_limit')),
    runQueue: n('run_queue') ?? 0,
    memoryTotal: n('memory_total') ?? 0,
    takenAt
  }
}

/** `erlang:memory()` → bytes per category (absent ones 0). */
export function memoryValues(v: EVal): Record<MemoryCategory, number> {
  const p = props(v)
  const out = {} as Record<MemoryCategory, number>
  for (const c of memoryCategories) out[c] = numOrNull(prop(p, c)) ?? 0
  return out
}

function frame(v: EVal): StackFrame {
  const [m, f, a, file, line] = tuple(v, 5)
  const out: StackFrame = { mfa: mfaText(new Tuple([m, f, a])) ?? '?' }
  if (file instanceof Uint8Array) out.file = text(file)
  if (typeof line === 'number') out.line = line
  return out
}

export function processDetail(v: EVal): ProcessDetail {
  const p = props(v)
  const n = (k: string): number => numOrNull(prop(p, k)) ?? 0
  const texts = (k: string): string[] => list(prop(p, k)).map(text)
  const gc: Record<string, number> = {}
  for (const [k, vals] of props(prop(p, 'garbage_collection')))
    if (typeof vals[0] === 'number') gc[k] = vals[0]
  const registered = nameOrNull(prop(p, 'registered_name'))
  return {
    pid: text(prop(p, 'pid')),
    registeredName: registered,
    initialCall: mfaText(prop(p, 'initial_call')),
    currentFunction: mfaText(prop(p, 'current_function')),
    status: isAtom(prop(p, 'status')) ? atom(prop(p, 'status')) : 'unknown',
    memory: n('memory'),
    messageQueueLength: n('message_queue_len'),
    reductions: n('reductions'),
    heapSize: n('heap_size'),
    stackSize: n('stack_size'),
    totalHeapSize: n('total_heap_size'),
    binaryMemory: n('binary_memory'),
    binaryCount: n('binary_count'),
    garbageCollection: gc,
    trapExit: bool(prop(p, 'trap_exit')),
    priority: isAtom(prop(p, 'priority')) ? atom(prop(p, 'priority')) : 'normal',
    groupLeader: text(prop(p, 'group_leader')),
    links: texts('links'),
    monitors: texts('monitors'),
    monitoredBy: texts('monitored_by'),
    currentStacktrace: list(prop(p, 'stacktrace')).map(frame),
    dictionary: list(prop(p, 'dictionary')).map((e) => {
      const [k, val] = tuple(e, 2)
      return { key: text(k), value: text(val) }
    }),
    dictionarySize: n('dictionary_size')
  }
}

// ---- allocators -------------------------------------------------------------------------------

const triple = (items: EVal[] | undefined): { current: number; max: number; maxEver: number } => {
  if (!items || items.length === 0) return { current: 0, max: 0, maxEver: 0 }
  const current = numOrNull(items[0]) ?? 0
  return { current, max: numOrNull(items[1]) ?? current, maxEver: numOrNull(items[2]) ?? current }
}

const addTriples = (
  a: { current: number; max: number; maxEver: number },
  b: { current: number; max: number; maxEver: number }
): { current: number; max: number; maxEver: number } => ({
  current: a.current + b.current,
  max: a.max + b.max,
  maxEver: a.maxEver + b.maxEver
})

/** OTP 23+ `{blocks, [{Origin, [{count, ...}, {size, ...}]}]}`: summed over origins. */
function blocksList(origins: EVal[]): { count: ReturnType<typeof triple>; size: ReturnType<typeof triple> } {
  let count = triple(undefined)
  let size = triple(undefined)
  for (const o of origins) {
    const [, stats] = tuple(o, 2)
    const s = props(stats)
    count = addTriples(count, triple(s.get('count')))
    size = addTriples(size, triple(s.get('size')))
  }
  return { count, size }
}

function carriers(v: EVal | undefined): { raw: RawCarriers; format: RawInstance['format'] } {
  const p = props(v ?? [])
  const blocks = p.get('blocks')
  let format: RawInstance['format'] = 'flat'
  let raw: Pick<RawCarriers, 'blocks' | 'blocksSize'>
  if (blocks && blocks.length === 1 && Array.isArray(blocks[0])) {
    format = 'blocks_list'
    const { count, size } = blocksList(blocks[0])
    raw = { blocks: count, blocksSize: size }
  } else raw = { blocks: triple(blocks), blocksSize: triple(p.get('blocks_size')) }
  return {
    raw: { ...raw, carriers: triple(p.get('carriers')), carriersSize: triple(p.get('carriers_size')) },
    format
  }
}

function pool(v: EVal | undefined): RawPool | null {
  if (v === undefined) return null
  const p = props(v)
  const blocks = p.get('blocks')
  let b = 0
  let bs = 0
  if (blocks && blocks.length === 1 && Array.isArray(blocks[0])) {
    const { count, size } = blocksList(blocks[0])
    b = count.current
    bs = size.current
  } else {
    b = numOrNull(blocks?.[0]) ?? 0
    bs = numOrNull(p.get('blocks_size')?.[0]) ?? 0
  }
  return {
    blocks: b,
    blocksSize: bs,
    carriers: numOrNull(p.get('carriers')?.[0]) ?? 0,
    carriersSize: numOrNull(p.get('carriers_size')?.[0]) ?? 0
  }
}

/** One `{instance, N, Info}` body of `erlang:system_info({allocator, A})`. */
export function rawInstance(allocator: string, instance: number, info: EVal): RawInstance {
  const p = props(info)
  const m = carriers(prop(p, 'mbcs'))
  const s = carriers(prop(p, 'sbcs'))
  return {
    allocator,
    instance,
    mbcs: m.raw,
    sbcs: s.raw,
    pool: pool(prop(p, 'mbcs_pool')),
    format: m.format === 'blocks_list' || s.format === 'blocks_list' ? 'blocks_list' : 'flat'
  }
}

/** mseg_alloc's memkind: `{status, [..., {cache_hits, H}]}`, `{calls, [{mseg_alloc, Giga, Ones}, ...]}`. */
export function rawMseg(instance: number, memkind: EVal): RawMseg {
  const p = props(memkind)
  const status = props(prop(p, 'status') ?? [])
  const calls = props(prop(p, 'calls') ?? [])
  const alloc = calls.get('mseg_alloc') ?? []
  return {
    instance,
    cacheHits: numOrNull(status.get('cache_hits')?.[0]) ?? 0,
    allocCalls: (numOrNull(alloc[0]) ?? 0) * 1e9 + (numOrNull(alloc[1]) ?? 0)
  }
}

/** The ALLOCATORS expression's `{[{Alloc, N, Props}], [{N, MemKind}], MemoryTotal}`. */
export function rawAllocators(v: EVal): RawAllocators {
  const [util, mseg, total] = tuple(v, 3)
  return {
    instances: list(util).map((i) => {
      const [a, n, info] = tuple(i, 3)
      return rawInstance(atom(a), num(n), info)
    }),
    mseg: list(mseg).map((m) => {
      const [n, mk] = tuple(m, 2)
      return rawMseg(num(n), mk)
    }),
    memoryTotal: num(total)
  }
}

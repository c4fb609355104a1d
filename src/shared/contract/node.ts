/**
 * Live-node channels: sessions, collectors, sampler history and saved connections.
 *
 * Every request is one bounded round trip to the target (or none). Pids cross IPC as the
 * node's own text (`<0.123.0>`); cookies never cross it (saved connections say `hasCookie`).
 */

import { categoriesRequestChannels, type CategoriesApi } from './categories'
import type { RouteSpec } from './route'

/** `erlang:memory()` categories, in this order everywhere (history columns, charts). */
export const memoryCategories = [
  'total',
  'processes',
  'processes_used',
  'system',
  'atom',
  'atom_used',
  'binary',
  'code',
  'ets'
] as const
export type MemoryCategory = (typeof memoryCategories)[number]

export interface EpmdNode {
  /** Alive part, e.g. `rabbit`. */
  name: string
  port: number
  /** Full node name to connect to, e.g. `rabbit@myhost`. */
  node: string
}

export interface ConnectRequest {
  /** `name@host`. */
  node: string
  /** Cookie typed by the user; else the saved connection's, else ~/.erlang.cookie. */
  cookie?: string
  /** A saved connection: its cookie and interval are used, and it moves to the top (recently used). */
  savedId?: string
  /** Sampling interval in ms (default 1000, at least 200). */
  intervalMs?: number
  /** How bytes reach the node (SSH hops, proxy command, TLS, port); default the saved one, else direct. */
  route?: RouteSpec
}

export type SessionState = 'connected' | 'reconnecting' | 'closed'

export interface SessionInfo {
  sessionId: string
  node: string
  savedId?: string
  /** The session's calls run on `node` through this node of its cluster (erpc), not over a link of its own. */
  through?: string
  state: SessionState
  otpRelease: string
  ertsVersion: string
  intervalMs: number
  /** Last measured round trip (the sampler's rpc), ms. */
  rttMs?: number
  connectedAt: number
  /** Last error in words (while reconnecting, or why it closed). */
  error?: string
  /** 1 for the node first reached; +1 each time it came back as a new VM (restarted under the same name). */
  incarnation: number
  /** When the link was lost (ms since epoch), while reconnecting. */
  lostAt?: number
  /** How the bytes travel, in one line (`SSH a → b · TLS`); absent for a direct connection. */
  route?: string
}

/** A count against its limit; `warn` when above 80 % of the limit. */
export interface Gauge {
  count: number
  limit: number
  ratio: number
  warn: boolean
}

export interface SystemOverview {
  node: string
  otpRelease: string
  ertsVersion: string
  systemVersion: string
  uptimeMs: number
  wordSize: number
  schedulers: number
  schedulersOnline: number
  dirtyCpuSchedulers: number
  dirtyIoSchedulers: number
  logicalProcessors: number | null
  processes: Gauge
  ports: Gauge
  atoms: Gauge
  /** null on releases without `ets_count`. */
  ets: Gauge | null
  /** Sum of the normal run queues (`statistics(total_run_queue_lengths)`). */
  runQueue: number
  memoryTotal: number
  takenAt: number
}

/** One `erlang:memory()` sample; `t` is the main process's clock (ms since epoch). */
export interface MemorySample {
  t: number
  rttMs: number
  /** The node's incarnation when sampled (SessionInfo.incarnation): a change breaks the series. */
  incarnation: number
  /** Bytes per category, in `memoryCategories` order. */
  values: Record<MemoryCategory, number>
  /** `erlang:system_info(atom_count)` in the same round trip (atoms are never freed: a leak shows here). */
  atomCount: number
  /** `erlang:system_info(process_count)` in the same round trip (churn next to memory). */
  processCount: number
  /**
   * Processes spawned per second since the previous sample, from the node's pid counter (the pid of
   * the process that ran each sample); absent for the first sample, after a gap, or when unknown.
   */
  spawnsPerSec?: number
}

export type ProcessSortKey =
  'memory' | 'message_queue_len' | 'reductions' | 'total_heap_size' | 'binary_memory' | 'growth'

export interface ProcessQuery {
  sortBy: ProcessSortKey
  /** Rows per page (1..500). */
  limit: number
  /** offset + limit is capped at 10,000: the top-N is kept on the target, bounded. */
  offset: number
  /** Case-insensitive substring of the pid text, registered name, initial call or current function. */
  filter?: string
  /** Only the processes of one group (the Churn view's), matched on the node; sent as data. */
  group?: ProcessGroup
  /** For `growth`: the window between the two samples, ms (default 2000, at most 60,000). */
  windowMs?: number
  /** For `growth`: the attribute whose growth is ranked (default memory). */
  growthOf?: ProcessGrowthOf
}

/**
 * A group of processes as the Churn view counts them: by initial call (through proc_lib's
 * `$initial_call`; module and function as their atom text, e.g. `Elixir.Foo`), or by parent
 * (OTP 25+ `parent`, else the first of `$ancestors`).
 */
export type ProcessGroup =
  { by: 'initial_call'; module: string; function: string; arity: number } | { by: 'parent'; pid: string }

/**
 * What `growth` ranks: `process_info` items. Heap and stack sizes (words on the node) are reported
 * in bytes like every size; the mailbox and reductions are counts.
 */
export const processGrowthOf = [
  'memory',
  'message_queue_len',
  'reductions',
  'total_heap_size',
  'heap_size',
  'stack_size'
] as const
export type ProcessGrowthOf = (typeof processGrowthOf)[number]

/** Whether a growth is in bytes (memory, heaps, stack) rather than a count. */
export function growthInBytes(growthOf: ProcessGrowthOf): boolean {
  return growthOf !== 'message_queue_len' && growthOf !== 'reductions'
}

export interface ProcessRow {
  /** `<0.123.0>` as the node prints it. */
  pid: string
  registeredName: string | null
  /** `m:f/a`, through proc_lib's `$initial_call` when there is one; Elixir modules the Elixir way. */
  initialCall: string | null
  /**
   * The name people know it by, printed: OTP 27+ `proc_lib:set_label/1`, else RabbitMQ's
   * `process_name` dictionary entry (e.g. `{rabbit_amqqueue_process,{resource,<<"/">>,queue,<<"orders">>}}`).
   */
  processLabel?: string
  /** Registered name, else the process label, else initial call, else the pid. */
  label: string
  memory: number
  messageQueueLength: number
  reductions: number
  totalHeapSize: number
  /** Bytes of refc binaries referenced by the process. */
  binaryMemory: number
  currentFunction: string | null
  /** The value the page is sorted by (the delta for `growth`). */
  sortValue: number
}

export interface ProcessPage {
  sortBy: ProcessSortKey
  offset: number
  limit: number
  /** Processes matching the filter when the page was computed (dead ones excluded). */
  total: number
  /** erlang:system_info(process_count) at the time. */
  processCount: number
  /** Rows reachable by paging (total capped at 10,000). */
  reachable: number
  rows: ProcessRow[]
  takenAt: number
  /** For growth: the window actually used. */
  windowMs?: number
}

export interface SnapshotInfo {
  takenAt: number
  count: number
}

export interface NewProcessesQuery {
  limit?: number
}

export interface NewProcessesResult {
  snapshot: SnapshotInfo
  /** New processes still alive, at most `limit` (default 500, at most 5,000). */
  rows: ProcessRow[]
  /** All new processes alive (the rows may be fewer). */
  total: number
}

export interface StackFrame {
  mfa: string
  file?: string
  line?: number
}

export interface ProcessDetail {
  pid: string
  registeredName: string | null
  initialCall: string | null
  currentFunction: string | null
  status: string
  memory: number
  messageQueueLength: number
  reductions: number
  /** Bytes: process_info's heap_size (words) times the node's word size. */
  heapSize: number
  /** Bytes (stack_size words times the word size). */
  stackSize: number
  /** Bytes (total_heap_size words times the word size). */
  totalHeapSize: number
  binaryMemory: number
  binaryCount: number
  /** `process_info(P, garbage_collection)` as name -> number (min_heap_size, fullsweep_after, minor_gcs ...). */
  garbageCollection: Record<string, number>
  trapExit: boolean
  priority: string
  groupLeader: string
  links: string[]
  monitors: string[]
  monitoredBy: string[]
  currentStacktrace: StackFrame[]
  /** Each entry printed in Erlang syntax on the target, folded to a bounded depth/length. */
  dictionary: { key: string; value: string }[]
  dictionarySize: number
}

export interface MessagesRequest {
  /** How many messages to transfer (default 100, at most 1,000). */
  limit?: number
  /** Required when the queue holds more than 1,000 messages (the copy costs the target memory). */
  confirm?: boolean
}

export interface MessagesResult {
  pid: string
  queueLength: number
  /** The first `limit` messages, printed in Erlang syntax, large terms folded. */
  messages: { text: string; bytes: number; truncated: boolean }[]
  /** True when the queue held more than were transferred. */
  partial: boolean
}

/** Current, max since the previous allocator read, max ever. */
export interface Triple {
  current: number
  max: number
  maxEver: number
}

export interface CarrierStats {
  blocks: Triple
  blocksSize: Triple
  carriers: Triple
  carriersSize: Triple
  /** blocksSize.current / carriersSize.current (1 when both are 0). */
  usage: number
}

export interface AllocatorInstance {
  allocator: string
  instance: number
  mbcs: CarrierStats
  sbcs: CarrierStats
  /** Blocks/carriers abandoned to the pool (current values only); counted in mbcs above as recon does. */
  mbcsPool: { blocksSize: number; carriersSize: number } | null
  /** Sum of blocks sizes (sbcs + mbcs + pool), current. */
  used: number
  /** Sum of carriers sizes (sbcs + mbcs + pool), current. */
  allocated: number
  usage: number
  /** recon_alloc:fragmentation/1 weight: (1 - sbcs usage) * sbcs carriers + (1 - mbcs usage) * mbcs carriers. */
  weight: number
}

export interface AllocatorTotals {
  allocator: string
  used: number
  allocated: number
  usage: number
  instances: number
}

export interface MsegCacheRate {
  instance: number
  hits: number
  calls: number
  hitRate: number
}

export interface AllocatorReport {
  /** Every alloc_util allocator instance, most fragmented first (recon_alloc:fragmentation(current) order). */
  instances: AllocatorInstance[]
  /** Per allocator type, largest allocated first. */
  byAllocator: AllocatorTotals[]
  /** mseg_alloc cache hit rates, worst first (recon_alloc:cache_hit_rates/0). */
  msegCache: MsegCacheRate[]
  /** Sum of carriers sizes over alloc_util allocators (recon_alloc:memory(allocated)). */
  allocated: number
  /** Sum of blocks sizes (recon_alloc:memory(used)). */
  used: number
  usage: number
  /** erlang:memory(total), read in the same call. */
  memoryTotal: number
  /** 'blocks_list' (OTP 23+, per origin allocator) or 'flat' (before). */
  blocksFormat: 'blocks_list' | 'flat'
  takenAt: number
}

/** One background allocator read: carriers and blocks per allocator type (the chart's history). */
export interface AllocatorPoint {
  t: number
  incarnation: number
  byAllocator: Record<string, { used: number; allocated: number }>
}

export interface SavedConnection {
  id: string
  name: string
  node: string
  intervalMs: number
  /** A cookie is stored (encrypted, or in plaintext when the user agreed). Never the cookie itself. */
  hasCookie: boolean
  /** The stored cookie is not encrypted (the user agreed to plaintext). */
  cookiePlaintext: boolean
  /** The saved route (paths to keys and certificates only; never their contents or passphrases). */
  route?: RouteSpec
  lastUsedAt: number | null
  createdAt: number
}

export interface SaveConnectionInput {
  /** Present: update that connection. */
  id?: string
  name: string
  node: string
  /**
   * Omitted on update: keep the stored cookie (dropped when `node` changes). Empty string: remove
   * it. Where no keychain can encrypt it, main asks the user before storing it unencrypted.
   */
  cookie?: string
  intervalMs?: number
  /** Omitted on update: keep the stored route. `{}`: direct. */
  route?: RouteSpec
}

/** The per-category views (ETS, ports, binary leak, atoms and code, churn) are in categories.ts. */
export interface NodeApi extends CategoriesApi {
  /** Nodes registered in EPMD on `host` (default localhost). */
  'epmd:names': (host?: string) => EpmdNode[]
  /** Whether ~/.erlang.cookie exists (its value never leaves main). */
  'cookie:default': () => { present: boolean }
  'node:connect': (req: ConnectRequest) => SessionInfo
  'node:disconnect': (sessionId: string) => void
  'node:sessions': () => SessionInfo[]
  'node:system': (sessionId: string) => SystemOverview
  /**
   * Samples with `t > since` (all kept when omitted), oldest first. `maxPoints` merges them into
   * at most that many buckets keeping each category's peak (for a zoomed-out chart).
   */
  'node:memory-history': (sessionId: string, since?: number, maxPoints?: number) => MemorySample[]
  'node:processes': (sessionId: string, query: ProcessQuery) => ProcessPage
  /** Records the current pid list on the target (held by a small process there). */
  'node:snapshot': (sessionId: string) => SnapshotInfo
  'node:new-since-snapshot': (sessionId: string, query?: NewProcessesQuery) => NewProcessesResult
  'node:process': (sessionId: string, pid: string) => ProcessDetail
  'node:messages': (sessionId: string, pid: string, req?: MessagesRequest) => MessagesResult
  'node:allocators': (sessionId: string) => AllocatorReport
  /** Allocator totals read in the background (every 10 s or so, whichever tab is open), oldest first. */
  'node:allocator-history': (sessionId: string, since?: number) => AllocatorPoint[]
  'connections:list': () => SavedConnection[]
  'connections:save': (input: SaveConnectionInput) => SavedConnection
  'connections:delete': (id: string) => void
  /** The full new order of ids (unknown ids ignored, missing ones appended). */
  'connections:reorder': (ids: string[]) => SavedConnection[]
}

export interface NodeStatusEvent {
  sessionId: string
  node: string
  state: SessionState
  rttMs?: number
  /** While reconnecting: attempt number and ms until the next try. */
  attempt?: number
  retryInMs?: number
  error?: string
  incarnation?: number
  lostAt?: number
}

export interface NodeEvents {
  /** One memory sample, at the session's interval. */
  'node:sample': { sessionId: string; sample: MemorySample }
  'node:status': NodeStatusEvent
  /** Saved connections changed (save, delete, reorder, connect through one). */
  'connections:changed': { connections: SavedConnection[] }
}

export const nodeRequestChannels: Record<keyof NodeApi, true> = {
  ...categoriesRequestChannels,
  'epmd:names': true,
  'cookie:default': true,
  'node:connect': true,
  'node:disconnect': true,
  'node:sessions': true,
  'node:system': true,
  'node:memory-history': true,
  'node:processes': true,
  'node:snapshot': true,
  'node:new-since-snapshot': true,
  'node:process': true,
  'node:messages': true,
  'node:allocators': true,
  'node:allocator-history': true,
  'connections:list': true,
  'connections:save': true,
  'connections:delete': true,
  'connections:reorder': true
}
export const nodeEventChannels: Record<keyof NodeEvents, true> = {
  'node:sample': true,
  'node:status': true,
  'connections:changed': true
}

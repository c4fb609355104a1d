/**
 * Live views that explain one `erlang:memory()` category each: ETS tables (ets), ports and
 * sockets (system), the refc-binary leak check (binary), atoms and loaded code (atom, code),
 * and process churn (processes). Each request is one bounded round trip computed on the target.
 */

import type { ProcessGroup } from './node'

/** Who owns a table or a port: the pid as the node prints it and the names people recognise. */
export interface Owner {
  pid: string
  registeredName: string | null
  /** OTP 27+ `proc_lib:set_label/1`, else a well-known dictionary name (RabbitMQ `process_name`), printed. */
  label: string | null
}

export type EtsSortKey = 'memory' | 'size' | 'growth'

export interface EtsQuery {
  sortBy: EtsSortKey
  /** Rows (1..500, default 50). */
  limit?: number
  /** For `growth`: the window between the two reads, ms (default 2000, at most 60,000). */
  windowMs?: number
}

export interface EtsRow {
  /** The table identifier as the node prints it (`#Ref<...>`, or the name for old named tables). */
  id: string
  name: string
  named: boolean
  owner: Owner | null
  type: string
  protection: string
  /** Objects (`ets:info(T, size)`). */
  size: number
  /** `ets:info(T, memory)` words times the word size. */
  memoryBytes: number
  /** Bytes gained over the window (`growth` only; 0 otherwise). */
  growthBytes: number
  compressed: boolean
}

export interface EtsPage {
  sortBy: EtsSortKey
  /** Tables on the node when read. */
  tableCount: number
  rows: EtsRow[]
  /** The sum of every table's memory, bytes. */
  tablesBytes: number
  /** `erlang:memory(ets)` read in the same call. */
  memoryEts: number
  wordSize: number
  windowMs?: number
  takenAt: number
}

export interface EtsContentsRequest {
  /** The row's `id`. */
  id: string
  /** At most 50 (default 20). */
  limit?: number
}

export interface EtsContents {
  id: string
  name: string
  size: number
  /** First objects (ets:select with a limit), printed in Erlang syntax, large terms folded. */
  objects: { text: string; truncated: boolean }[]
  /** Private tables cannot be read by another process. */
  readable: boolean
}

export type PortSortKey = 'queue' | 'memory' | 'input' | 'output' | 'growth'

export interface PortQuery {
  sortBy: PortSortKey
  limit?: number
  /** For `growth` (of the queue size): the window, ms (default 2000, at most 60,000). */
  windowMs?: number
}

export interface PortRow {
  /** `#Port<0.12>`, or a socket's `#Ref<...>` for NIF sockets. */
  port: string
  /** Driver name (`tcp_inet`, `udp_inet`, `efile`, `spawn` ...), `socket` for NIF sockets, `dist` for distribution. */
  kind: string
  /** The command of a spawned port, the node name of a distribution channel. */
  detail: string | null
  owner: Owner | null
  /** `erlang:port_info(P, queue_size)`: bytes waiting in the driver queue. */
  queueBytes: number
  memoryBytes: number
  /** Bytes read from / written to the port. */
  input: number
  output: number
  peer: string | null
  local: string | null
  /** inet `send_pend` (bytes waiting to be sent), when the port is an inet socket. */
  sendPending: number | null
  recvOct: number | null
  sendOct: number | null
  /** Queue bytes gained over the window (`growth` only). */
  growthBytes: number
}

export interface PortPage {
  sortBy: PortSortKey
  portCount: number
  /** NIF sockets (`socket:which_sockets/0`) counted. */
  socketCount: number
  rows: PortRow[]
  windowMs?: number
  takenAt: number
}

export interface BinLeakRequest {
  /** The user read what the check does (it garbage-collects every process) and agreed. */
  confirm: boolean
  limit?: number
  /** Stop after this many processes (default 100,000). */
  maxProcesses?: number
  /** Stop after this long, ms (default 10,000, at most 60,000). */
  maxMs?: number
}

export interface BinLeakRow {
  pid: string
  registeredName: string | null
  initialCall: string | null
  label: string | null
  /** Refc binary bytes referenced before the GC. */
  beforeBytes: number
  afterBytes: number
  freedBytes: number
}

export interface BinLeakResult {
  rows: BinLeakRow[]
  /** Processes garbage-collected, of `processCount`. */
  scanned: number
  processCount: number
  /** The time cap or the process cap stopped the check early. */
  stoppedEarly: boolean
  /** Sum of every scanned process's freed bytes. */
  freedBytes: number
  memoryBinaryBefore: number
  memoryBinaryAfter: number
  elapsedMs: number
  takenAt: number
}

export interface ModuleRow {
  module: string
  /** Bytes of the current code. */
  bytes: number
  /** Bytes of old code still loaded (a purge is pending), 0 when none. */
  oldBytes: number
}

export interface AtomsAndCode {
  atomCount: number
  atomLimit: number
  /** `erlang:memory(atom)` and `atom_used`. */
  atomBytes: number
  atomUsedBytes: number
  codeBytes: number
  moduleCount: number
  /** Loaded modules, largest first (at most `limit`). */
  modules: ModuleRow[]
  /** Every module with old code, largest first. */
  oldCode: ModuleRow[]
  takenAt: number
}

export interface ChurnQuery {
  /** The window between the two process lists, ms (default 2000, at most 60,000). */
  windowMs?: number
  /** Groups kept (default 30, at most 200). */
  limit?: number
}

export interface ChurnGroup {
  /** `m:f/a` (through proc_lib's `$initial_call`), or the parent's name / pid. */
  key: string
  /** Processes of this group alive at the end of the window. */
  count: number
  /** Born during the window and still alive at its end. */
  born: number
  /** The group as a Processes query takes it (null when it cannot be matched: a name, not a pid). */
  group: ProcessGroup | null
}

export interface ChurnReport {
  windowMs: number
  processCountBefore: number
  processCountAfter: number
  /** Alive at the end and not at the start. */
  born: number
  /** Alive at the start and not at the end. */
  died: number
  /** died / window (a floor: processes born and dead inside the window are not seen). */
  exitRatePerSec: number
  /**
   * Every process spawned during the window, short-lived ones included, from the node's pid
   * counter (a process spawned at each end marks it); null when the pids cannot tell.
   */
  spawned: number | null
  spawnRatePerSec: number | null
  /**
   * Every process that exited during the window: alive at its start or spawned in it, and not
   * alive at its end (count before + spawned − count after); null when `spawned` is.
   */
  exited: number | null
  /** Processes grouped by initial call (all of them up to 200,000). */
  grouped: number
  byInitialCall: ChurnGroup[]
  /** Newborns grouped by parent (OTP 25+ `parent`, else the first of `$ancestors`). */
  byParent: ChurnGroup[]
  takenAt: number
}

export interface SchedulerUsageRequest {
  /**
   * The user agreed: `scheduler_wall_time` is a flag on the node. It is turned on for the window
   * only, by the process of this one call, and off again at its end (the node also drops it when
   * that process exits).
   */
  confirm: boolean
  /** Window, ms (default 1000, at most 10,000). */
  windowMs?: number
}

export interface SchedulerUsage {
  windowMs: number
  /** Normal schedulers' mean utilization, 0..1. */
  normal: number
  /** Dirty CPU schedulers' mean utilization, 0..1 (0 when there are none). */
  dirtyCpu: number
  schedulers: { id: number; kind: 'normal' | 'dirty_cpu' | 'dirty_io'; utilization: number }[]
  /** The flag was already on before this call (someone else measures too). */
  wasEnabled: boolean
  takenAt: number
}

export interface CategoriesApi {
  'node:ets': (sessionId: string, query: EtsQuery) => EtsPage
  /** Opt-in preview of one table: at most 50 objects, never the whole table. */
  'node:ets-contents': (sessionId: string, req: EtsContentsRequest) => EtsContents
  'node:ports': (sessionId: string, query: PortQuery) => PortPage
  /** Garbage-collects every process (capped) and ranks by refc binary bytes freed; needs `confirm`. */
  'node:bin-leak': (sessionId: string, req: BinLeakRequest) => BinLeakResult
  'node:atoms-code': (sessionId: string, limit?: number) => AtomsAndCode
  'node:churn': (sessionId: string, query: ChurnQuery) => ChurnReport
  /** Scheduler utilization over a window; needs `confirm` (it sets a flag on the node for the window). */
  'node:scheduler-usage': (sessionId: string, req: SchedulerUsageRequest) => SchedulerUsage
}

export const categoriesRequestChannels: Record<keyof CategoriesApi, true> = {
  'node:ets': true,
  'node:ets-contents': true,
  'node:ports': true,
  'node:bin-leak': true,
  'node:atoms-code': true,
  'node:churn': true,
  'node:scheduler-usage': true
}

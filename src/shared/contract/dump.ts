/**
 * Crash-dump channels: open (indexing with progress and cancel), triage summary, a paged
 * process table, one process (decoded messages, dictionary, stack), and every other section
 * as a typed table.
 *
 * Everything crossing IPC is plain JSON data: numbers that may exceed 2^53 (bignums in terms)
 * are decimal strings, bytes are base64 strings, text is already decoded (latin1 or UTF-8).
 * Nothing here is HTML: render it as text.
 */

/** `erlang:memory()` categories as written in a dump's `=memory` section, in bytes. */
export interface DumpMemory {
  total: number | null
  processes: number | null
  processes_used: number | null
  system: number | null
  atom: number | null
  atom_used: number | null
  binary: number | null
  code: number | null
  ets: number | null
}

/** How a dump file is compressed (recognised by its first bytes, not its name). */
export type DumpCompression = 'gzip' | 'zstd' | 'xz'

export interface DumpOpened {
  dumpId: string
  /** The file that was opened (the compressed one for a compressed dump). */
  path: string
  /** Size of the dump in bytes (decompressed). */
  size: number
  /** Set for a compressed file, which is decompressed once into the cache folder. */
  compression: DumpCompression | null
  /** `0.1` … `0.5`. */
  dumpVersion: string
  /** Number of `=tag[:id]` sections found. */
  sections: number
  processCount: number
  /** Set when the dump has no `=end` (see DumpSummary.truncated). */
  truncated: DumpTruncation | null
  indexMs: number
}

export interface DumpProgress {
  dumpId: string
  path: string
  bytesRead: number
  totalBytes: number
  /**
   * `decompressing` (bytes are compressed bytes) then `indexing` while reading, `done` /
   * `cancelled` / `failed` on the last event.
   */
  phase: 'decompressing' | 'indexing' | 'done' | 'cancelled' | 'failed'
}

export interface RecentDump {
  path: string
  size: number
  openedAt: number
  slogan: string | null
  nodeName: string | null
}

export interface DumpTruncation {
  /** The section the file stops in, e.g. `proc_heap:<0.77.0>`. */
  cutInSection: string
  /** Byte offset where the data stops. */
  cutAtByte: number
  /** From `=abort:REASON`, e.g. `CRASH DUMP SIZE LIMIT REACHED`; null when the file just ends. */
  abortReason: string | null
  /**
   * No `=end` yet, and the file grew while it was read or changed seconds ago: the VM is still
   * writing it. `dump:refresh` reads it again.
   */
  beingWritten: boolean
  /** One sentence for a banner. */
  message: string
}

export type SloganCategory =
  | 'process_heap'
  | 'binary'
  | 'allocation'
  | 'boot_failure'
  | 'application_failure'
  | 'requested'
  | 'system_limit'
  | 'child_setup'
  | 'halt'
  | 'other'

export interface SloganExplanation {
  category: SloganCategory
  /** A short headline, e.g. "A process heap could not grow". */
  title: string
  /** Plain-language explanation with what to look at next. */
  detail: string
  /** The reason term quoted in the slogan, when there is one. */
  reason: string | null
  /** Bytes the allocator asked for (allocation failures). */
  requestedBytes: number | null
}

export interface DumpHeader {
  dumpVersion: string
  created: string | null
  slogan: string | null
  systemVersion: string | null
  compiled: string | null
  taints: string | null
  atoms: number | null
  callingThread: string | null
  /** 8 when the system version says `[64-bit]`, else 4. */
  wordSize: 4 | 8
  /** `'name@host'` from `=node:` (quoted as in the dump), else null. */
  nodeName: string | null
  /** OTP release guessed from the system version (`25`, `R16B03` …). */
  otpRelease: string | null
}

export type ProcessSortKey =
  | 'pid'
  | 'name'
  | 'state'
  | 'messageQueueLength'
  | 'reductions'
  | 'memory'
  | 'stackHeapWords'
  | 'currentFunction'

/** One group of the Summary's process groupings, to filter the process table to it. */
export interface ProcessGroupFilter {
  /** `initialCall`: DumpSummary.initialCalls; `parent`: DumpSummary.parents. */
  by: 'initialCall' | 'parent'
  /** The group's `call` or `parent` as the summary gave it (null: the group of processes without one). */
  key: string | null
}

export interface ProcessQuery {
  sortBy?: ProcessSortKey
  descending?: boolean
  /** Only the processes of this group (applied with the other filters). */
  group?: ProcessGroupFilter
  /** Case-insensitive substring over pid, name, spawnedAs and currentFunction. */
  filter?: string
  /** Only these states (`Waiting`, `Running` …). */
  states?: string[]
  offset?: number
  /** At most 5000. */
  limit?: number
}

export interface DumpProcessRow {
  /** As written, `<0.65.0>`. */
  pid: string
  /** Registered name, or null. */
  name: string | null
  /**
   * `Spawned as`; for a proc_lib process (gen_server, supervisor ...) its dictionary's
   * `'$initial_call'` when that was read (see spawnedVia and initialCallUnread).
   */
  spawnedAs: string | null
  /** `proc_lib:init_p/5` (or `/3`) when spawnedAs was taken from proc_lib's `'$initial_call'`. */
  spawnedVia?: string
  /**
   * True when spawnedAs is the raw `proc_lib:init_p/5` (or `/3`): the process's `'$initial_call'` was not
   * read (its data is too large for a table row, or it has none).
   */
  initialCallUnread?: boolean
  /**
   * OTP 27+ `proc_lib:set_label/1` (`'$process_label'`) or RabbitMQ's dictionary `process_name`,
   * printed; read with the `'$initial_call'` of proc_lib processes (absent when none or not read).
   */
  label?: string
  state: string | null
  messageQueueLength: number
  reductions: number
  /** `Stack+heap` in words. */
  stackHeapWords: number
  oldHeapWords: number
  /** `Memory:` in bytes; null in dumps before R16B02, which do not have it. */
  memoryBytes: number | null
  /** (Stack+heap + OldHeap) × word size: used when memoryBytes is null. */
  memoryEstimateBytes: number
  /** `Current call`, else `Last scheduled in for`, else the program counter's function. */
  currentFunction: string | null
}

export interface ProcessPage {
  total: number
  /** Matching rows before paging (equal to total without a filter). */
  matched: number
  offset: number
  rows: DumpProcessRow[]
}

/** A decoded Erlang term, ready to print. `missing` marks what the dump did not contain. */
export type DumpTerm =
  | { kind: 'int'; value: string }
  | { kind: 'float'; value: string }
  | { kind: 'atom'; name: string }
  | { kind: 'nil' }
  /** `more` counts elements left out (a tuple too large to decode whole). */
  | { kind: 'tuple'; items: DumpTerm[]; more?: number }
  /** A proper list when `tail` is absent; `more` counts elements left out. */
  | { kind: 'list'; items: DumpTerm[]; tail?: DumpTerm; more?: number }
  /** A list of printable character codes, shown as a string. */
  | { kind: 'string'; value: string }
  | { kind: 'map'; entries: { key: DumpTerm; value: DumpTerm }[]; more?: number }
  /** An OTP 29 native record `#module:name{field = value}` (RECORD_EXT in an `E` heap term). */
  | { kind: 'record'; module: string; name: string; fields: { name: string; value: DumpTerm }[] }
  | {
      kind: 'binary'
      /** Size in bytes (of the whole binary). */
      size: number
      /** Extra bits in the last byte of a bitstring, when not byte-aligned. */
      bits?: number
      /** The first bytes (at most 1 KiB) as base64. */
      base64: string
      /** Those bytes as text when they are printable. */
      text?: string
      /** `heap`, `refc` or `sub`. */
      storage: 'heap' | 'refc' | 'sub' | 'external'
      /** True when `base64` holds fewer bytes than `size`. */
      elided: boolean
    }
  | { kind: 'pid'; text: string }
  | { kind: 'port'; text: string }
  | { kind: 'ref'; text: string }
  | { kind: 'fun'; text: string }
  | {
      kind: 'missing'
      reason:
        | 'incomplete_heap'
        | 'nonexisting_binary'
        | 'truncated_binary'
        | 'dist_message'
        | 'unparsable'
        | 'too_deep'
        | 'too_large'
      text: string
    }

export interface StackFrame {
  /** `return` (return address), `catch`, or `var` (a y register). */
  kind: 'return' | 'catch' | 'var'
  /** `y0`, or the frame address. */
  label: string
  /** For return/catch: `m:f/a + off`, or the raw text. */
  text?: string
  term?: DumpTerm
}

export interface DumpProcessDetail {
  /** `spawnedAs` is proc_lib's `'$initial_call'` from the dictionary when it has one (see spawnedVia). */
  row: DumpProcessRow
  /** OTP 27+ `proc_lib:set_label/1` (`'$process_label'`) or else `process_name` (RabbitMQ), printed; null for none. */
  label: string | null
  /** The `Spawned as` line (`proc_lib:init_p/5`) when `row.spawnedAs` was taken from the dictionary. */
  spawnedVia: string | null
  /** Every `Key: value` line of the `=proc` section, in order. */
  fields: { key: string; value: string }[]
  spawnedBy: string | null
  links: string[]
  monitors: string[]
  monitoredBy: string[]
  /** Messages shown (the first `messageLimit`); `messagesTotal` counts them all. */
  messages: { term: DumpTerm; seqTraceToken?: DumpTerm }[]
  messagesTotal: number
  /** Position in the queue of `messages[0]` (the `messageOffset` asked for). */
  messageOffset: number
  dictionary: { key: DumpTerm; value: DumpTerm }[] | null
  stack: StackFrame[] | null
  ets: DumpEtsTable[]
  timers: DumpTimer[]
  /** Which parts the dump did not include (e.g. heap not dumped, cut by truncation). */
  notes: string[]
}

export interface ProcessDetailOptions {
  /** Messages to decode from `messageOffset` (default 0, 100; at most 1000). */
  messageOffset?: number
  messageLimit?: number
}

export interface DumpEtsTable {
  owner: string
  /** The owner's registered name, when the dump has one for that pid. */
  ownerName: string | null
  /** Table id as printed (`Table:`), a number or `#Ref<…>`. */
  table: string
  name: string | null
  type: string | null
  protection: string | null
  objects: number | null
  words: number | null
  /** words × word size. */
  bytes: number | null
  buckets: number | null
  fields: { key: string; value: string }[]
}

export interface DumpPort {
  id: string
  state: string | null
  connected: string | null
  /** The connected process's registered name, when the dump has one. */
  connectedName: string | null
  name: string | null
  /** `linked-in driver`, `external process`, `forker process` … */
  controls: string | null
  /** Driver or command, e.g. `tcp_inet`, `efile`. */
  driver: string | null
  kind: 'tcp' | 'udp' | 'sctp' | 'file' | 'external' | 'other'
  links: string[]
  monitors: string[]
  input: number | null
  output: number | null
  queue: number | null
  fields: { key: string; value: string }[]
}

export interface DumpTimer {
  /** Owner pid or registered name as written. */
  owner: string
  message: string | null
  timeLeftMs: number | null
}

export interface DumpAllocatorInstance {
  /** `binary_alloc[3]`, `sys_alloc`, `mseg_alloc[0]` … */
  id: string
  name: string
  instance: number | null
  /** Summed `blocks size` over mbcs, mbcs_pool and sbcs (current). */
  blocksSize: number | null
  /** Summed `carriers size` (current). */
  carriersSize: number | null
  usage: number | null
  lines: { key: string; values: string[] }[]
}

export interface DumpAllocatorSummary {
  name: string
  instances: number
  blocksSize: number
  carriersSize: number
  usage: number | null
}

export interface DumpScheduler {
  /** `scheduler:1`, `dirty_cpu_scheduler:9`, `dirty_cpu_run_queue` … */
  id: string
  type: 'normal' | 'dirty_cpu' | 'dirty_io' | 'dirty_cpu_run_queue' | 'dirty_io_run_queue'
  currentProcess: string | null
  currentPort: string | null
  runQueueLength: number | null
  sleepInfo: string | null
  fields: { key: string; value: string }[]
  /** `Current Process Limited Stack Trace` lines. */
  stackTrace: string[]
}

export interface DumpNodeConnection {
  kind: 'visible' | 'hidden' | 'not_connected'
  /** Node name (`Name:` line), e.g. `'peer@host'`. */
  name: string
  /** Distribution channel number from the section id. */
  channel: string
  controller: string | null
  creation: string | null
  remoteLinks: string[]
  remoteMonitors: string[]
  fields: { key: string; value: string }[]
}

export interface DumpNodes {
  thisNode: string | null
  distributed: boolean
  connections: DumpNodeConnection[]
}

export interface DumpModule {
  name: string
  currentSize: number | null
  oldSize: number | null
  /** Decoded module attributes and compile info, printed (when the dump has them). */
  attributes: string | null
  compileInfo: string | null
}

export interface DumpModules {
  /** `=loaded_modules` totals. */
  currentCode: number | null
  oldCode: number | null
  /** The dump's `=memory` `code` figure, null when absent. */
  memoryCode: number | null
  /** Sum of every module's current + old size (before filter and paging). */
  modulesBytes: number
  /** Modules that still hold old code (a purge pending), in the whole dump. */
  withOldCode: number
  /** Largest first (current + old size), then by name. */
  modules: DumpModule[]
}

export interface DumpFun {
  module: string
  uniq: string | null
  index: number | null
  address: string | null
  refc: number | null
  nativeAddress: string | null
}

export interface DumpHashTable {
  name: string
  size: number | null
  used: number | null
  objs: number | null
  depth: number | null
}

export interface DumpIndexTable {
  name: string
  size: number | null
  limit: number | null
  entries: number | null
}

export interface DumpAllocatedArea {
  name: string
  allocated: number | null
  used: number | null
}

export interface DumpPersistentTerm {
  key: DumpTerm
  value: DumpTerm
}

/** One section of the dump as an index entry (for a raw view). */
export interface DumpSectionEntry {
  tag: string
  id: string | null
  offset: number
  length: number
}

export const sectionKinds = [
  'allocators',
  'ets',
  'ports',
  'timers',
  'schedulers',
  'nodes',
  'modules',
  'funs',
  'atoms',
  'persistent_terms',
  'internal_tables',
  'memory',
  'index'
] as const
export type SectionKind = (typeof sectionKinds)[number]

export interface SectionQuery {
  /** Paging for long tables (atoms, funs, ets, ports, timers, index). */
  offset?: number
  limit?: number
  /** Case-insensitive substring filter on the rows' text. */
  filter?: string
}

/** Each kind of section as its own typed table. */
export type DumpSection =
  | {
      kind: 'allocators'
      summary: DumpAllocatorSummary[]
      instances: DumpAllocatorInstance[]
      /** Lines of `=allocator:` sections that are not alloc_util instances (mseg, erts_mmap …). */
    }
  | {
      kind: 'ets'
      total: number
      rows: DumpEtsTable[]
      /** Bytes of every table in the dump (words × word size), before filter and paging. */
      tablesBytes: number
      /** The dump's `=memory` `ets` figure (includes ETS's own overhead), null when absent. */
      memoryEts: number | null
    }
  | { kind: 'ports'; total: number; rows: DumpPort[] }
  | { kind: 'timers'; total: number; rows: DumpTimer[] }
  | { kind: 'schedulers'; rows: DumpScheduler[] }
  | { kind: 'nodes'; nodes: DumpNodes }
  | { kind: 'modules'; total: number; modules: DumpModules }
  | { kind: 'funs'; total: number; rows: DumpFun[] }
  | {
      kind: 'atoms'
      /** Lines of the `=atoms` section (matching the filter). */
      total: number
      /** Atoms in the table: `=index_table:atom_tab` entries (`used` in old dumps), else the header. */
      count: number | null
      /** The atom table's limit (`+t`), from `=index_table:atom_tab`. */
      limit: number | null
      /** `=memory` atom and atom_used, bytes. */
      memoryAtom: number | null
      memoryAtomUsed: number | null
      rows: string[]
    }
  | { kind: 'persistent_terms'; total: number; rows: DumpPersistentTerm[] }
  | {
      kind: 'internal_tables'
      hashTables: DumpHashTable[]
      indexTables: DumpIndexTable[]
      allocatedAreas: DumpAllocatedArea[]
    }
  | { kind: 'memory'; memory: DumpMemory; allocatedAreas: DumpAllocatedArea[] }
  | { kind: 'index'; total: number; rows: DumpSectionEntry[] }

export type SectionOf<K extends SectionKind> = Extract<DumpSection, { kind: K }>

export interface DumpCounts {
  processes: number
  ports: number
  ets: number
  timers: number
  funs: number
  atoms: number | null
  modules: number
  binaries: number
  /** Every `=visible_node`, `=hidden_node` and `=not_connected` section. */
  nodes: number
  /** Nodes connected when the dump was written (visible and hidden). */
  connectedNodes: number
}

export interface DumpInitialCallGroup {
  /** `m:f/a` as written (Elixir modules the Elixir way); null for processes without the line. */
  call: string | null
  count: number
  /** Summed memory of the group's processes (or estimates, as processMemorySum). */
  memoryBytes: number
}

/** Processes by their parent: the first of proc_lib's `'$ancestors'`, else the `Spawned by` line. */
export interface DumpParentGroup {
  /** Registered name of the parent when it has one, else its pid; null when not known or not read. */
  parent: string | null
  /** The parent's pid when `parent` is a name and the dump says it. */
  pid: string | null
  count: number
  memoryBytes: number
}

/** How many processes the summary read beyond the index to group them (each read costs a seek). */
export interface DumpGroupReads {
  /** proc_lib dictionaries read for `'$initial_call'` and `'$ancestors'`, and the cap on them. */
  dictionaries: number
  dictionaryCap: number
  /** proc_lib processes not read because of the cap (or too large): grouped as proc_lib:init_p/5 and no parent. */
  dictionariesSkipped: number
  /** Other processes whose `Spawned by` line was read, and the cap on them. */
  spawnedBy: number
  spawnedByCap: number
  spawnedBySkipped: number
}

/** A process by the refc binaries it references (`BinVHeap` + `OldBinVHeap` of its `=proc`). */
export interface DumpBinaryHolder {
  pid: string
  name: string | null
  currentFunction: string | null
  /** (BinVHeap + OldBinVHeap) × word size: off-heap binaries its heaps point to, garbage or not. */
  binaryBytes: number
}

export interface DumpSummary {
  dumpId: string
  path: string
  size: number
  header: DumpHeader
  explanation: SloganExplanation
  truncated: DumpTruncation | null
  /**
   * What a real VM never writes, found in this dump (negative or impossibly large numbers, a
   * process dumped twice): the dump was damaged or edited. Empty for a sound dump.
   */
  warnings: string[]
  memory: DumpMemory
  counts: DumpCounts
  /** Limits known from the dump (`=index_table:atom_tab` limit …). */
  limits: { atoms: { used: number | null; limit: number | null } }
  processStates: { state: string; count: number }[]
  topByMemory: DumpProcessRow[]
  topByMailbox: DumpProcessRow[]
  /** Sum of the process rows' memory (or estimates) in bytes. */
  processMemorySum: number
  ports: {
    total: number
    byKind: Record<DumpPort['kind'], number>
    byDriver: { driver: string; count: number }[]
  }
  topEts: DumpEtsTable[]
  /**
   * Processes grouped by initial call, most first: the `Spawned as` line, and for proc_lib
   * processes (`proc_lib:init_p/5`) the `'$initial_call'` read from their dictionaries (the first
   * 5,000 such processes with at most 64 KiB of data each; the others stay `proc_lib:init_p/5`).
   */
  initialCalls: DumpInitialCallGroup[]
  /** The processes referencing the most refc binary bytes (empty when the dump does not say). */
  topByBinary: DumpBinaryHolder[]
  /** Distinct groups in the whole dump (initialCalls holds the largest few). */
  initialCallGroups: number
  /** Processes grouped by parent (first '$ancestors' entry, else Spawned by), most first. */
  parents: DumpParentGroup[]
  parentGroups: number
  /** What the groupings read and what the caps left out. */
  groupReads: DumpGroupReads
  /** Remarks for the triage page (e.g. "<0.80.0> holds 93 % of process memory"). */
  findings: string[]
}

export interface DumpApi {
  /** Indexes a dump (emitting `dump:progress`) and keeps it open. */
  'dump:open': (path: string) => DumpOpened
  /** Opens the sample dump that ships with erlscope (main knows where it is). */
  'dump:open-sample': () => DumpOpened
  /** Reads an open dump again (one still being written), keeping its id. */
  'dump:refresh': (dumpId: string) => DumpOpened
  /** Stops an open in progress (its `dump:open` then fails with `dump_cancelled`). */
  'dump:cancel': (dumpId: string) => void
  'dump:close': (dumpId: string) => void
  /** Dumps currently open. */
  'dump:list': () => DumpOpened[]
  'dump:recent': () => RecentDump[]
  'dump:summary': (dumpId: string) => DumpSummary
  'dump:processes': (dumpId: string, query: ProcessQuery) => ProcessPage
  'dump:process': (dumpId: string, pid: string, options?: ProcessDetailOptions) => DumpProcessDetail
  'dump:section': (dumpId: string, kind: SectionKind, query?: SectionQuery) => DumpSection
}

export interface DumpEvents {
  'dump:progress': DumpProgress
}

export const dumpRequestChannels: Record<keyof DumpApi, true> = {
  'dump:open': true,
  'dump:open-sample': true,
  'dump:refresh': true,
  'dump:cancel': true,
  'dump:close': true,
  'dump:list': true,
  'dump:recent': true,
  'dump:summary': true,
  'dump:processes': true,
  'dump:process': true,
  'dump:section': true
}
export const dumpEventChannels: Record<keyof DumpEvents, true> = {
  'dump:progress': true
}

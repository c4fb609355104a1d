/**
 * An opened dump: its index plus random-access reads of sections through one file handle.
 * Section parsers run lazily, on demand, and their results are cached.
 */
import { open, type FileHandle } from 'node:fs/promises'
import { basename } from 'node:path'
import type {
  DumpEtsTable,
  DumpGroupReads,
  DumpHeader,
  DumpIndexTable,
  DumpModule,
  DumpMemory,
  DumpProcessDetail,
  DumpProcessRow,
  DumpSection,
  DumpSummary,
  DumpTerm,
  DumpTimer,
  DumpTruncation,
  ProcessDetailOptions,
  ProcessPage,
  ProcessQuery,
  SectionKind,
  SectionQuery,
  DumpPort,
  DumpAllocatorInstance,
  ProcessGroupFilter,
  StackFrame
} from '../../shared/contract/dump'
import { displayCalls, displayName } from '../../shared/elixir-names'
import { printDumpTerm } from '../../shared/dump-term-print'
import { AppError } from '../app-error'
import { parseAllocator, summarizeAllocators } from './sections/allocator'
import { pidRows } from './pid-rows'
import { memoryAnomalies, procAnomalies } from './sections/anomalies'
import { parseAtoms } from './sections/atoms'
import { findSection, sectionsWithTag, type DumpIndex } from './dump-index'
import { parseEts } from './sections/ets'
import { parseFun } from './sections/fun'
import { parseHeader } from './sections/header'
import {
  HeapDecoder,
  parseHeapLines,
  parseSizedData,
  type BinaryData,
  type HeapLines
} from './terms/heap-terms'
import { ioError } from './indexer'
import type { DumpSource } from './open-dump'
import { parseLoadedModules, parseModule } from './sections/modules'
import { parseNodeConnection } from './sections/node'
import { parsePort } from './sections/port'
import { parseProcFields, parseStack, splitProcExtras } from './sections/proc'
import { decodeInHeapWindow, type TrackedLines } from './heap-window'
import {
  findGroupPositions,
  findHeapLine,
  MESSAGE_STEP,
  readMessageLines,
  scanProcLayout,
  type ProcLayout
} from './proc-layout'
import { parseScheduler } from './sections/scheduler'
import { explainSlogan } from './sections/slogan'
import { parseAllocatedAreas, parseHashTable, parseIndexTable, parseMemory } from './sections/tables'
import { parseTimer } from './sections/timer'
import { decodeText, splitLines } from './text'
import { initialCallValue, WindowedReader } from './initial-call'
import { labelFromDictionary, labelFromProcessData } from './process-label'

/** Reads of one section are capped (a 50 MB line is not pulled whole into a table cell). */
const SECTION_READ_CAP = 64 << 20
const BINARY_READ_CAP = 1 << 20
/** Text of a `=binary:` section read for a label in a table row. */
const LABEL_BINARY_READ_CAP = 4 << 10
/** proc_lib processes whose '$initial_call' the summary reads from their dictionaries. */
// 20,000 took 1.27 s of a 20k-process summary against 148 ms for 2,000: the triage page comes first
const PROC_LIB_RESOLVE_MAX = 5_000
/** How proc_lib processes are spawned: proc_lib:spawn(Fun) is init_p/3, gen_* and spawn(M, F, A) init_p/5. */
const PROC_LIB_CALLS = ['proc_lib:init_p/5', 'proc_lib:init_p/3']
/** A process's data searched for its '$initial_call' in a table row: larger ones show the raw proc_lib call. */
const INITIAL_CALL_DATA_CAP = 1 << 20
/** Bytes searched for '$initial_call's for one page of the process table. */
const INITIAL_CALL_PAGE_BYTES = 64 << 20
const INITIAL_CALL_WINDOW = 4 << 20
/** Codes of `initialCallCodes`: not looked for yet; looked for and not found (or not readable). */
const CALL_UNKNOWN = -2
const CALL_UNREAD = -1
/** Other processes whose `Spawned by` line the summary reads to group them by parent. */
// read in runs of neighbouring =proc sections: 100,000 of them added 0.3-0.7 s to a 110k-process
// summary here (one by one, 20,000 had added 1-4 s; both on a machine at load 22 on 2 cores)
const SPAWNED_BY_READ_MAX = 50_000
/** One read of neighbouring `=proc` sections. */
const RUN_READ_MAX = 1 << 20
/** Processes whose section layout stays cached (a process being paged, and a few before it). */
const PROC_VIEWS = 4
/** Cons cells counted past the shown part of a list decoded from a heap window. */
const WINDOW_COUNT_WALK = 100_000
const TERM_TOO_LARGE: DumpTerm = { kind: 'missing', reason: 'too_large', text: "'#TermTooLarge'" }

export class DumpFile {
  private fh: FileHandle | null = null
  private cache = new Map<string, unknown>()
  private sortCache: { key: string; order: Int32Array } | null = null
  private matchCache: { key: string; rows: Int32Array } | null = null
  private binaryIndex: Map<number, number> | null = null
  private binaryIndexLow: Map<number, number> | null = null
  /** Located sections of the last few processes opened (row -> layout). */
  private views = new Map<number, ProcView>()
  /** Per process row: CALL_UNKNOWN, CALL_UNREAD, or the index of its '$initial_call' in initialCallNames. */
  private initialCallCodes: Int32Array | null = null
  private initialCallNames = new Interner()
  /** Per process row: -1, or the index of its label (see process-label.ts) in labelNames. */
  private labelCodes: Int32Array | null = null
  private labelNames = new Interner()
  private readBytes = 0

  private constructor(
    readonly path: string,
    readonly index: DumpIndex,
    readonly source: DumpSource | null
  ) {}

  /**
   * Reads the dump that `index` describes; `source` names the file the user opened when that is
   * not the indexed file (a compressed dump's decompressed copy) and says how it ended.
   */
  static async open(index: DumpIndex, source: DumpSource | null = null): Promise<DumpFile> {
    const f = new DumpFile(source?.path ?? index.path, index, source)
    try {
      f.fh = await open(index.path, 'r')
    } catch (error) {
      throw ioError(error, index.path)
    }
    return f
  }

  async close(): Promise<void> {
    const fh = this.fh
    this.fh = null
    await fh?.close()
  }

  private async read(off: number, end: number, cap = SECTION_READ_CAP): Promise<Buffer> {
    if (!this.fh) throw new AppError('not_found', 'This dump is closed.')
    const len = Math.max(0, Math.min(end - off, cap))
    const buf = Buffer.allocUnsafe(len)
    let got = 0
    while (got < len) {
      const { bytesRead } = await this.fh.read(buf, got, len - got, off + got)
      if (bytesRead === 0) break
      got += bytesRead
    }
    this.readBytes += got
    return buf.subarray(0, got)
  }

  /** Fills `buf` from file position `pos` (less at the end of the file); the number of bytes read. */
  private async readInto(buf: Buffer, pos: number): Promise<number> {
    if (!this.fh) throw new AppError('not_found', 'This dump is closed.')
    let got = 0
    while (got < buf.length) {
      const { bytesRead } = await this.fh.read(buf, got, buf.length - got, pos + got)
      if (bytesRead === 0) break
      got += bytesRead
    }
    this.readBytes += got
    return got
  }

  /** Body text of generic section i (decoded latin1/UTF-8). */
  async body(i: number, cap = SECTION_READ_CAP): Promise<string> {
    const b = await this.read(this.index.body[i], this.index.end[i], cap)
    return decodeText(b)
  }

  private async bodyLatin1(i: number, cap = SECTION_READ_CAP): Promise<string> {
    return (await this.read(this.index.body[i], this.index.end[i], cap)).toString('latin1')
  }

  private async cached<T>(key: string, make: () => Promise<T>): Promise<T> {
    if (this.cache.has(key)) return this.cache.get(key) as T
    const v = await make()
    this.cache.set(key, v)
    return v
  }

  get base64(): boolean {
    return this.index.version >= '0.5'
  }

  async header(): Promise<DumpHeader> {
    return this.cached('header', async () => {
      const first = findSection(this.index, 'erl_crash_dump')
      const body = first < 0 ? '' : await this.body(first, 1 << 20)
      const node = findSection(this.index, 'node')
      return parseHeader(this.index.version, body, node < 0 ? null : this.index.id[node])
    })
  }

  truncation(): DumpTruncation | null {
    const ix = this.index
    const cut = this.source?.compressedCut ?? null
    if (ix.hasEnd && ix.abortReason === null && !cut) return null
    const where = ix.lastSection ?? 'the header'
    const reason = ix.abortReason
    const beingWritten = this.source?.beingWritten === true
    let message = reason
      ? `The dump was cut in ${where}: ${reason}. What follows that point is missing.`
      : ix.hasEnd
        ? 'The dump itself is complete.'
        : `The dump is truncated: it stops in ${where} (at byte ${ix.size}) without an =end marker. What follows that point is missing.`
    if (beingWritten)
      message = `The dump is still being written: so far it stops in ${where} (at byte ${ix.size}). Refresh to read what the VM has written since.`
    if (cut)
      message = `The compressed ${this.path === 'standard input' ? 'standard input' : `file ${basename(this.path)}`} is cut: ${cut}. erlscope decompressed ${fmtBytes(ix.size)} and shows what is there. ${message}`
    return { cutInSection: where, cutAtByte: ix.size, abortReason: reason, beingWritten, message }
  }

  async memory(): Promise<DumpMemory> {
    return this.cached('memory', async () => {
      const i = findSection(this.index, 'memory')
      const m = i < 0 ? null : parseMemory(await this.body(i))
      return (
        m ?? {
          total: null,
          processes: null,
          processes_used: null,
          system: null,
          atom: null,
          atom_used: null,
          binary: null,
          code: null,
          ets: null
        }
      )
    })
  }

  // ---- processes -------------------------------------------------------------------------

  row(r: number, wordSize: number): DumpProcessRow {
    const p = this.index.procs
    const str = (i: number): string | null => (i < 0 ? null : displayCalls(p.strings[i]))
    const mem = p.memory[r]
    const name = p.name[r]
    return {
      pid: p.pid[r],
      name: name === null ? null : displayName(name),
      spawnedAs: str(p.spawnedAs[r]),
      state: str(p.state[r]),
      messageQueueLength: p.msgq[r],
      reductions: p.reds[r],
      stackHeapWords: p.stackHeap[r],
      oldHeapWords: p.oldHeap[r],
      memoryBytes: Number.isNaN(mem) ? null : mem,
      memoryEstimateBytes: (p.stackHeap[r] + p.oldHeap[r]) * wordSize,
      currentFunction: str(p.current[r])
    }
  }

  /**
   * Reads proc_lib's `'$initial_call'` of those of `rows` that are proc_lib processes and were
   * not looked at yet: in file order, through one read window, each process's data up to
   * INITIAL_CALL_DATA_CAP and at most `budgetBytes` in all (rows past it stay unknown). The same
   * read gives the process's label (`'$process_label'` or RabbitMQ's `process_name`).
   */
  async resolveInitialCalls(rows: ArrayLike<number>, budgetBytes = Infinity): Promise<void> {
    const p = this.index.procs
    const procLib = new Set(PROC_LIB_CALLS.map((c) => p.strings.indexOf(c)).filter((i) => i >= 0))
    if (procLib.size === 0) return
    this.initialCallCodes ??= new Int32Array(p.count).fill(CALL_UNKNOWN)
    const codes = this.initialCallCodes
    this.labelCodes ??= new Int32Array(p.count).fill(-1)
    const labels = this.labelCodes
    const todo: number[] = []
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]
      if (codes[r] === CALL_UNKNOWN && procLib.has(p.spawnedAs[r])) todo.push(r)
    }
    if (todo.length === 0) return
    todo.sort((a, b) => p.extraOff[a] - p.extraOff[b])
    const literals = await this.literals()
    const window = new WindowedReader((buf, pos) => this.readInto(buf, pos), INITIAL_CALL_WINDOW)
    // binaries in labels (a RabbitMQ queue's vhost and name), read once for the page
    const binaries = new Map<number, BinaryData | null>()
    const labelBinary = async (addr: number): Promise<BinaryData | null> => {
      if (!binaries.has(addr)) binaries.set(addr, await this.binaryData(addr, LABEL_BINARY_READ_CAP))
      return binaries.get(addr) ?? null
    }
    const atom: DumpTerm = { kind: 'atom', name: '$initial_call' }
    // printed once per distinct {M, F, A}: a million gen_servers run a few hundred modules
    const printed = new Map<string, string | null>()
    let spent = 0
    for (const r of todo) {
      const off = p.extraOff[r]
      const size = p.extraEnd[r] - off
      if (Number.isNaN(off) || p.scattered.has(r) || size > INITIAL_CALL_DATA_CAP) {
        codes[r] = CALL_UNREAD
        continue
      }
      if (spent + size > budgetBytes) break
      spent += size
      const data = await window.bytes(off, off + size)
      // the label after the initial call: `data` stays valid (binaries are read apart from the window)
      const value = initialCallValue(data, literals, this.base64)
      const label = await labelFromProcessData(data, literals, this.base64, labelBinary)
      if (label !== null) labels[r] = this.labelNames.code(label)
      const key =
        value?.kind === 'tuple'
          ? value.items
              .map((t) => (t.kind === 'atom' ? `a${t.name}` : t.kind === 'int' ? `i${t.value}` : '?'))
              .join('\0')
          : null
      let call = key === null ? undefined : printed.get(key)
      if (call === undefined) {
        call = value && dictionaryInitialCall([{ key: atom, value }])
        if (key !== null && !key.includes('?')) printed.set(key, call)
      }
      codes[r] = call ? this.initialCallNames.code(call) : CALL_UNREAD
    }
  }

  /** The `'$initial_call'` of row r if resolveInitialCalls found it. */
  knownInitialCall(r: number): string | null {
    const c = this.initialCallCodes?.[r] ?? CALL_UNKNOWN
    return c >= 0 ? this.initialCallNames.values[c] : null
  }

  /** The label of row r (`'$process_label'` or `process_name`) if resolveInitialCalls found one. */
  knownLabel(r: number): string | null {
    const c = this.labelCodes?.[r] ?? -1
    return c >= 0 ? this.labelNames.values[c] : null
  }

  /** row(r) with a proc_lib process's `'$initial_call'` as spawnedAs and its label, when resolved. */
  tableRow(r: number, wordSize: number): DumpProcessRow {
    const p = this.index.procs
    const row = this.row(r, wordSize)
    const label = this.knownLabel(r)
    if (label !== null) row.label = label
    const raw = p.strings[p.spawnedAs[r]]
    if (!PROC_LIB_CALLS.includes(raw)) return row
    const call = this.knownInitialCall(r)
    if (call) {
      row.spawnedVia = raw
      row.spawnedAs = call
    } else row.initialCallUnread = true
    return row
  }

  /** tableRow of each of `rows`, their `'$initial_call'`s read first (within a page's budget). */
  async tableRows(rows: ArrayLike<number>, wordSize: number): Promise<DumpProcessRow[]> {
    await this.resolveInitialCalls(rows, INITIAL_CALL_PAGE_BYTES)
    return Array.from(rows, (r) => this.tableRow(r, wordSize))
  }

  /** Memory of a row in bytes (the estimate when the dump has no Memory: line). */
  private memOf(r: number, wordSize: number): number {
    const p = this.index.procs
    const m = p.memory[r]
    return Number.isNaN(m) ? (p.stackHeap[r] + p.oldHeap[r]) * wordSize : m
  }

  private order(sortBy: ProcessQuery['sortBy'], descending: boolean, wordSize: number): Int32Array {
    const key = `${sortBy}:${descending}`
    if (this.sortCache?.key === key) return this.sortCache.order
    const p = this.index.procs
    const n = p.count
    const order = new Int32Array(n)
    for (let i = 0; i < n; i++) order[i] = i
    let cmp: (a: number, b: number) => number
    const pidKey = (pid: string): number[] => pid.replace(/[<>]/g, '').split('.').map(Number)
    switch (sortBy) {
      case 'messageQueueLength':
        cmp = (a, b) => p.msgq[a] - p.msgq[b]
        break
      case 'reductions':
        cmp = (a, b) => p.reds[a] - p.reds[b]
        break
      case 'stackHeapWords':
        cmp = (a, b) => p.stackHeap[a] - p.stackHeap[b]
        break
      case 'memory': {
        const m = new Float64Array(n)
        for (let i = 0; i < n; i++) m[i] = this.memOf(i, wordSize)
        cmp = (a, b) => m[a] - m[b]
        break
      }
      case 'name':
      case 'state':
      case 'currentFunction': {
        const text = (i: number): string =>
          sortBy === 'name'
            ? (p.name[i] ?? '\uffff')
            : sortBy === 'state'
              ? (p.strings[p.state[i]] ?? '')
              : (p.strings[p.current[i]] ?? '')
        cmp = (a, b) => {
          const x = text(a)
          const y = text(b)
          return x < y ? -1 : x > y ? 1 : 0
        }
        break
      }
      default: {
        const keys = p.pid.map(pidKey)
        cmp = (a, b) => {
          const x = keys[a]
          const y = keys[b]
          for (let k = 0; k < Math.max(x.length, y.length); k++)
            if (x[k] !== y[k]) return (x[k] ?? 0) - (y[k] ?? 0)
          return 0
        }
      }
    }
    const sorted = Array.from(order).sort(
      descending ? (a, b) => cmp(b, a) || a - b : (a, b) => cmp(a, b) || a - b
    )
    const out = Int32Array.from(sorted)
    this.sortCache = { key, order: out }
    return out
  }

  /** Row numbers in the given order (cached for the last order asked). */
  async sortedRows(sortBy: NonNullable<ProcessQuery['sortBy']>, descending: boolean): Promise<Int32Array> {
    return this.order(sortBy, descending, (await this.header()).wordSize)
  }

  async processes(query: ProcessQuery = {}): Promise<ProcessPage> {
    const ws = (await this.header()).wordSize
    const p = this.index.procs
    const offset = Math.max(0, Math.floor(query.offset ?? 0))
    const limit = Math.min(5000, Math.max(0, Math.floor(query.limit ?? 100)))
    const order = this.order(query.sortBy ?? 'pid', query.descending ?? false, ws)
    const filter = query.filter?.trim().toLowerCase() ?? ''
    const states = query.states && query.states.length > 0 ? new Set(query.states) : null
    const inGroup = await this.groupMembership(query.group)
    if (!filter && !states && !inGroup) {
      const page = order.subarray(Math.min(order.length, offset), Math.min(order.length, offset + limit))
      return { total: p.count, matched: p.count, offset, rows: await this.tableRows(page, ws) }
    }
    // the rows matching a filter, in order, are kept for the last query: scrolling a filtered
    // table asks for page after page of the same query
    const key = `${query.sortBy ?? 'pid'}:${query.descending ?? false}|${filter}|${[...(states ?? [])].join(',')}|${JSON.stringify(query.group ?? null)}`
    if (this.matchCache?.key !== key) {
      const hits: number[] = []
      for (let i = 0; i < order.length; i++) {
        const r = order[i]
        if (inGroup && !inGroup(r)) continue
        if (states && !states.has(p.strings[p.state[r]])) continue
        if (filter) {
          const raw = `${p.pid[r]} ${p.name[r] ?? ''} ${p.strings[p.spawnedAs[r]] ?? ''} ${p.strings[p.current[r]] ?? ''} ${this.knownInitialCall(r) ?? ''}`
          const hay = raw.toLowerCase()
          // Elixir names match as written too (`Shop.OrderQueue.loop`)
          const shown = hay.includes('elixir.') ? displayCalls(raw).toLowerCase() : ''
          if (!hay.includes(filter) && !shown.includes(filter)) continue
        }
        hits.push(r)
      }
      this.matchCache = { key, rows: Int32Array.from(hits) }
    }
    const hits = this.matchCache.rows
    const page = hits.subarray(Math.min(hits.length, offset), Math.min(hits.length, offset + limit))
    return { total: p.count, matched: hits.length, offset, rows: await this.tableRows(page, ws) }
  }

  private rowOfPid(pid: string): number {
    return pidRows(this.index.procs).rowOf(pid.trim())
  }

  private async literals(): Promise<HeapLines | undefined> {
    return this.cached('literals', async () => {
      const i = findSection(this.index, 'literals')
      if (i < 0) return undefined
      return parseHeapLines(await this.bodyLatin1(i))
    })
  }

  private binarySection(addr: number): number {
    if (!this.binaryIndex) {
      this.binaryIndex = new Map()
      this.binaryIndexLow = new Map()
      for (const i of sectionsWithTag(this.index, 'binary')) {
        const a = parseInt(this.index.id[i] ?? '', 16)
        if (Number.isNaN(a)) continue
        this.binaryIndex.set(a, i)
        this.binaryIndexLow.set(a % 2 ** 32, i)
      }
    }
    return this.binaryIndex.get(addr) ?? this.binaryIndexLow?.get(addr % 2 ** 32) ?? -1
  }

  /** The `=binary:` section of `addr`, read up to `cap` bytes of its text; null when absent. */
  private async binaryData(addr: number, cap: number): Promise<BinaryData | null> {
    const i = this.binarySection(addr)
    if (i < 0) return null
    const text = (await this.read(this.index.body[i], this.index.end[i], cap)).toString('latin1')
    return parseSizedData(text, this.base64)
  }

  /** Loads the `=binary:` sections a heap refers to, so that decoding stays synchronous. */
  private async binariesFor(heapText: string): Promise<Map<number, BinaryData>> {
    const out = new Map<number, BinaryData>()
    const re = /Y[cs]([0-9A-Fa-f]+):/g
    let m: RegExpExecArray | null
    let loaded = 0
    while ((m = re.exec(heapText)) !== null && loaded < 2000) {
      const addr = parseInt(m[1], 16)
      if (out.has(addr)) continue
      const i = this.binarySection(addr)
      if (i < 0) continue
      const text = (await this.read(this.index.body[i], this.index.end[i], BINARY_READ_CAP)).toString(
        'latin1'
      )
      const d = parseSizedData(text, this.base64)
      if (d) {
        out.set(addr, d)
        loaded++
      }
    }
    return out
  }

  /**
   * proc_lib's `'$initial_call'` and first `'$ancestors'` entry of process row r, read from its
   * dictionary; null when it has no dictionary, or its data is more than `maxBytes` (a big heap is
   * not decoded for a summary).
   */
  private async dictionaryFactsOf(
    r: number,
    maxBytes: number
  ): Promise<{ initialCall: string | null; parent: string | null } | null> {
    const p = this.index.procs
    if (Number.isNaN(p.extraOff[r]) || p.scattered.has(r)) return null
    if (p.extraEnd[r] - p.extraOff[r] > maxBytes) return null
    const extras = splitProcExtras((await this.read(p.extraOff[r], p.extraEnd[r])).toString('latin1'))
    const dict = extras.get('proc_dictionary')
    if (!dict) return null
    const dec = new HeapDecoder({
      heap: parseHeapLines(extras.get('proc_heap') ?? ''),
      literals: await this.literals(),
      binary: () => null,
      base64: this.base64,
      localNode: (await this.header()).nodeName
    })
    const dictionary: NonNullable<DumpProcessDetail['dictionary']> = []
    for (const line of splitLines(dict)) {
      const t = dec.safe(() => dec.term(line))
      if (t.kind === 'tuple' && t.items.length === 2) dictionary.push({ key: t.items[0], value: t.items[1] })
    }
    return { initialCall: dictionaryInitialCall(dictionary), parent: dictionaryParent(dictionary) }
  }

  /**
   * The `Spawned by` line of each of `rows` (null: none, or `[]`). `=proc` sections of neighbouring
   * rows sit next to each other in the file: they are read in runs of up to 1 MiB, not one by one.
   */
  private async spawnedByOf(rows: number[]): Promise<Map<number, string | null>> {
    const p = this.index.procs
    const out = new Map<number, string | null>()
    const sorted = [...rows].sort((a, b) => p.off[a] - p.off[b])
    const key = Buffer.from('\nSpawned by: ')
    for (let i = 0; i < sorted.length;) {
      const start = p.off[sorted[i]]
      let j = i
      let end = p.end[sorted[i]]
      while (
        j + 1 < sorted.length &&
        p.off[sorted[j + 1]] - end < 4096 &&
        p.end[sorted[j + 1]] - start <= RUN_READ_MAX
      ) {
        j++
        end = Math.max(end, p.end[sorted[j]])
      }
      const buf = await this.read(start, end, RUN_READ_MAX)
      for (let k = i; k <= j; k++) {
        const r = sorted[k]
        const from = p.off[r] - start
        const to = Math.min(buf.length, p.end[r] - start)
        const at = buf.indexOf(key, from)
        if (at < 0 || at >= to) {
          out.set(r, null)
          continue
        }
        let eol = buf.indexOf(0x0a, at + key.length)
        if (eol < 0 || eol > to) eol = to
        const v = buf.toString('latin1', at + key.length, eol).trim()
        out.set(r, v === '' || v === '[]' ? null : v)
      }
      i = j + 1
    }
    return out
  }

  /**
   * Every process's initial call (proc_lib ones by their `'$initial_call'`) and parent (first
   * `'$ancestors'` entry, else `Spawned by`), as group numbers; reads beyond the index are capped.
   */
  private async processGroups(): Promise<ProcessGroups> {
    return this.cached('processGroups', async () => {
      const p = this.index.procs
      const n = p.count
      const calls = new Interner()
      const parents = new Interner()
      const callOf = new Int32Array(n)
      const parentOf = new Int32Array(n)
      const reads: DumpGroupReads = {
        dictionaries: 0,
        dictionaryCap: PROC_LIB_RESOLVE_MAX,
        dictionariesSkipped: 0,
        spawnedBy: 0,
        spawnedByCap: SPAWNED_BY_READ_MAX,
        spawnedBySkipped: 0
      }
      const procLib = p.strings.indexOf('proc_lib:init_p/5')
      // a parent is shown by its registered name when it has one, so a '$ancestors' name and a
      // Spawned-by pid of the same process fall in one group
      const parentKey = (who: string | null): string | null => {
        if (!who) return null
        const name = this.nameOfPid(who)
        return name ?? who
      }
      const displayed = new Map<number, string | null>()
      const others: number[] = []
      for (let r = 0; r < n && others.length < SPAWNED_BY_READ_MAX; r++)
        if (p.spawnedAs[r] !== procLib || procLib < 0) others.push(r)
      const spawnedBy = await this.spawnedByOf(others).catch(() => new Map<number, string | null>())
      reads.spawnedBy = others.length
      for (let r = 0; r < n; r++) {
        const k = p.spawnedAs[r]
        let call: string | null
        if (!displayed.has(k)) {
          const raw = p.strings[k]
          displayed.set(k, raw === undefined ? null : displayCalls(raw))
        }
        call = displayed.get(k) ?? null
        let parent: string | null = null
        if (k === procLib && procLib >= 0) {
          if (reads.dictionaries < PROC_LIB_RESOLVE_MAX) {
            reads.dictionaries++
            const facts = await this.dictionaryFactsOf(r, 64 * 1024).catch(() => null)
            if (facts?.initialCall) call = facts.initialCall
            parent = parentKey(facts?.parent ?? null)
            if (!facts) reads.dictionariesSkipped++
          } else reads.dictionariesSkipped++
        } else if (spawnedBy.has(r)) parent = parentKey(spawnedBy.get(r) ?? null)
        else reads.spawnedBySkipped++
        callOf[r] = calls.code(call)
        parentOf[r] = parents.code(parent)
      }
      return { calls: calls.values, parents: parents.values, callOf, parentOf, reads }
    })
  }

  /** A test for the rows of a group, null for no group filter. */
  private async groupMembership(
    group: ProcessGroupFilter | undefined
  ): Promise<((r: number) => boolean) | null> {
    if (!group) return null
    if (
      (group.by !== 'initialCall' && group.by !== 'parent') ||
      !(group.key === null || typeof group.key === 'string')
    )
      throw new AppError('invalid_request', 'A process group is { by: initialCall | parent, key }.')
    const g = await this.processGroups()
    const names = group.by === 'initialCall' ? g.calls : g.parents
    const of = group.by === 'initialCall' ? g.callOf : g.parentOf
    const code = names.indexOf(group.key)
    return code < 0 ? () => false : (r) => of[r] === code
  }

  async process(pid: string, options: ProcessDetailOptions = {}): Promise<DumpProcessDetail> {
    const r = this.rowOfPid(pid)
    if (r < 0) throw new AppError('not_found', `No process ${pid} in this dump.`)
    const header = await this.header()
    const p = this.index.procs
    const procText = decodeText(await this.read(p.off[r], p.end[r]))
    const procBody = procText.slice(procText.indexOf('\n') + 1)
    const parsed = parseProcFields(procBody)
    const notes: string[] = []
    const data = await this.procData(r, header.nodeName)
    const off = Math.max(0, Math.floor(options.messageOffset ?? 0))
    const lim = Math.min(1000, Math.max(0, Math.floor(options.messageLimit ?? 100)))
    const messages = await data.messages(off, lim)
    if (p.msgq[r] > 0 && !data.has('proc_messages'))
      notes.push('The dump does not include this process’s messages.')
    const dictionary = await data.dictionary()
    const stack = await data.stack()
    if (!data.has('proc_heap')) notes.push('The dump does not include this process’s heap.')
    const trunc = this.truncation()
    if (trunc && !Number.isNaN(p.extraEnd[r]) && p.extraEnd[r] >= this.index.size)
      notes.push('The dump was cut inside this process’s data: some terms show as placeholders.')
    const ets = (await this.etsTables()).filter((t) => t.owner === p.pid[r])
    const timers = (await this.timers()).filter(
      (t) => t.owner === p.pid[r] || (p.name[r] !== null && t.owner === p.name[r])
    )
    const row = this.row(r, header.wordSize)
    const initial = dictionary ? dictionaryInitialCall(dictionary) : null
    const spawnedVia = initial && PROC_LIB_CALLS.includes(row.spawnedAs ?? '') ? row.spawnedAs : null
    if (spawnedVia && initial) row.spawnedAs = initial
    return {
      row,
      label: dictionary ? labelFromDictionary(dictionary) : null,
      spawnedVia,
      fields: parsed.fields,
      spawnedBy: parsed.spawnedBy,
      links: parsed.links,
      monitors: parsed.monitors,
      monitoredBy: parsed.monitoredBy,
      messages,
      messagesTotal: data.messageCount,
      messageOffset: off,
      dictionary,
      stack,
      ets,
      timers,
      notes
    }
  }

  private readonly readAt = (off: number, end: number): Promise<Buffer> => this.read(off, end)

  private async heapDecoder(
    heap: HeapLines,
    heapText: string,
    localNode: string | null,
    countWalkLimit?: number
  ): Promise<HeapDecoder> {
    const binaries = await this.binariesFor(heapText)
    return new HeapDecoder({
      heap,
      literals: await this.literals(),
      binary: (a) => binaries.get(a) ?? null,
      base64: this.base64,
      localNode,
      countWalkLimit
    })
  }

  /**
   * A process's messages, dictionary and stack. Its sections are located once (one pass over its
   * data, cached for the last few processes); heap terms are decoded from windows of the heap that
   * start at their roots, so page N of a huge mailbox reads O(page) bytes.
   */
  private async procData(r: number, localNode: string | null): Promise<ProcData> {
    const p = this.index.procs
    if (Number.isNaN(p.extraOff[r])) return this.wholeProcData(r, localNode)
    if (p.scattered.has(r)) return this.wholeProcData(r, localNode)
    let view = this.views.get(r)
    if (view) this.views.delete(r)
    else view = { layout: await scanProcLayout(this.readAt, p.extraOff[r], p.extraEnd[r]), groupPos: null }
    this.views.set(r, view)
    if (this.views.size > PROC_VIEWS) this.views.delete(this.views.keys().next().value as number)
    const v = view
    const layout = v.layout
    if (layout.repeated) return this.wholeProcData(r, localNode)
    const sections = layout.sections
    const heap = sections.get('proc_heap') ?? null
    const text = async (tag: string): Promise<string | null> => {
      const s = sections.get(tag)
      return s ? (await this.read(s.off, s.end)).toString('latin1') : null
    }
    const literals = await this.literals()
    /**
     * Decodes each item (a message line, a dictionary line, a stack line) from a heap window that
     * starts at its root's line; the next items share that window while it holds them whole (the
     * VM wrote their terms one after the other), so a page of small terms reads one window.
     */
    const eachInWindows = async <T>(
      items: string[],
      from: number,
      fn: (dec: HeapDecoder, item: string) => T
    ): Promise<T[]> => {
      const out: T[] = []
      let win: { lines: TrackedLines; dec: HeapDecoder } | null = null
      let searchFrom = from
      for (const item of items) {
        const root = /^(?:[^:]*:)?H([0-9A-Fa-f]+)/.exec(item)?.[1] ?? ''
        if (win && (!root || win.lines.has(parseInt(root, 16)))) {
          win.lines.misses.clear()
          const v = fn(win.dec, item)
          if (!win.lines.missed(literals)) {
            out.push(v)
            continue
          }
        }
        // a literal (`#{}` in a stack frame, say) is in `=literals`: no heap window to look for
        if (!heap || !root || literals?.has(parseInt(root, 16))) {
          out.push(fn(win?.dec ?? (await this.heapDecoder(new Map(), '', localNode)), item))
          continue
        }
        let start = await findHeapLine(this.readAt, root, searchFrom, heap.end)
        if (start < 0 && searchFrom > heap.off)
          start = await findHeapLine(this.readAt, root, heap.off, heap.end)
        // a cut list is counted WINDOW_COUNT_WALK cells far, then its tail shows as too large
        // (reading the whole heap, it was counted to 2M): the window stays a few MiB
        const r: { value: { v: T; dec: HeapDecoder }; lines: TrackedLines } = await decodeInHeapWindow(
          this.readAt,
          heap,
          start < 0 ? heap.off : start,
          literals,
          async (lines, t) => {
            const dec = await this.heapDecoder(lines, t, localNode, WINDOW_COUNT_WALK)
            return { v: fn(dec, item), dec }
          },
          { retryFromStart: start < 0 }
        )
        win = { lines: r.lines, dec: r.value.dec }
        out.push(r.value.v)
        if (start >= 0) searchFrom = start
      }
      return out
    }
    return {
      has: (tag) => sections.has(tag),
      messageCount: layout.messageCount,
      messages: async (from, limit) => {
        const lines = await readMessageLines(this.readAt, layout, from, limit)
        let searchFrom = heap?.off ?? 0
        const g = Math.floor(from / MESSAGE_STEP)
        if (heap && g > 0) {
          v.groupPos ??= await findGroupPositions(this.readAt, heap, layout.groupRoot)
          for (let k = g; k >= 0; k--)
            if (!Number.isNaN(v.groupPos[k])) {
              searchFrom = v.groupPos[k]
              break
            }
        }
        return (await eachInWindows(lines, searchFrom, (dec, line) => decodeMessages(dec, [line]))).flat()
      },
      dictionary: async () => {
        if (v.dictionary !== undefined) return v.dictionary
        const body = await text('proc_dictionary')
        if (body === null) return (v.dictionary = null)
        const lines = splitLines(body)
        // the dictionary's terms are the last ones the VM writes into the heap
        const tail = heap ? Math.max(heap.off, heap.end - (4 << 20)) : 0
        const entries = await eachInWindows(lines, tail, (dec, line) => decodeDictionary(dec, [line]))
        return (v.dictionary = entries.flat())
      },
      stack: async () => {
        if (v.stack !== undefined) return v.stack
        const body = await text('proc_stack')
        if (body === null) return (v.stack = null)
        const frames = await eachInWindows(splitLines(body), heap?.off ?? 0, (dec, line) =>
          parseStack(line, dec)
        )
        return (v.stack = frames.flat())
      }
    }
  }

  /** The old way, for a process whose sections are scattered or repeated: its data read whole. */
  private async wholeProcData(r: number, localNode: string | null): Promise<ProcData> {
    const p = this.index.procs
    let extras = new Map<string, string>()
    if (!Number.isNaN(p.extraOff[r])) {
      const parts = [(await this.read(p.extraOff[r], p.extraEnd[r])).toString('latin1')]
      for (const [o, e] of p.scattered.get(r) ?? []) parts.push((await this.read(o, e)).toString('latin1'))
      extras = splitProcExtras(parts.join(''))
    }
    const heapText = extras.get('proc_heap') ?? ''
    const dec = await this.heapDecoder(parseHeapLines(heapText), heapText, localNode)
    const msgLines = extras.has('proc_messages') ? splitLines(extras.get('proc_messages') ?? '') : []
    const dict = extras.get('proc_dictionary')
    const stack = extras.get('proc_stack')
    return {
      has: (tag) => extras.has(tag),
      messageCount: msgLines.length,
      messages: async (from, limit) => decodeMessages(dec, msgLines.slice(from, from + limit)),
      dictionary: async () => (dict === undefined ? null : decodeDictionary(dec, splitLines(dict))),
      stack: async () => (stack === undefined ? null : parseStack(stack, dec))
    }
  }

  /** Bytes read from the dump file so far (tests count them to check that paging is O(page)). */
  get bytesRead(): number {
    return this.readBytes
  }

  // ---- other sections --------------------------------------------------------------------

  private async all<T>(tag: string, parse: (id: string | null, body: string) => T): Promise<T[]> {
    return this.cached(`all:${tag}`, async () => {
      const out: T[] = []
      for (const i of sectionsWithTag(this.index, tag))
        out.push(parse(this.index.id[i], await this.body(i, 4 << 20)))
      return out
    })
  }

  async etsTables(): Promise<DumpEtsTable[]> {
    const ws = (await this.header()).wordSize
    const rows = await this.all('ets', (id, body) => parseEts(id ?? '', body, ws))
    for (const t of rows) t.ownerName = this.nameOfPid(t.owner)
    return rows
  }

  /** The registered name of a process in this dump, null for none (or no such process). */
  private nameOfPid(pid: string | null): string | null {
    if (!pid) return null
    const r = this.rowOfPid(pid)
    return r >= 0 ? this.index.procs.name[r] : null
  }

  /** The pid registered under `name` in this dump, null for none. */
  private pidOfName(name: string): string | null {
    const p = this.index.procs
    let map = this.cache.get('nameMap') as Map<string, string> | undefined
    if (!map) {
      map = new Map()
      for (let r = 0; r < p.count; r++) {
        const nm = p.name[r]
        if (nm !== null) map.set(nm, p.pid[r])
      }
      this.cache.set('nameMap', map)
    }
    return map.get(name) ?? null
  }

  async timers(): Promise<DumpTimer[]> {
    return this.all('timer', (id, body) => parseTimer(id ?? '', body))
  }

  async ports(): Promise<DumpPort[]> {
    const rows = await this.all('port', (id, body) => parsePort(id ?? '', body))
    for (const port of rows) port.connectedName = this.nameOfPid(port.connected)
    return rows
  }

  async allocators(): Promise<DumpAllocatorInstance[]> {
    return this.all('allocator', (id, body) => parseAllocator(id ?? '', body))
  }

  async atoms(): Promise<string[]> {
    return this.cached('atoms', async () => {
      const i = findSection(this.index, 'atoms')
      return i < 0 ? [] : parseAtoms(await this.body(i))
    })
  }

  /** Every `=mod:` section, largest first (current + old size), with the `=loaded_modules` totals. */
  private async modules(): Promise<{
    currentCode: number | null
    oldCode: number | null
    rows: DumpModule[]
  }> {
    return this.cached('modules', async () => {
      const lm = findSection(this.index, 'loaded_modules')
      const totals = lm < 0 ? { currentCode: null, oldCode: null } : parseLoadedModules(await this.body(lm))
      const rows: DumpModule[] = []
      for (const i of sectionsWithTag(this.index, 'mod'))
        rows.push(parseModule(this.index.id[i] ?? '', await this.body(i, 4 << 20), this.base64))
      const size = (m: DumpModule): number => (m.currentSize ?? 0) + (m.oldSize ?? 0)
      rows.sort((a, b) => size(b) - size(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      return { ...totals, rows }
    })
  }

  /** `=index_table:atom_tab` (size, limit, entries), null when the dump has none. */
  private async atomTable(): Promise<DumpIndexTable | null> {
    const tables = (await this.section('internal_tables')) as Extract<
      DumpSection,
      { kind: 'internal_tables' }
    >
    return tables.indexTables.find((t) => t.name === 'atom_tab') ?? null
  }

  private count(tag: string): number {
    const code = this.index.tags.indexOf(tag)
    if (code < 0) return 0
    let n = 0
    for (let i = 0; i < this.index.count; i++) if (this.index.tag[i] === code) n++
    return n
  }

  async section(kind: SectionKind, query: SectionQuery = {}): Promise<DumpSection> {
    const offset = Math.max(0, query.offset ?? 0)
    const limit = Math.min(10_000, Math.max(0, query.limit ?? 1000))
    const f = query.filter?.trim().toLowerCase() ?? ''
    const page = <T>(rows: T[], text: (t: T) => string): { total: number; rows: T[] } => {
      const m = f ? rows.filter((r) => text(r).toLowerCase().includes(f)) : rows
      return { total: m.length, rows: m.slice(offset, offset + limit) }
    }
    switch (kind) {
      case 'allocators': {
        const instances = await this.allocators()
        return { kind, summary: summarizeAllocators(instances), instances }
      }
      case 'ets': {
        const rows = [...(await this.etsTables())].sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0))
        return {
          kind,
          ...page(rows, (t) => `${t.owner} ${t.ownerName ?? ''} ${t.name} ${t.table}`),
          tablesBytes: rows.reduce((sum, t) => sum + (t.bytes ?? 0), 0),
          memoryEts: (await this.memory()).ets
        }
      }
      case 'ports':
        return {
          kind,
          ...page(
            await this.ports(),
            (t) => `${t.id} ${t.driver} ${t.connected} ${t.connectedName ?? ''} ${t.name}`
          )
        }
      case 'timers':
        return { kind, ...page(await this.timers(), (t) => `${t.owner} ${t.message}`) }
      case 'schedulers': {
        const rows = []
        for (const tag of [
          'scheduler',
          'dirty_cpu_scheduler',
          'dirty_cpu_run_queue',
          'dirty_io_scheduler',
          'dirty_io_run_queue'
        ])
          for (const i of sectionsWithTag(this.index, tag))
            rows.push(parseScheduler(tag, this.index.id[i], await this.body(i)))
        return { kind, rows }
      }
      case 'nodes': {
        const header = await this.header()
        const connections = []
        for (let i = 0; i < this.index.count; i++) {
          const tag = this.index.tags[this.index.tag[i]]
          if (tag === 'visible_node' || tag === 'hidden_node' || tag === 'not_connected')
            connections.push(parseNodeConnection(tag, this.index.id[i] ?? '', await this.body(i)))
        }
        return {
          kind,
          nodes: {
            thisNode: header.nodeName,
            distributed: findSection(this.index, 'no_distribution') < 0,
            connections
          }
        }
      }
      case 'modules': {
        const all = await this.modules()
        const matching = f ? all.rows.filter((m) => m.name.toLowerCase().includes(f)) : all.rows
        return {
          kind,
          total: matching.length,
          modules: {
            currentCode: all.currentCode,
            oldCode: all.oldCode,
            memoryCode: (await this.memory()).code,
            modulesBytes: all.rows.reduce((sum, m) => sum + (m.currentSize ?? 0) + (m.oldSize ?? 0), 0),
            withOldCode: all.rows.filter((m) => (m.oldSize ?? 0) > 0).length,
            modules: matching.slice(offset, offset + limit)
          }
        }
      }
      case 'funs':
        return { kind, ...page(await this.all('fun', (_id, body) => parseFun(body)), (t) => `${t.module}`) }
      case 'atoms': {
        const atoms = await this.atoms()
        const atomTab = await this.atomTable()
        const memory = await this.memory()
        return {
          kind,
          count: atomTab?.entries ?? (await this.header()).atoms,
          limit: atomTab?.limit ?? null,
          memoryAtom: memory.atom,
          memoryAtomUsed: memory.atom_used,
          ...page(atoms, (a) => a)
        }
      }
      case 'persistent_terms': {
        const i = findSection(this.index, 'persistent_terms')
        if (i < 0) return { kind, total: 0, rows: [] }
        const lines = splitLines(await this.bodyLatin1(i))
        const header = await this.header()
        const lits = await this.literals()
        const dec = new HeapDecoder({
          heap: new Map(),
          literals: lits,
          binary: () => null,
          base64: this.base64,
          localNode: header.nodeName
        })
        const rows = lines.slice(offset, offset + limit).map((line) => {
          const k = dec.element(line)
          const value = k.rest.startsWith('|') ? dec.safe(() => dec.term(k.rest.slice(1))) : k.term
          return { key: k.term, value }
        })
        return { kind, total: lines.length, rows }
      }
      case 'internal_tables':
        return this.cached('internal_tables', async () => {
          const hashTables = []
          for (const i of sectionsWithTag(this.index, 'hash_table'))
            hashTables.push(parseHashTable(this.index.id[i] ?? '', await this.body(i)))
          const indexTables = []
          for (const i of sectionsWithTag(this.index, 'index_table'))
            indexTables.push(parseIndexTable(this.index.id[i] ?? '', await this.body(i)))
          const aa = findSection(this.index, 'allocated_areas')
          const allocatedAreas = aa < 0 ? [] : parseAllocatedAreas(await this.body(aa))
          return { kind: 'internal_tables' as const, hashTables, indexTables, allocatedAreas }
        })
      case 'memory': {
        const aa = findSection(this.index, 'allocated_areas')
        return {
          kind,
          memory: await this.memory(),
          allocatedAreas: aa < 0 ? [] : parseAllocatedAreas(await this.body(aa))
        }
      }
      case 'index': {
        const all = []
        for (let i = 0; i < this.index.count; i++)
          all.push({
            tag: this.index.tags[this.index.tag[i]],
            id: this.index.id[i],
            offset: this.index.offset[i],
            length: this.index.end[i] - this.index.offset[i]
          })
        return { kind, ...page(all, (e) => `${e.tag}:${e.id ?? ''}`) }
      }
      default:
        throw new AppError('invalid_request', `Unknown dump section kind '${String(kind)}'.`)
    }
  }

  // ---- summary ---------------------------------------------------------------------------

  async summary(dumpId: string): Promise<DumpSummary> {
    const header = await this.header()
    const ws = header.wordSize
    const memory = await this.memory()
    const p = this.index.procs
    const n = p.count
    const top = (score: (r: number) => number, k = 10): number[] => {
      const best: number[] = []
      for (let r = 0; r < n; r++) {
        const s = score(r)
        if (best.length < k || s > score(best[best.length - 1])) {
          let j = best.length
          while (j > 0 && score(best[j - 1]) < s) j--
          best.splice(j, 0, r)
          if (best.length > k) best.pop()
        }
      }
      return best
    }
    const topMem = top((r) => this.memOf(r, ws))
    const topMbox = top((r) => p.msgq[r]).filter((r) => p.msgq[r] > 0)
    const topBin = top((r) => p.binVHeap[r]).filter((r) => p.binVHeap[r] > 0)
    let memSum = 0
    const states = new Map<string, number>()
    const groups = await this.processGroups()
    const callSums = groups.calls.map(() => ({ count: 0, memoryBytes: 0 }))
    const parentSums = groups.parents.map(() => ({ count: 0, memoryBytes: 0 }))
    for (let r = 0; r < n; r++) {
      const mem = this.memOf(r, ws)
      memSum += mem
      const s = p.strings[p.state[r]] ?? 'unknown'
      states.set(s, (states.get(s) ?? 0) + 1)
      const c = callSums[groups.callOf[r]]
      c.count++
      c.memoryBytes += mem
      const a = parentSums[groups.parentOf[r]]
      a.count++
      a.memoryBytes += mem
    }
    const initialCalls = groups.calls
      .map((call, i) => ({ call, ...callSums[i] }))
      .sort((a, b) => b.count - a.count || b.memoryBytes - a.memoryBytes)
      .slice(0, 12)
    const parents = groups.parents
      .map((parent, i) => ({
        parent,
        pid: parent !== null && !parent.startsWith('<') ? this.pidOfName(parent) : null,
        ...parentSums[i]
      }))
      .sort((a, b) => b.count - a.count || b.memoryBytes - a.memoryBytes)
      .slice(0, 12)
    const ports = await this.ports()
    const byKind: DumpSummary['ports']['byKind'] = { tcp: 0, udp: 0, sctp: 0, file: 0, external: 0, other: 0 }
    const byDriver = new Map<string, number>()
    for (const port of ports) {
      byKind[port.kind]++
      const d = port.driver ?? 'unknown'
      byDriver.set(d, (byDriver.get(d) ?? 0) + 1)
    }
    const ets = await this.etsTables()
    const topEts = [...ets].sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0)).slice(0, 10)
    const atomTab = await this.atomTable()
    const atomCount =
      atomTab?.entries ??
      header.atoms ??
      (findSection(this.index, 'atoms') >= 0 ? (await this.atoms()).length : null)
    const explanation = explainSlogan(header.slogan)
    const findings: string[] = []
    const describe = (r: number): string => {
      const name = p.name[r] ? ` (${displayName(p.name[r])})` : ''
      const raw = p.strings[p.current[r]] ?? p.strings[p.spawnedAs[r]]
      const fn = raw === undefined ? undefined : displayCalls(raw)
      return `${p.pid[r]}${name}${fn ? ` in ${fn}` : ''}`
    }
    // an owner or a port's connected process, with its registered name when the dump has one
    const who = (pid: string | null): string => {
      if (!pid) return 'no process'
      const r = this.rowOfPid(pid)
      return r >= 0 && p.name[r] ? `${pid} (${p.name[r]})` : pid
    }
    if (topMem.length > 0 && memSum > 0) {
      const r = topMem[0]
      const share = this.memOf(r, ws) / memSum
      if (share >= 0.3)
        findings.push(
          `${describe(r)} holds ${Math.round(share * 100)} % of all process memory (${fmtBytes(this.memOf(r, ws))}).`
        )
    }
    if (topMbox.length > 0 && p.msgq[topMbox[0]] >= 1000)
      findings.push(`${describe(topMbox[0])} has ${p.msgq[topMbox[0]]} messages waiting in its mailbox.`)
    const crowd = initialCalls[0]
    if (crowd?.call && crowd.count >= 1000 && crowd.count / n >= 0.5)
      findings.push(
        `${crowd.count.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} processes (${Math.round((crowd.count / n) * 100)} %) were spawned as ${crowd.call}, holding ${fmtBytes(crowd.memoryBytes)} together: a leak of processes or a spawn storm${crowd.call === 'proc_lib:init_p/5' ? ' (proc_lib processes whose $initial_call was not read)' : ''}.`
      )
    const family = parents[0]
    if (family?.parent && family.count >= 1000 && family.count / n >= 0.5)
      findings.push(
        `${family.count.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} processes (${Math.round((family.count / n) * 100)} %) were started by ${family.pid ? `${family.parent} (${family.pid})` : who(family.parent)}, holding ${fmtBytes(family.memoryBytes)} together.`
      )
    if (memory.total && memory.binary && memory.binary / memory.total >= 0.3)
      findings.push(
        `Binaries take ${Math.round((memory.binary / memory.total) * 100)} % of the node’s memory (${fmtBytes(memory.binary)}).`
      )
    const holder = topBin[0]
    const held = holder === undefined ? 0 : p.binVHeap[holder] * ws
    if (memory.binary && held >= 1 << 20 && held / memory.binary >= 0.3)
      findings.push(
        `${describe(holder)} references ${fmtBytes(held)} of refc binaries (${Math.round(Math.min(1, held / memory.binary) * 100)} % of the node’s binary memory): binaries it holds, or garbage it has not collected yet.`
      )
    if (memory.total && memory.ets && memory.ets / memory.total >= 0.3 && topEts[0])
      findings.push(
        `ETS takes ${Math.round((memory.ets / memory.total) * 100)} % of memory; the largest table is ${topEts[0].name ?? topEts[0].table} (${fmtBytes(topEts[0].bytes ?? 0)}), owned by ${who(topEts[0].owner)}.`
      )
    const stuck = ports.reduce<(typeof ports)[number] | null>(
      (best, port) => ((port.queue ?? 0) > (best?.queue ?? 0) ? port : best),
      null
    )
    if (stuck && (stuck.queue ?? 0) >= 1024 * 1024)
      findings.push(
        `Port ${stuck.id} (${stuck.driver ?? 'unknown driver'}) of ${who(stuck.connected)} has ${fmtBytes(stuck.queue ?? 0)} queued${stuck.kind === 'tcp' ? ': its peer was not reading fast enough' : ''}.`
      )
    if (atomTab?.limit && atomTab.entries && atomTab.entries / atomTab.limit >= 0.8)
      findings.push(
        `${
          atomTab.entries >= atomTab.limit
            ? // the VM's own last atoms (written while dumping) can go past the limit
              `The atom table is full (${atomTab.entries.toLocaleString('en-US')} atoms, limit ${atomTab.limit.toLocaleString('en-US')}`
            : `The atom table is ${Math.round((atomTab.entries / atomTab.limit) * 100)} % full (${atomTab.entries.toLocaleString('en-US')} of ${atomTab.limit.toLocaleString('en-US')} atoms`
        }${memory.atom ? `, ${fmtBytes(memory.atom)}` : ''}): atoms are never freed, and the node dies when the table is full. Look for list_to_atom/binary_to_atom on outside input (the Atoms view lists the newest first).`
      )
    if (explanation.category === 'process_heap' && topMem[0] !== undefined)
      findings.unshift(`Likely culprit: ${describe(topMem[0])}, the largest process.`)
    const trunc = this.truncation()
    if (trunc) findings.push(trunc.message)
    return {
      dumpId,
      path: this.path,
      size: this.index.size,
      header,
      explanation,
      truncated: trunc,
      warnings: [...procAnomalies(p), ...memoryAnomalies(memory)],
      memory,
      counts: {
        processes: n,
        ports: this.count('port'),
        ets: this.count('ets'),
        timers: this.count('timer'),
        funs: this.count('fun'),
        atoms: atomCount,
        modules: this.count('mod'),
        binaries: this.count('binary'),
        nodes: this.count('visible_node') + this.count('hidden_node') + this.count('not_connected'),
        connectedNodes: this.count('visible_node') + this.count('hidden_node')
      },
      limits: { atoms: { used: atomCount, limit: atomTab?.limit ?? null } },
      processStates: [...states]
        .map(([state, count]) => ({ state, count }))
        .sort((a, b) => b.count - a.count),
      topByMemory: await this.tableRows(topMem, ws),
      topByMailbox: await this.tableRows(topMbox, ws),
      processMemorySum: memSum,
      ports: {
        total: ports.length,
        byKind,
        byDriver: [...byDriver]
          .map(([driver, count]) => ({ driver, count }))
          .sort((a, b) => b.count - a.count)
      },
      topEts,
      initialCalls,
      topByBinary: topBin.map((r) => {
        const raw = p.strings[p.current[r]] ?? p.strings[p.spawnedAs[r]]
        return {
          pid: p.pid[r],
          name: p.name[r],
          currentFunction: raw === undefined ? null : displayCalls(raw),
          binaryBytes: p.binVHeap[r] * ws
        }
      }),
      initialCallGroups: groups.calls.length,
      parents,
      parentGroups: groups.parents.length,
      groupReads: groups.reads,
      findings
    }
  }
}

interface ProcView {
  layout: ProcLayout
  /** Heap offset of each message group's first heap term, found when a deep page is asked. */
  groupPos: Float64Array | null
  dictionary?: DumpProcessDetail['dictionary']
  stack?: StackFrame[] | null
}

interface ProcData {
  has(tag: string): boolean
  messageCount: number
  messages(from: number, limit: number): Promise<DumpProcessDetail['messages']>
  dictionary(): Promise<DumpProcessDetail['dictionary']>
  stack(): Promise<StackFrame[] | null>
}

/** Message lines (`H7FB8FFFBD4F0:N`: the message, then its seq_trace token) decoded. */
function decodeMessages(dec: HeapDecoder, lines: string[]): DumpProcessDetail['messages'] {
  return lines.map((line) => {
    let token: DumpTerm | undefined
    const term = dec.safe(() => {
      const e = dec.element(line)
      if (e.rest.startsWith(':')) {
        const t = dec.element(e.rest.slice(1)).term
        if (t.kind !== 'nil' && !(t.kind === 'atom' && t.name === 'undefined')) token = t
      }
      return e.term
    })
    return token ? { term, seqTraceToken: token } : { term }
  })
}

function decodeDictionary(dec: HeapDecoder, lines: string[]): NonNullable<DumpProcessDetail['dictionary']> {
  const dictionary: NonNullable<DumpProcessDetail['dictionary']> = []
  for (const line of lines) {
    const t = dec.safe(() => dec.term(line))
    if (t.kind === 'tuple' && t.items.length + (t.more ?? 0) === 2)
      dictionary.push({ key: t.items[0], value: t.items[1] ?? TERM_TOO_LARGE })
    else
      dictionary.push({
        key: t,
        value: { kind: 'missing', reason: 'incomplete_heap', text: "'#CDVIncompleteHeap'" }
      })
  }
  return dictionary
}

export function fmtBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`
}

const dictValue = (d: NonNullable<DumpProcessDetail['dictionary']>, key: string): DumpTerm | null =>
  d.find((e) => e.key.kind === 'atom' && e.key.name === key)?.value ?? null

/** proc_lib's `'$initial_call'` (`{M, F, Arity}`) as `m:f/a`, Elixir modules the Elixir way. */
export function dictionaryInitialCall(d: NonNullable<DumpProcessDetail['dictionary']>): string | null {
  const v = dictValue(d, '$initial_call')
  if (v?.kind !== 'tuple' || v.items.length !== 3) return null
  const [m, f, a] = v.items
  if (m.kind !== 'atom' || f.kind !== 'atom') return null
  const arity =
    a.kind === 'int'
      ? a.value
      : a.kind === 'nil'
        ? '0'
        : a.kind === 'list' && !a.tail
          ? String(a.items.length + (a.more ?? 0))
          : a.kind === 'string'
            ? String([...a.value].length)
            : null
  if (arity === null) return null
  return displayCalls(`${printDumpTerm(m)}:${printDumpTerm(f)}/${arity}`)
}

/** The first of proc_lib's `'$ancestors'` (a registered name or a pid), printed; null for none. */
export function dictionaryParent(d: NonNullable<DumpProcessDetail['dictionary']>): string | null {
  const v = dictValue(d, '$ancestors')
  if (v?.kind !== 'list' || v.items.length === 0) return null
  const first = v.items[0]
  if (first.kind === 'atom') return first.name
  if (first.kind === 'pid') return first.text
  return printDumpTerm(first, { maxLength: 200 })
}

interface ProcessGroups {
  /** Group names (null: not known); callOf[row] and parentOf[row] index them. */
  calls: (string | null)[]
  parents: (string | null)[]
  callOf: Int32Array
  parentOf: Int32Array
  reads: DumpGroupReads
}

/** Strings to small numbers, in first-seen order. */
class Interner {
  readonly values: (string | null)[] = []
  private codes = new Map<string | null, number>()
  code(v: string | null): number {
    let c = this.codes.get(v)
    if (c === undefined) {
      c = this.values.length
      this.values.push(v)
      this.codes.set(v, c)
    }
    return c
  }
}

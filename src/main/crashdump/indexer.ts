/**
 * One streaming pass over a crash dump: large reads, a native search for `\n=`, no per-line
 * strings except inside `=proc:` sections (whose few table fields are read in the same pass).
 * Memory stays flat in the file size: only the index and the process columns grow.
 */
import { open, stat } from 'node:fs/promises'
import { AppError } from '../app-error'
import { PROC_FAMILY, type DumpIndex, type ProcColumns } from './dump-index'
import { decodeText, latin1, parseDecimal } from './text'

export interface IndexOptions {
  signal?: AbortSignal
  /** Called after every read with the bytes read so far. */
  onProgress?: (bytesRead: number, totalBytes: number) => void
  /** Read size (default 8 MiB). Tests use tiny sizes to split sections everywhere. */
  chunkSize?: number
}

const NL_EQ = Buffer.from('\n=')
const MAGIC = '=erl_crash_dump:'
/** A `=proc:` section longer than this is parsed from the file after the pass. */
const PROC_CARRY_LIMIT = 1 << 20
/** A header line longer than this is not a section header. */
const HEADER_LINE_LIMIT = 1 << 16

class Grow64 {
  a: Float64Array
  constructor(cap: number, fill = 0) {
    this.a = new Float64Array(cap)
    if (fill !== 0) this.a.fill(fill)
  }
  ensure(n: number, fill = 0): void {
    if (n <= this.a.length) return
    const b = new Float64Array(Math.max(n, this.a.length * 2))
    b.set(this.a)
    if (fill !== 0) b.fill(fill, this.a.length)
    this.a = b
  }
}
class Grow32 {
  a: Int32Array
  constructor(cap: number) {
    this.a = new Int32Array(cap).fill(-1)
  }
  ensure(n: number): void {
    if (n <= this.a.length) return
    const b = new Int32Array(Math.max(n, this.a.length * 2)).fill(-1)
    b.set(this.a)
    this.a = b
  }
}

// Field keys of `=proc:` sections that the process table needs.
const K_STATE = Buffer.from('State')
const K_NAME = Buffer.from('Name')
const K_SPAWNED_AS = Buffer.from('Spawned as')
const K_CURRENT = Buffer.from('Current call')
const K_LAST_SCHED = Buffer.from('Last scheduled in for')
const K_MSGQ = Buffer.from('Message queue length')
const K_REDS = Buffer.from('Reductions')
const K_STACK_HEAP = Buffer.from('Stack+heap')
const K_OLD_HEAP = Buffer.from('OldHeap')
const K_MEMORY = Buffer.from('Memory')
const K_PC = Buffer.from('Program counter')

function keyIs(buf: Uint8Array, start: number, end: number, key: Buffer): boolean {
  if (end - start !== key.length) return false
  for (let i = 0; i < key.length; i++) if (buf[start + i] !== key[i]) return false
  return true
}

function isTagChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || c === 0x5f || (c >= 0x30 && c <= 0x39)
}

interface Open {
  tag: string
  id: string | null
  start: number
  body: number
  /** Row in the process table for proc-family sections, else the generic section number. */
  row: number
  family: boolean
  isProc: boolean
}

export class IndexBuilder {
  readonly tags: string[] = []
  private readonly tagCodes = new Map<string, number>()
  count = 0
  private tag = new Uint16Array(1024)
  private offset = new Grow64(1024)
  private body = new Grow64(1024)
  private end = new Grow64(1024)
  private ids: (string | null)[] = []

  private pc = 0
  private pid: string[] = []
  private name: (string | null)[] = []
  private state = new Grow32(1024)
  private spawnedAs = new Grow32(1024)
  private current = new Grow32(1024)
  private pcFun = new Grow32(1024)
  private msgq = new Grow64(1024)
  private reds = new Grow64(1024)
  private stackHeap = new Grow64(1024)
  private oldHeap = new Grow64(1024)
  private memory = new Grow64(1024, NaN)
  private poff = new Grow64(1024)
  private pend = new Grow64(1024)
  private extraOff = new Grow64(1024, NaN)
  private extraEnd = new Grow64(1024, NaN)
  private scattered = new Map<number, [number, number][]>()
  private strings: string[] = []
  private stringCodes = new Map<string, number>()
  private pidRows: Map<string, number> | null = null
  private familyCursor = 0
  readonly procFamilyCounts: Record<string, number> = {}
  /** Rows whose `=proc:` section must be read again from the file. */
  readonly deferred: number[] = []

  version = ''
  hasEnd = false
  abortReason: string | null = null
  lastSection: string | null = null
  private lastFamily: { tag: string; row: number; idBytes: string | null } | null = null
  private open: Open | null = null
  private resumeAbs = 0
  private started = false

  /**
   * Consumes `data` (file bytes from `base`). Returns the absolute offset from which bytes must be
   * fed again with the next read (the carry), or the end of data when `eof`.
   */
  feed(data: Buffer, base: number, eof: boolean): number {
    const dataEnd = base + data.length
    let i = Math.max(0, this.resumeAbs - base)
    if (!this.started) {
      let e = data.indexOf(10, 0)
      if (e === -1) {
        if (!eof && data.length < HEADER_LINE_LIMIT) return base
        e = data.length
      }
      this.started = true
      this.openAt(data, 0, e, base)
      i = e
    }
    for (;;) {
      const j = data.indexOf(NL_EQ, i)
      if (j === -1) break
      const s = j + 1
      let e = data.indexOf(10, s)
      if (e === -1) {
        if (!eof && data.length - s < HEADER_LINE_LIMIT) {
          this.resumeAbs = base + j
          return this.carryFrom(base + j, dataEnd)
        }
        e = data.length
      }
      if (!this.isHeader(data, s, e)) {
        i = s
        continue
      }
      this.close(base + s, data, base)
      this.openAt(data, s, e, base)
      i = e
    }
    if (eof) {
      this.close(dataEnd, data, base)
      this.resumeAbs = dataEnd
      return dataEnd
    }
    this.resumeAbs = Math.max(base, dataEnd - 1)
    return this.carryFrom(this.resumeAbs, dataEnd)
  }

  private carryFrom(resume: number, dataEnd: number): number {
    const o = this.open
    if (o && o.isProc && dataEnd - o.start <= PROC_CARRY_LIMIT) return Math.min(resume, o.start)
    return resume
  }

  private isHeader(data: Buffer, s: number, e: number): boolean {
    // `=` then [a-z_0-9]+ then `:` or end of line.
    let k = s + 1
    if (k >= e || !isTagChar(data[k])) return false
    while (k < e && isTagChar(data[k])) k++
    return k === e || data[k] === 0x3a || data[k] === 0x0d
  }

  private tagCode(tag: string): number {
    let c = this.tagCodes.get(tag)
    if (c === undefined) {
      c = this.tags.length
      this.tags.push(tag)
      this.tagCodes.set(tag, c)
    }
    return c
  }

  private intern(s: string): number {
    let c = this.stringCodes.get(s)
    if (c === undefined) {
      c = this.strings.length
      this.strings.push(s)
      this.stringCodes.set(s, c)
    }
    return c
  }

  private openAt(data: Buffer, s: number, e: number, base: number): void {
    let lineEnd = e
    if (lineEnd > s && data[lineEnd - 1] === 0x0d) lineEnd--
    let colon = s + 1
    while (colon < lineEnd && data[colon] !== 0x3a) colon++
    const tag = this.tagText(data, s + 1, colon)
    const start = base + s
    if (
      tag.length >= 4 &&
      tag.charCodeAt(0) === 0x70 &&
      tag !== 'proc' &&
      PROC_FAMILY.has(tag) &&
      colon < lineEnd
    ) {
      // proc_heap / proc_stack / …: find the row from the id bytes without making a string
      this.procFamilyCounts[tag] = (this.procFamilyCounts[tag] ?? 0) + 1
      const row = this.rowOfBytes(data, colon + 1, lineEnd)
      this.lastFamily = { tag, row, idBytes: row < 0 ? latin1(data, colon + 1, lineEnd) : null }
      this.open = {
        tag,
        id: null,
        start,
        body: base + Math.min(e + 1, data.length),
        row,
        family: true,
        isProc: false
      }
      return
    }
    const id = colon < lineEnd ? decodeText(data, colon + 1, lineEnd) : null
    const bodyStart = base + Math.min(e + 1, data.length)
    if (tag === 'end') this.hasEnd = true
    else if (tag === 'abort') this.abortReason = id ?? ''
    else {
      this.lastSection = id === null ? tag : `${tag}:${id}`
      this.lastFamily = null
    }
    if (start === 0 && tag === 'erl_crash_dump') this.version = id ?? ''
    if (PROC_FAMILY.has(tag)) {
      this.procFamilyCounts[tag] = (this.procFamilyCounts[tag] ?? 0) + 1
      const pidText = id ?? ''
      let row: number
      if (tag === 'proc') row = this.newProc(pidText, start)
      else row = this.rowOf(pidText)
      this.open = { tag, id, start, body: bodyStart, row, family: true, isProc: tag === 'proc' }
      return
    }
    const n = this.count++
    if (n >= this.tag.length) {
      const t = new Uint16Array(this.tag.length * 2)
      t.set(this.tag)
      this.tag = t
    }
    this.offset.ensure(n + 1)
    this.body.ensure(n + 1)
    this.end.ensure(n + 1)
    this.tag[n] = this.tagCode(tag)
    this.offset.a[n] = start
    this.body.a[n] = bodyStart
    this.end.a[n] = bodyStart
    this.ids.push(id)
    this.open = { tag, id, start, body: bodyStart, row: n, family: false, isProc: false }
  }

  private newProc(pid: string, start: number): number {
    const r = this.pc++
    const n = r + 1
    this.state.ensure(n)
    this.spawnedAs.ensure(n)
    this.current.ensure(n)
    this.pcFun.ensure(n)
    this.msgq.ensure(n)
    this.reds.ensure(n)
    this.stackHeap.ensure(n)
    this.oldHeap.ensure(n)
    this.memory.ensure(n, NaN)
    this.poff.ensure(n)
    this.pend.ensure(n)
    this.extraOff.ensure(n, NaN)
    this.extraEnd.ensure(n, NaN)
    this.pid.push(pid)
    this.name.push(null)
    this.poff.a[r] = start
    this.pidRows?.set(pid, r)
    return r
  }

  private tagBytes: Buffer[] = []
  private tagStrings: string[] = []
  private tagText(data: Buffer, a: number, b: number): string {
    const n = b - a
    const tb = this.tagBytes
    for (let k = 0; k < tb.length; k++) {
      const t = tb[k]
      if (t.length !== n) continue
      let same = true
      for (let i = 0; i < n; i++)
        if (data[a + i] !== t[i]) {
          same = false
          break
        }
      if (same) return this.tagStrings[k]
    }
    const text = latin1(data, a, b)
    if (tb.length < 64) {
      tb.push(Buffer.from(data.subarray(a, b)))
      this.tagStrings.push(text)
    }
    return text
  }

  private pidIs(r: number, data: Buffer, a: number, b: number): boolean {
    const pid = this.pid[r]
    if (pid.length !== b - a) return false
    for (let i = 0; i < pid.length; i++) if (pid.charCodeAt(i) !== data[a + i]) return false
    return true
  }

  private rowOfBytes(data: Buffer, a: number, b: number): number {
    const c = this.familyCursor
    if (c < this.pc && this.pidIs(c, data, a, b)) return c
    if (c + 1 < this.pc && this.pidIs(c + 1, data, a, b)) return (this.familyCursor = c + 1)
    return this.rowOf(decodeText(data, a, b))
  }

  /** Row of a pid: proc_* sections come in process order, so look near the last hit first. */
  private rowOf(pid: string): number {
    const c = this.familyCursor
    if (c < this.pc && this.pid[c] === pid) return c
    if (c + 1 < this.pc && this.pid[c + 1] === pid) return (this.familyCursor = c + 1)
    if (!this.pidRows) {
      this.pidRows = new Map()
      for (let r = 0; r < this.pc; r++) this.pidRows.set(this.pid[r], r)
    }
    const r = this.pidRows.get(pid)
    if (r === undefined) return -1
    this.familyCursor = r
    return r
  }

  private close(endAbs: number, data: Buffer, base: number): void {
    const o = this.open
    if (!o) return
    this.open = null
    if (!o.family) {
      this.end.a[o.row] = endAbs
      return
    }
    if (o.row < 0) return
    if (o.isProc) {
      this.pend.a[o.row] = endAbs
      if (o.body >= base && endAbs <= base + data.length)
        this.parseProc(data, o.body - base, endAbs - base, o.row)
      else this.deferred.push(o.row)
      return
    }
    const r = o.row
    const eo = this.extraOff.a[r]
    if (Number.isNaN(eo)) {
      this.extraOff.a[r] = o.start
      this.extraEnd.a[r] = endAbs
    } else if (this.extraEnd.a[r] === o.start) {
      this.extraEnd.a[r] = endAbs
    } else {
      let list = this.scattered.get(r)
      if (!list) this.scattered.set(r, (list = []))
      list.push([o.start, endAbs])
    }
  }

  /** Reads the table fields of one `=proc:` body (bytes [start, end) of buf). */
  parseProc(buf: Buffer, start: number, end: number, r: number): void {
    let p = start
    while (p < end) {
      // key up to ':' (or end of line)
      let c = p
      let ch = 0
      while (c < end && (ch = buf[c]) !== 0x3a && ch !== 0x0a) c++
      let nl = c
      while (nl < end && buf[nl] !== 0x0a) nl++
      if (c < nl) this.procField(buf, p, c, nl, r)
      p = nl + 1
    }
  }

  private procField(buf: Buffer, p: number, c: number, nl: number, r: number): void {
    let le = nl
    if (le > p && buf[le - 1] === 0x0d) le--
    const v = c + 2 <= le ? c + 2 : le
    const first = buf[p]
    const klen = c - p
    if (first === 0x53 /* S */) {
      if (klen === 5 && keyIs(buf, p, c, K_STATE)) this.state.a[r] = this.internBytes(0, buf, v, le)
      else if (klen === 10) {
        if (buf[p + 1] === 0x70 && keyIs(buf, p, c, K_SPAWNED_AS))
          this.spawnedAs.a[r] = this.internBytes(1, buf, v, le)
        else if (keyIs(buf, p, c, K_STACK_HEAP)) this.stackHeap.a[r] = parseDecimal(buf, v, le) || 0
      }
    } else if (first === 0x4e && keyIs(buf, p, c, K_NAME)) this.name[r] = decodeText(buf, v, le)
    else if (first === 0x43 && keyIs(buf, p, c, K_CURRENT))
      this.current.a[r] = this.internBytes(2, buf, v, le)
    else if (first === 0x4c && klen === K_LAST_SCHED.length && keyIs(buf, p, c, K_LAST_SCHED)) {
      if (this.current.a[r] < 0) this.current.a[r] = this.internBytes(2, buf, v, le)
    } else if (first === 0x4d) {
      if (klen === 20 && keyIs(buf, p, c, K_MSGQ)) this.msgq.a[r] = parseDecimal(buf, v, le) || 0
      else if (klen === 6 && keyIs(buf, p, c, K_MEMORY)) this.memory.a[r] = parseDecimal(buf, v, le)
    } else if (first === 0x52 && klen === 10 && keyIs(buf, p, c, K_REDS))
      this.reds.a[r] = parseDecimal(buf, v, le) || 0
    else if (first === 0x4f && klen === 7 && keyIs(buf, p, c, K_OLD_HEAP))
      this.oldHeap.a[r] = parseDecimal(buf, v, le) || 0
    else if (first === 0x50 && klen === 15 && keyIs(buf, p, c, K_PC)) {
      // `0x00007fac371e7610 (init:join/1 + 144)`
      let open = v
      while (open < le && buf[open] !== 0x28) open++
      if (open < le) {
        let q = open + 1
        let colon = false
        let slash = false
        while (q < le && buf[q] !== 0x20 && buf[q] !== 0x29) {
          if (buf[q] === 0x3a) colon = true
          else if (buf[q] === 0x2f) slash = true
          q++
        }
        if (colon && slash) this.pcFun.a[r] = this.internBytes(3, buf, open + 1, q)
      }
    }
  }

  /** Interns a short field value; per field, the last value's bytes are kept to skip repeats. */
  private lastBytes = [Buffer.alloc(256), Buffer.alloc(256), Buffer.alloc(256), Buffer.alloc(256)]
  private lastLen = [-1, -1, -1, -1]
  private lastCode = [-1, -1, -1, -1]
  private internBytes(field: number, buf: Buffer, a: number, b: number): number {
    const n = b - a
    const last = this.lastBytes[field]
    if (n === this.lastLen[field]) {
      let same = true
      for (let i = 0; i < n; i++)
        if (buf[a + i] !== last[i]) {
          same = false
          break
        }
      if (same) return this.lastCode[field]
    }
    const code = this.intern(decodeText(buf, a, b))
    if (n <= 256) {
      buf.copy(last, 0, a, b)
      this.lastLen[field] = n
      this.lastCode[field] = code
    } else this.lastLen[field] = -1
    return code
  }

  /** Body range of a `=proc:` section (for rows parsed after the pass). */
  finishRowRange(row: number): { body: number; end: number } {
    const start = this.poff.a[row]
    return {
      body: start + '=proc:'.length + Buffer.byteLength(this.pid[row], 'latin1') + 1,
      end: this.pend.a[row]
    }
  }

  finish(path: string, size: number, indexMs: number): DumpIndex {
    this.close(size, Buffer.alloc(0), size)
    if (this.lastFamily) {
      const f = this.lastFamily
      this.lastSection = `${f.tag}:${f.idBytes ?? this.pid[f.row]}`
    }
    const n = this.pc
    const current = this.current.a.subarray(0, n).slice()
    const pcFun = this.pcFun.a
    for (let r = 0; r < n; r++) if (current[r] < 0) current[r] = pcFun[r]
    const procs: ProcColumns = {
      count: n,
      pid: this.pid,
      name: this.name,
      state: this.state.a.slice(0, n),
      spawnedAs: this.spawnedAs.a.slice(0, n),
      current,
      msgq: this.msgq.a.slice(0, n),
      reds: this.reds.a.slice(0, n),
      stackHeap: this.stackHeap.a.slice(0, n),
      oldHeap: this.oldHeap.a.slice(0, n),
      memory: this.memory.a.slice(0, n),
      off: this.poff.a.slice(0, n),
      end: this.pend.a.slice(0, n),
      extraOff: this.extraOff.a.slice(0, n),
      extraEnd: this.extraEnd.a.slice(0, n),
      scattered: this.scattered,
      strings: this.strings
    }
    return {
      path,
      size,
      version: this.version,
      tags: this.tags,
      count: this.count,
      tag: this.tag.slice(0, this.count),
      offset: this.offset.a.slice(0, this.count),
      body: this.body.a.slice(0, this.count),
      end: this.end.a.slice(0, this.count),
      id: this.ids,
      procs,
      procFamilyCounts: this.procFamilyCounts,
      hasEnd: this.hasEnd,
      abortReason: this.abortReason,
      lastSection: this.lastSection,
      indexMs
    }
  }
}

function describeNonDump(head: Buffer): string {
  if (head.length === 0) return 'the file is empty'
  if (head[0] === 0x1f && head[1] === 0x8b) return 'it is gzip-compressed (gunzip it first)'
  if (head[0] === 0x50 && head[1] === 0x4b) return 'it is a zip archive (extract the dump first)'
  if (head[0] === 0x89 && latin1(head, 1, 4) === 'PNG') return 'it is a PNG image'
  if (head[0] === 0xff && head[1] === 0xd8) return 'it is a JPEG image'
  if (latin1(head, 0, 4) === '%PDF') return 'it is a PDF document'
  const text = latin1(head, 0, Math.min(40, head.length)).replace(/[^\x20-\x7e]/g, '?')
  return `it starts with "${text}" instead of "${MAGIC}"`
}

/** Indexes the dump at `path`. Throws AppError not_found / not_a_dump / dump_io / dump_cancelled. */
export async function indexDumpFile(path: string, options: IndexOptions = {}): Promise<DumpIndex> {
  const t0 = performance.now()
  const chunkSize = Math.max(16, options.chunkSize ?? 8 << 20)
  let size: number
  try {
    const st = await stat(path)
    if (st.isDirectory()) throw new AppError('not_a_dump', `${path} is a folder, not an Erlang crash dump.`)
    if (!st.isFile())
      throw new AppError('not_a_dump', `${path} is not a regular file, so it is not an Erlang crash dump.`)
    size = st.size
  } catch (error) {
    throw ioError(error, path)
  }
  if (size === 0) throw new AppError('not_a_dump', `${path} is not an Erlang crash dump: the file is empty.`)
  let fh
  try {
    fh = await open(path, 'r')
  } catch (error) {
    throw ioError(error, path)
  }
  try {
    const builder = new IndexBuilder()
    let pos = 0
    // One work buffer: the carry (the unfinished tail of the last read) is moved to its start
    // and the next read lands right after it, so nothing is concatenated.
    let work = Buffer.allocUnsafe(chunkSize + PROC_CARRY_LIMIT + HEADER_LINE_LIMIT + 16)
    let carryLen = 0
    let carryBase = 0
    while (pos < size) {
      if (options.signal?.aborted) throw new AppError('dump_cancelled', `Reading ${path} was cancelled.`)
      const want = Math.min(chunkSize, size - pos)
      if (carryLen + want > work.length) {
        const bigger = Buffer.allocUnsafe(carryLen + want)
        work.copy(bigger, 0, 0, carryLen)
        work = bigger
      }
      let got = 0
      while (got < want) {
        const { bytesRead } = await fh.read(work, carryLen + got, want - got, pos + got)
        if (bytesRead === 0) break
        got += bytesRead
      }
      if (got === 0) break
      if (pos === 0) {
        const head = work.subarray(0, Math.min(got, MAGIC.length))
        if (
          latin1(head, 0, head.length) !== MAGIC.slice(0, head.length) ||
          (head.length < MAGIC.length && size > head.length)
        )
          throw new AppError(
            'not_a_dump',
            `${path} is not an Erlang crash dump: ${describeNonDump(work.subarray(0, Math.min(got, 64)))}.`
          )
      }
      const base: number = carryLen > 0 ? carryBase : pos
      const data = work.subarray(0, carryLen + got)
      pos += got
      const eof = pos >= size
      const next = builder.feed(data, base, eof)
      carryLen = Math.max(0, base + data.length - next)
      if (carryLen > 0) work.copyWithin(0, next - base, data.length)
      carryBase = next
      options.onProgress?.(pos, size)
    }
    if (pos === 0) throw new AppError('not_a_dump', `${path} is not an Erlang crash dump: the file is empty.`)
    if (builder.version === '' && builder.count === 0)
      throw new AppError('not_a_dump', `${path} is not an Erlang crash dump.`)
    for (const row of builder.deferred) {
      const idx = builder.finishRowRange(row)
      const len = Math.min(idx.end - idx.body, 64 << 20)
      const buf = Buffer.allocUnsafe(len)
      const { bytesRead } = await fh.read(buf, 0, len, idx.body)
      builder.parseProc(buf, 0, bytesRead, row)
    }
    return builder.finish(path, pos, performance.now() - t0)
  } catch (error) {
    throw ioError(error, path)
  } finally {
    await fh.close()
  }
}

export function ioError(error: unknown, path: string): AppError {
  if (error instanceof AppError) return error
  const code = (error as NodeJS.ErrnoException)?.code
  if (code === 'ENOENT') return new AppError('not_found', `No file at ${path}.`)
  if (code === 'EISDIR') return new AppError('not_a_dump', `${path} is a folder, not an Erlang crash dump.`)
  if (code === 'EACCES' || code === 'EPERM') return new AppError('dump_io', `No permission to read ${path}.`)
  const message = error instanceof Error ? error.message : String(error)
  return new AppError('dump_io', `Could not read ${path}: ${message}`)
}

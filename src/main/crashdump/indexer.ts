/**
 * One streaming pass over a crash dump: large reads (the next one in flight while the current
 * chunk is scanned), a native search for `=` (rare in dumps, so cheaper than a search for `\n=`),
 * no per-line strings except inside `=proc:` sections (whose few table fields are read in the
 * same pass). Memory stays flat in the file size: only the index and the process columns grow.
 */
import { open, stat, type FileHandle } from 'node:fs/promises'
import { AppError } from '../app-error'
import { PROC_FAMILY, type DumpIndex, type ProcColumns, type SectionColumns } from './dump-index'
import { FamilyLog } from './family-log'
import type { PartIndex } from './part-index'
import { canonicalStrings } from './proc-strings'
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

const EMPTY = Buffer.alloc(0)
/**
 * A search for `=` that finds more than 256 + 1 per 512 bytes of `=` not at a line start within
 * one read falls back to the search for `\n=` for the rest of that read (a dump full of `=`
 * costs at most about that many extra calls).
 */
const EQ_MISS_SHIFT = 9

function grow64(a: Float64Array<ArrayBuffer>, n: number, fill = 0): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n)
  b.set(a)
  if (fill !== 0) b.fill(fill, a.length)
  return b
}
function grow32(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n).fill(-1)
  b.set(a)
  return b
}

/** End of the line starting at `s` (the index of its `\n`), or -1. Header lines are short. */
function lineEnd(data: Buffer, s: number): number {
  const lim = Math.min(data.length, s + 128)
  for (let q = s; q < lim; q++) if (data[q] === 0x0a) return q
  return lim < data.length ? data.indexOf(10, lim) : -1
}

// Field keys of `=proc:` sections that the process table needs, each followed by `:`.
const F_STATE = 0
const F_NAME = 1
const F_SPAWNED_AS = 2
const F_CURRENT = 3
const F_LAST_SCHED = 4
const F_MSGQ = 5
const F_REDS = 6
const F_STACK_HEAP = 7
const F_OLD_HEAP = 8
const F_MEMORY = 9
const F_PC = 10
const F_BIN_VHEAP = 11
const F_OLD_BIN_VHEAP = 12
const KEYS = [
  'State',
  'Name',
  'Spawned as',
  'Current call',
  'Last scheduled in for',
  'Message queue length',
  'Reductions',
  'Stack+heap',
  'OldHeap',
  'Memory',
  'Program counter',
  'BinVHeap',
  'OldBinVHeap'
].map((k) => Buffer.from(`${k}:`))
const KEY_LEN = KEYS.map((k) => k.length - 1)
/** Candidate fields by the first byte of a line. */
const BY_FIRST: number[][] = []
for (let f = 0; f < KEYS.length; f++) (BY_FIRST[KEYS[f][0]] ??= []).push(f)

function isTagChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || c === 0x5f || (c >= 0x30 && c <= 0x39)
}

/** A section tag seen in the dump, matched by its bytes (the first 64 tags, and every proc_* tag). */
interface Tag {
  bytes: Buffer
  text: string
  /** 0: not a process section, 1: `proc`, 2: another `proc_*` tag. */
  fam: number
  /** Code in `tags`, -1 until a section with this tag is listed. */
  code: number
  /** Sections counted, for `proc_*` tags. */
  count: number
}

// What the open section is.
const NONE = 0
const LISTED = 1
const PROC = 2
const FAMILY = 3

export class IndexBuilder {
  /**
   * Part mode (one part of a dump indexed on its own): `proc_*` sections are listed in this log
   * instead of mapped to rows, since their process may be in an earlier part.
   */
  private readonly familyLog: FamilyLog | null
  constructor(partMode = false) {
    this.familyLog = partMode ? new FamilyLog() : null
  }

  readonly tags: string[] = []
  private readonly tagCodes = new Map<string, number>()
  count = 0
  private cap = 1024
  private tag = new Uint16Array(1024)
  private offset = new Float64Array(1024)
  private body = new Float64Array(1024)
  private end = new Float64Array(1024)
  private ids: (string | null)[] = []

  private pc = 0
  private pcap = 1024
  private pid: string[] = []
  private name: (string | null)[] = []
  private state = new Int32Array(1024).fill(-1)
  private spawnedAs = new Int32Array(1024).fill(-1)
  private current = new Int32Array(1024).fill(-1)
  private pcFun = new Int32Array(1024).fill(-1)
  private msgq = new Float64Array(1024)
  private reds = new Float64Array(1024)
  private stackHeap = new Float64Array(1024)
  private oldHeap = new Float64Array(1024)
  private binVHeap = new Float64Array(1024)
  private memory = new Float64Array(1024).fill(NaN)
  private poff = new Float64Array(1024)
  private pend = new Float64Array(1024)
  private extraOff = new Float64Array(1024).fill(NaN)
  private extraEnd = new Float64Array(1024).fill(NaN)
  private scattered = new Map<number, [number, number][]>()
  private strings: string[] = []
  private stringCodes = new Map<string, number>()
  private pidRows: Map<string, number> | null = null
  private familyCursor = 0
  /** proc_* tags in the order first seen (their counts are in the Tag). */
  private familyTags: Tag[] = []
  /** Rows whose `=proc:` section must be read again from the file. */
  readonly deferred: number[] = []

  version = ''
  hasEnd = false
  abortReason: string | null = null
  // The last section, made into text by finish(): a listed/proc section, or a proc_* one after it.
  private lastTag: string | null = null
  private lastId: string | null = null
  private lastFamilyTag: string | null = null
  private lastFamilyRow = -1
  private lastFamilyId: string | null = null
  // The open section.
  private oKind = NONE
  private oStart = 0
  private oBody = 0
  private oRow = 0
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
    // `\n=` at j >= i: a `=` at j + 1 after a newline.
    let misses = 256 + (data.length >> EQ_MISS_SHIFT)
    let byEq = true
    for (;;) {
      let j: number
      if (byEq) {
        const k = data.indexOf(0x3d, i + 1)
        if (k === -1) break
        if (data[k - 1] !== 0x0a) {
          i = k
          if (--misses < 0) byEq = false
          continue
        }
        j = k - 1
      } else {
        j = data.indexOf(NL_EQ, i)
        if (j === -1) break
      }
      const s = j + 1
      let e = lineEnd(data, s)
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
    if (this.oKind === PROC && dataEnd - this.oStart <= PROC_CARRY_LIMIT) return Math.min(resume, this.oStart)
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

  private byLen: (Tag[] | undefined)[] = []
  private tagsKept = 0
  private tagOf(data: Buffer, a: number, b: number): Tag {
    const n = b - a
    const bucket = this.byLen[n & 63]
    if (bucket !== undefined)
      for (let k = 0; k < bucket.length; k++) {
        const tb = bucket[k].bytes
        if (tb.length !== n) continue
        let i = 0
        while (i < n && data[a + i] === tb[i]) i++
        if (i === n) return bucket[k]
      }
    const text = latin1(data, a, b)
    const fam = PROC_FAMILY.has(text) ? (text === 'proc' ? 1 : 2) : 0
    const keep = this.tagsKept < 64 || fam !== 0
    const t: Tag = { bytes: keep ? Buffer.from(data.subarray(a, b)) : EMPTY, text, fam, code: -1, count: 0 }
    if (keep) {
      this.tagsKept++
      ;(this.byLen[n & 63] ??= []).push(t)
    }
    return t
  }

  private countFamily(t: Tag): void {
    if (t.count++ === 0) this.familyTags.push(t)
  }

  private openAt(data: Buffer, s: number, e: number, base: number): void {
    let lineEnd = e
    if (lineEnd > s && data[lineEnd - 1] === 0x0d) lineEnd--
    let colon = s + 1
    while (colon < lineEnd && data[colon] !== 0x3a) colon++
    const t = this.tagOf(data, s + 1, colon)
    const start = base + s
    const bodyStart = base + Math.min(e + 1, data.length)
    if (t.fam === 2 && colon < lineEnd) {
      // proc_heap / proc_stack / …: find the row from the id bytes without making a string
      this.countFamily(t)
      this.lastFamilyTag = t.text
      if (this.familyLog) {
        // the merge names the last section from the log's last entry
        this.familyLog.open(start, this.pc, data, colon + 1, lineEnd)
        this.oKind = FAMILY
        this.oStart = start
        this.oBody = bodyStart
        this.oRow = -1
        return
      }
      const row = this.rowOfBytes(data, colon + 1, lineEnd)
      this.lastFamilyRow = row
      this.lastFamilyId = row < 0 ? latin1(data, colon + 1, lineEnd) : null
      this.oKind = FAMILY
      this.oStart = start
      this.oBody = bodyStart
      this.oRow = row
      return
    }
    const tag = t.text
    const id = colon < lineEnd ? decodeText(data, colon + 1, lineEnd) : null
    if (tag === 'end') this.hasEnd = true
    else if (tag === 'abort') this.abortReason = id ?? ''
    else {
      this.lastTag = tag
      this.lastId = id
      this.lastFamilyTag = null
    }
    if (start === 0 && tag === 'erl_crash_dump') this.version = id ?? ''
    if (t.fam !== 0) {
      this.countFamily(t)
      const pidText = id ?? ''
      this.oKind = t.fam === 1 ? PROC : FAMILY
      if (t.fam !== 1 && this.familyLog) {
        this.familyLog.open(start, this.pc, EMPTY, 0, 0)
        this.oRow = -1
      } else this.oRow = t.fam === 1 ? this.newProc(pidText, start) : this.rowOf(pidText)
      this.oStart = start
      this.oBody = bodyStart
      return
    }
    const n = this.count++
    if (n >= this.cap) {
      const c = this.cap * 2
      const t2 = new Uint16Array(c)
      t2.set(this.tag)
      this.tag = t2
      this.offset = grow64(this.offset, c)
      this.body = grow64(this.body, c)
      this.end = grow64(this.end, c)
      this.cap = c
    }
    this.tag[n] = t.code >= 0 ? t.code : (t.code = this.tagCode(tag))
    this.offset[n] = start
    this.body[n] = bodyStart
    this.end[n] = bodyStart
    this.ids.push(id)
    this.oKind = LISTED
    this.oStart = start
    this.oBody = bodyStart
    this.oRow = n
  }

  private newProc(pid: string, start: number): number {
    const r = this.pc++
    if (r >= this.pcap) {
      const c = this.pcap * 2
      this.state = grow32(this.state, c)
      this.spawnedAs = grow32(this.spawnedAs, c)
      this.current = grow32(this.current, c)
      this.pcFun = grow32(this.pcFun, c)
      this.msgq = grow64(this.msgq, c)
      this.reds = grow64(this.reds, c)
      this.stackHeap = grow64(this.stackHeap, c)
      this.oldHeap = grow64(this.oldHeap, c)
      this.binVHeap = grow64(this.binVHeap, c)
      this.memory = grow64(this.memory, c, NaN)
      this.poff = grow64(this.poff, c)
      this.pend = grow64(this.pend, c)
      this.extraOff = grow64(this.extraOff, c, NaN)
      this.extraEnd = grow64(this.extraEnd, c, NaN)
      this.pcap = c
    }
    this.pid.push(pid)
    this.name.push(null)
    this.poff[r] = start
    this.pidRows?.set(pid, r)
    return r
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
    const kind = this.oKind
    if (kind === NONE) return
    this.oKind = NONE
    const r = this.oRow
    if (kind === LISTED) {
      this.end[r] = endAbs
      return
    }
    if (kind === FAMILY && this.familyLog) {
      this.familyLog.close(endAbs)
      return
    }
    if (r < 0) return
    if (kind === PROC) {
      this.pend[r] = endAbs
      if (this.oBody >= base && endAbs <= base + data.length)
        this.parseProc(data, this.oBody - base, endAbs - base, r)
      else this.deferred.push(r)
      return
    }
    const start = this.oStart
    const eo = this.extraOff[r]
    if (Number.isNaN(eo)) {
      this.extraOff[r] = start
      this.extraEnd[r] = endAbs
    } else if (this.extraEnd[r] === start) {
      this.extraEnd[r] = endAbs
    } else {
      let list = this.scattered.get(r)
      if (!list) this.scattered.set(r, (list = []))
      list.push([start, endAbs])
    }
  }

  /** Reads the table fields of one `=proc:` body (bytes [start, end) of buf). */
  parseProc(buf: Buffer, start: number, end: number, r: number): void {
    let p = start
    while (p < end) {
      // a needed key is the line's bytes up to its first `:`
      let f = -1
      const cands = BY_FIRST[buf[p]]
      if (cands !== undefined)
        for (let x = 0; x < cands.length; x++) {
          const key = KEYS[cands[x]]
          const kl = key.length
          if (p + kl > end) continue
          let i = 1
          while (i < kl && buf[p + i] === key[i]) i++
          if (i === kl) {
            f = cands[x]
            break
          }
        }
      // native search: lines average ~25 bytes, where it beats a byte loop
      let nl = buf.indexOf(0x0a, f < 0 ? p : p + KEY_LEN[f] + 1)
      if (nl < 0 || nl > end) nl = end
      if (f >= 0) this.procField(f, buf, p + KEY_LEN[f], nl, r)
      p = nl + 1
    }
  }

  /** One needed field: its `:` at c, the line ends at nl. */
  private procField(f: number, buf: Buffer, c: number, nl: number, r: number): void {
    let le = nl
    if (buf[le - 1] === 0x0d) le--
    const v = c + 2 <= le ? c + 2 : le
    switch (f) {
      case F_STATE:
        this.state[r] = this.internBytes(0, buf, v, le)
        break
      case F_SPAWNED_AS:
        this.spawnedAs[r] = this.internBytes(1, buf, v, le)
        break
      case F_STACK_HEAP:
        this.stackHeap[r] = parseDecimal(buf, v, le) || 0
        break
      case F_NAME:
        this.name[r] = decodeText(buf, v, le)
        break
      case F_CURRENT:
        this.current[r] = this.internBytes(2, buf, v, le)
        break
      case F_LAST_SCHED:
        if (this.current[r] < 0) this.current[r] = this.internBytes(2, buf, v, le)
        break
      case F_MSGQ:
        this.msgq[r] = parseDecimal(buf, v, le) || 0
        break
      case F_MEMORY:
        this.memory[r] = parseDecimal(buf, v, le)
        break
      case F_REDS:
        this.reds[r] = parseDecimal(buf, v, le) || 0
        break
      case F_OLD_HEAP:
        this.oldHeap[r] = parseDecimal(buf, v, le) || 0
        break
      case F_BIN_VHEAP:
      case F_OLD_BIN_VHEAP:
        this.binVHeap[r] += parseDecimal(buf, v, le) || 0
        break
      case F_PC: {
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
          if (colon && slash) this.pcFun[r] = this.internBytes(3, buf, open + 1, q)
        }
        break
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
    const start = this.poff[row]
    return {
      body: start + '=proc:'.length + Buffer.byteLength(this.pid[row], 'latin1') + 1,
      end: this.pend[row]
    }
  }

  /** The process columns, `current` falling back to the program counter's function. */
  private procColumns(): ProcColumns {
    const n = this.pc
    const current = this.current.slice(0, n)
    const pcFun = this.pcFun
    for (let r = 0; r < n; r++) if (current[r] < 0) current[r] = pcFun[r]
    return {
      count: n,
      pid: this.pid,
      name: this.name,
      state: this.state.slice(0, n),
      spawnedAs: this.spawnedAs.slice(0, n),
      current,
      msgq: this.msgq.slice(0, n),
      reds: this.reds.slice(0, n),
      stackHeap: this.stackHeap.slice(0, n),
      oldHeap: this.oldHeap.slice(0, n),
      binVHeap: this.binVHeap.slice(0, n),
      memory: this.memory.slice(0, n),
      off: this.poff.slice(0, n),
      end: this.pend.slice(0, n),
      extraOff: this.extraOff.slice(0, n),
      extraEnd: this.extraEnd.slice(0, n),
      scattered: this.scattered,
      strings: this.strings
    }
  }

  private familyCounts(): [string, number][] {
    return this.familyTags.map((t) => [t.text, t.count])
  }

  finish(path: string, size: number, indexMs: number): DumpIndex {
    this.close(size, EMPTY, size)
    let lastSection: string | null
    if (this.lastFamilyTag !== null)
      lastSection = `${this.lastFamilyTag}:${this.lastFamilyId ?? this.pid[this.lastFamilyRow]}`
    else if (this.lastTag === null) lastSection = null
    else lastSection = this.lastId === null ? this.lastTag : `${this.lastTag}:${this.lastId}`
    const procs = this.procColumns()
    // string codes in an order that does not depend on when each =proc: section was parsed
    procs.strings = canonicalStrings([procs.state, procs.spawnedAs, procs.current], this.strings, procs.count)
    return {
      path,
      size,
      version: this.version,
      ...this.sectionColumns(),
      procs,
      procFamilyCounts: Object.fromEntries(this.familyCounts()),
      hasEnd: this.hasEnd,
      abortReason: this.abortReason,
      lastSection,
      indexMs
    }
  }

  /** The listed sections so far, trimmed to their count. */
  private sectionColumns(): SectionColumns {
    const n = this.count
    return {
      tags: this.tags,
      count: n,
      tag: this.tag.slice(0, n),
      offset: this.offset.slice(0, n),
      body: this.body.slice(0, n),
      end: this.end.slice(0, n),
      id: this.ids
    }
  }

  /** The index of one part [from, to) in part mode, for `merge-parts.ts`. */
  finishPart(from: number, to: number): PartIndex {
    this.close(to, EMPTY, to)
    const { extraOff: _o, extraEnd: _e, scattered: _s, ...procs } = this.procColumns()
    return {
      from,
      to,
      version: this.version,
      ...this.sectionColumns(),
      procs,
      family: (this.familyLog as FamilyLog).data(),
      familyCounts: this.familyCounts(),
      hasEnd: this.hasEnd,
      abortReason: this.abortReason,
      lastTag: this.lastTag,
      lastId: this.lastId,
      lastFamilyTag: this.lastFamilyTag
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
  // never the file's own bytes: the path may be any file the user has (a cookie, a key)
  return `it does not start with "${MAGIC}"`
}

/** Size of the regular file at `path`. Throws AppError not_found / not_a_dump / dump_io. */
export async function dumpFileSize(path: string): Promise<number> {
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
  return size
}

export interface RangeScanOptions {
  signal?: AbortSignal
  /** Called after every read with the bytes of the range read so far. */
  onProgress?: (bytesRead: number) => void
  chunkSize?: number
  /**
   * Read buffers to reuse from one range to the next on a thread (empty at first: filled here),
   * which spares a large allocation, and the collections it brings, per range.
   */
  buffers?: Buffer[]
}

/**
 * Feeds the bytes [from, to) of the file to `builder` (the range starts at a section header, or
 * at 0), then parses the `=proc:` sections it deferred. Returns where reading stopped (`to`, or
 * earlier when the file is shorter). Checks the magic line when the range starts at 0.
 */
export async function scanRange(
  fh: FileHandle,
  path: string,
  builder: IndexBuilder,
  from: number,
  to: number,
  options: RangeScanOptions = {}
): Promise<number> {
  // a small range (a part of a small dump) needs no more than its own size
  const chunkSize = Math.max(16, Math.min(options.chunkSize ?? 8 << 20, to - from))
  let pending: Promise<number> | null = null
  try {
    let pos = from
    // Two buffers: the next read fills one while the current chunk is scanned in the other. Each
    // read lands after a reserved head where the carry (the unfinished tail of the last chunk)
    // is copied, so the carry and the new bytes are one run and nothing is concatenated.
    const head = Math.min(PROC_CARRY_LIMIT + HEADER_LINE_LIMIT, to - from) + 16
    const bufs = options.buffers ?? []
    for (let k = 0; k < 2; k++)
      if (!(bufs[k]?.length >= head + chunkSize)) bufs[k] = Buffer.allocUnsafe(head + chunkSize)
    const readChunk = async (buf: Buffer, at: number): Promise<number> => {
      const want = Math.min(chunkSize, to - at)
      let got = 0
      while (got < want) {
        const { bytesRead } = await fh.read(buf, head + got, want - got, at + got)
        if (bytesRead === 0) break
        got += bytesRead
      }
      return got
    }
    let cur = 0
    let carry: Buffer = Buffer.alloc(0)
    let carryBase = from
    pending = readChunk(bufs[0], from)
    while (pos < to) {
      if (options.signal?.aborted) throw new AppError('dump_cancelled', `Reading ${path} was cancelled.`)
      const got = await (pending as Promise<number>)
      pending = null
      if (got === 0) break
      const buf = bufs[cur]
      if (pos === 0) {
        const h = buf.subarray(head, head + Math.min(got, MAGIC.length))
        const start = latin1(h, 0, h.length)
        if (start !== MAGIC) {
          // a file shorter than the magic line is not a dump, even when it is a prefix of one
          const why =
            start === MAGIC.slice(0, h.length)
              ? `it stops after ${h.length} bytes, inside the "${MAGIC}" line a dump begins with`
              : describeNonDump(buf.subarray(head, head + Math.min(got, 64)))
          throw new AppError('not_a_dump', `${path} is not an Erlang crash dump: ${why}.`)
        }
      }
      let data: Buffer
      let base: number
      if (carry.length === 0) {
        data = buf.subarray(head, head + got)
        base = pos
      } else if (carry.length <= head) {
        carry.copy(buf, head - carry.length)
        data = buf.subarray(head - carry.length, head + got)
        base = carryBase
      } else {
        data = Buffer.concat([carry, buf.subarray(head, head + got)])
        base = carryBase
      }
      pos += got
      // the carry is out of the other buffer now: the next read may fill it
      cur ^= 1
      if (pos < to) pending = readChunk(bufs[cur], pos)
      const next = builder.feed(data, base, pos >= to)
      carry = data.subarray(Math.min(data.length, next - base))
      carryBase = next
      options.onProgress?.(pos - from)
    }
    for (const row of builder.deferred) {
      const idx = builder.finishRowRange(row)
      const len = Math.min(idx.end - idx.body, 64 << 20)
      const buf = Buffer.allocUnsafe(len)
      const { bytesRead } = await fh.read(buf, 0, len, idx.body)
      builder.parseProc(buf, 0, bytesRead, row)
    }
    return pos
  } finally {
    if (pending) await pending.catch(() => 0)
  }
}

/** The error for a dump whose first line has no version (`builder.version` empty or not `N.N`). */
export function checkVersion(version: string, path: string): void {
  if (!/^\d+\.\d+/.test(version))
    throw new AppError(
      'not_a_dump',
      `${path} is not an Erlang crash dump: its first line has no dump version after "${MAGIC}".`
    )
}

/**
 * Indexes the dump at `path` in one pass on this thread (`parallel-indexer.ts` splits big dumps
 * over worker threads). Throws AppError not_found / not_a_dump / dump_io / dump_cancelled.
 */
export async function indexDumpFile(path: string, options: IndexOptions = {}): Promise<DumpIndex> {
  const t0 = performance.now()
  const size = await dumpFileSize(path)
  let fh
  try {
    fh = await open(path, 'r')
  } catch (error) {
    throw ioError(error, path)
  }
  try {
    const builder = new IndexBuilder()
    const pos = await scanRange(fh, path, builder, 0, size, {
      signal: options.signal,
      chunkSize: options.chunkSize,
      onProgress: (read) => options.onProgress?.(read, size)
    })
    if (pos === 0) throw new AppError('not_a_dump', `${path} is not an Erlang crash dump: the file is empty.`)
    checkVersion(builder.version, path)
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

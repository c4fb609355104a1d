/**
 * Joins the indexes of consecutive parts of a dump (`part-index.ts`) into exactly the index one
 * pass over the whole file builds (`IndexBuilder.finish`): listed sections and `=proc:` rows
 * concatenated, codes renumbered, and every `proc_*` section mapped to its row by replaying the
 * single pass's lookup in file order (same cursor, same "last `=proc:` with this pid so far"
 * rule for repeated pids), so that damaged and odd dumps come out the same too.
 */
import type { DumpIndex, ProcColumns } from './dump-index'
import type { PartIndex } from './part-index'
import { renumber } from './proc-strings'
import { decodeText, latin1 } from './text'

/** The parts' arrays end to end; the one part's own array when only it has any. */
function join<T extends Float64Array | Int32Array>(
  parts: PartIndex[],
  pick: (p: PartIndex) => T,
  n: number,
  make: (n: number) => T
): T {
  const full = parts.find((p) => pick(p).length === n)
  if (full && n > 0) return pick(full)
  const out = make(n)
  let at = 0
  for (const p of parts) {
    const a = pick(p)
    out.set(a, at)
    at += a.length
  }
  return out
}
const f64 = (n: number): Float64Array => new Float64Array(n)
const i32 = (n: number): Int32Array => new Int32Array(n)

/** The row of a `proc_*` section's pid, as `IndexBuilder.rowOfBytes` finds it in one pass. */
class RowFinder {
  private cursor = 0
  /** Rows listed so far (the `=proc:` sections before the section being looked up). */
  made = 0
  private rows: Map<string, number> | null = null
  constructor(private readonly pid: string[]) {}

  listUpTo(n: number): void {
    const rows = this.rows
    if (rows) for (let r = this.made; r < n; r++) rows.set(this.pid[r], r)
    this.made = n
  }

  private pidIs(r: number, data: Uint8Array, a: number, b: number): boolean {
    const pid = this.pid[r]
    if (pid.length !== b - a) return false
    for (let i = 0; i < pid.length; i++) if (pid.charCodeAt(i) !== data[a + i]) return false
    return true
  }

  find(data: Uint8Array, a: number, b: number): number {
    const c = this.cursor
    if (c < this.made && this.pidIs(c, data, a, b)) return c
    if (c + 1 < this.made && this.pidIs(c + 1, data, a, b)) return (this.cursor = c + 1)
    const pid = decodeText(data, a, b)
    if (c < this.made && this.pid[c] === pid) return c
    if (c + 1 < this.made && this.pid[c + 1] === pid) return (this.cursor = c + 1)
    if (!this.rows) {
      this.rows = new Map()
      for (let r = 0; r < this.made; r++) this.rows.set(this.pid[r], r)
    }
    const r = this.rows.get(pid)
    if (r === undefined) return -1
    this.cursor = r
    return r
  }
}

export function mergeParts(path: string, parts: PartIndex[], indexMs: number): DumpIndex {
  // listed sections
  const tags: string[] = []
  const tagCodes = new Map<string, number>()
  let count = 0
  for (const p of parts) count += p.count
  const tag = new Uint16Array(count)
  const id: (string | null)[] = []
  let at = 0
  for (const p of parts) {
    const codes = p.tags.map((t) => {
      let c = tagCodes.get(t)
      if (c === undefined) {
        c = tags.length
        tags.push(t)
        tagCodes.set(t, c)
      }
      return c
    })
    for (let i = 0; i < p.count; i++) tag[at + i] = codes[p.tag[i]]
    for (let i = 0; i < p.count; i++) id.push(p.id[i])
    at += p.count
  }

  // process rows; string codes renumbered by first use, column by column (`canonicalStrings`)
  let n = 0
  const rowBase: number[] = []
  for (const p of parts) {
    rowBase.push(n)
    n += p.procs.count
  }
  const state = join(parts, (p) => p.procs.state, n, i32)
  const spawnedAs = join(parts, (p) => p.procs.spawnedAs, n, i32)
  const current = join(parts, (p) => p.procs.current, n, i32)
  const strings: string[] = []
  const stringCodes = new Map<string, number>()
  const find = (s: string): number => stringCodes.get(s) ?? -1
  for (const col of [state, spawnedAs, current])
    parts.forEach((p, k) => {
      const q = p.procs
      const remap = new Int32Array(q.strings.length).fill(-1)
      const before = strings.length
      renumber(col, rowBase[k], rowBase[k] + q.count, remap, (c) => q.strings[c], strings, find)
      for (let i = before; i < strings.length; i++) stringCodes.set(strings[i], i)
    })
  const withRows = parts.filter((p) => p.procs.count > 0)
  const pid =
    withRows.length === 1
      ? withRows[0].procs.pid
      : ([] as string[]).concat(...withRows.map((p) => p.procs.pid))
  const name =
    withRows.length === 1
      ? withRows[0].procs.name
      : ([] as (string | null)[]).concat(...withRows.map((p) => p.procs.name))

  // proc_* sections, in file order, to rows
  const extraOff = new Float64Array(n).fill(NaN)
  const extraEnd = new Float64Array(n).fill(NaN)
  const scattered = new Map<number, [number, number][]>()
  const finder = new RowFinder(pid)
  const familyCounts = new Map<string, number>()
  const lastFamilyRow: number[] = []
  parts.forEach((p, k) => {
    for (const [t, c] of p.familyCounts) familyCounts.set(t, (familyCounts.get(t) ?? 0) + c)
    const f = p.family
    let row = -1
    let inner = 0
    for (let i = 0; i < f.count; i++) {
      finder.listUpTo(rowBase[k] + f.procsBefore[i])
      row = finder.find(f.pidBytes, f.pidOff[i], f.pidOff[i + 1])
      const more = f.sections[i] - 1
      if (row >= 0) {
        const start = f.start[i]
        const end = f.end[i]
        // a run of sections that follow each other extends a range like one section
        if (Number.isNaN(extraOff[row])) {
          extraOff[row] = start
          extraEnd[row] = end
        } else if (extraEnd[row] === start) {
          extraEnd[row] = end
        } else {
          let list = scattered.get(row)
          if (!list) scattered.set(row, (list = []))
          let from = start
          for (let j = 0; j < more; j++) {
            list.push([from, f.inner[inner + j]])
            from = f.inner[inner + j]
          }
          list.push([from, end])
        }
      }
      inner += more
    }
    lastFamilyRow.push(row)
  })

  // the last section, as the single pass names it
  let lastSection: string | null = null
  for (let k = parts.length - 1; k >= 0; k--) {
    const p = parts[k]
    if (p.lastFamilyTag !== null) {
      const f = p.family
      const row = lastFamilyRow[k]
      const who = row >= 0 ? pid[row] : latin1(f.pidBytes, f.pidOff[f.count - 1], f.pidOff[f.count])
      lastSection = `${p.lastFamilyTag}:${who}`
      break
    }
    if (p.lastTag !== null) {
      lastSection = p.lastId === null ? p.lastTag : `${p.lastTag}:${p.lastId}`
      break
    }
  }
  let abortReason: string | null = null
  for (const p of parts) if (p.abortReason !== null) abortReason = p.abortReason

  const procs: ProcColumns = {
    count: n,
    pid,
    name,
    state,
    spawnedAs,
    current,
    msgq: join(parts, (p) => p.procs.msgq, n, f64),
    reds: join(parts, (p) => p.procs.reds, n, f64),
    stackHeap: join(parts, (p) => p.procs.stackHeap, n, f64),
    oldHeap: join(parts, (p) => p.procs.oldHeap, n, f64),
    binVHeap: join(parts, (p) => p.procs.binVHeap, n, f64),
    memory: join(parts, (p) => p.procs.memory, n, f64),
    off: join(parts, (p) => p.procs.off, n, f64),
    end: join(parts, (p) => p.procs.end, n, f64),
    extraOff,
    extraEnd,
    scattered,
    strings
  }
  return {
    path,
    size: parts[parts.length - 1].to,
    version: parts[0].version,
    tags,
    count,
    tag,
    offset: join(parts, (p) => p.offset, count, f64),
    body: join(parts, (p) => p.body, count, f64),
    end: join(parts, (p) => p.end, count, f64),
    id,
    procs,
    procFamilyCounts: Object.fromEntries(familyCounts),
    hasEnd: parts.some((p) => p.hasEnd),
    abortReason,
    lastSection,
    indexMs
  }
}

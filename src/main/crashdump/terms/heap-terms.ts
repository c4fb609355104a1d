/**
 * Rebuilds terms from a process's `=proc_heap` lines (and `=literals`), resolving `Yc`/`Ys`
 * binaries through `=binary:` sections. Works on latin1 strings (one char per byte), so the
 * byte lengths in `A<len>:`, `F<len>:` and binary sizes line up. What the dump does not hold
 * becomes an explicit `missing` term.
 */
import type { DumpTerm } from '../../../shared/contract/dump'
import { decodeEtf, formatFloat } from './etf'
import { BINARY_PREVIEW_BYTES, binaryTerm, charListTerm } from './term-model'

/** Heap lines by address: `7FAB5E842CA0:lI82|H7FAB5E842CB0` -> (0x7FAB5E842CA0, 'lI82|H7FAB5E842CB0'). */
export type HeapLines = Map<number, string>

export function parseHeapLines(text: string, into: HeapLines = new Map()): HeapLines {
  let p = 0
  const n = text.length
  while (p < n) {
    let nl = text.indexOf('\n', p)
    if (nl === -1) nl = n
    const c = text.indexOf(':', p)
    if (c > p && c < nl) {
      const addr = parseInt(text.slice(p, c), 16)
      let end = nl
      if (end > c && text.charCodeAt(end - 1) === 13) end--
      if (!Number.isNaN(addr)) into.set(addr, text.slice(c + 1, end))
    }
    p = nl + 1
  }
  return into
}

/** A `=binary:` section's bytes (possibly only a prefix of them). */
export interface BinaryData {
  size: number
  bytes: Buffer
  /** True when the dump holds fewer bytes than `size` (truncated dump or read cap). */
  partial: boolean
}

export interface HeapContext {
  heap: HeapLines
  literals?: HeapLines
  /** Binaries from `=binary:<addr>` sections, loaded beforehand. */
  binary: (addr: number) => BinaryData | null
  /** Dump format 0.5 writes binaries as base64, before as hex. */
  base64: boolean
  localNode?: string | null
  /** At most this many term nodes per decode (default 200 000). */
  budget?: number
  /** Elements kept per list, tuple or map (default 10 000; the rest is counted in `more`). */
  maxListItems?: number
  /** Cons cells walked to count what a cut list leaves out (default 2 000 000); past it the tail is `'#TermTooLarge'`. */
  countWalkLimit?: number
}

const INCOMPLETE: DumpTerm = { kind: 'missing', reason: 'incomplete_heap', text: "'#CDVIncompleteHeap'" }
const NO_BINARY: DumpTerm = { kind: 'missing', reason: 'nonexisting_binary', text: "'#CDVNonexistingBinary'" }
const TRUNCATED_BINARY: DumpTerm = {
  kind: 'missing',
  reason: 'truncated_binary',
  text: "'#CDVTruncatedBinary'"
}

const HEX = /^[0-9A-Fa-f]*$/

/** Decodes binary data written as hex (format < 0.5) or base64 (0.5). */
export function decodeBinaryData(data: string, base64: boolean): Buffer {
  if (!base64 || (HEX.test(data) && data.length % 2 === 0 && !base64))
    return Buffer.from(data.slice(0, data.length & ~1), 'hex')
  return Buffer.from(data, 'base64')
}

/** Reads `<hexsize>:<data>` (a `=binary:` body or a `Yh`/`E` payload). */
export function parseSizedData(text: string, base64: boolean): BinaryData | null {
  const c = text.indexOf(':')
  if (c <= 0) return null
  const size = parseInt(text.slice(0, c), 16)
  if (Number.isNaN(size)) return null
  let end = text.indexOf('\n', c)
  if (end === -1) end = text.length
  if (end > c && text.charCodeAt(end - 1) === 13) end--
  const bytes = decodeBinaryData(text.slice(c + 1, end), base64)
  return { size, bytes: bytes.subarray(0, size), partial: bytes.length < size }
}

function latin1ToText(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) {
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(s, 'latin1'))
      } catch {
        return s
      }
    }
  }
  return s
}

const TOO_LARGE: DumpTerm = { kind: 'missing', reason: 'too_large', text: "'#TermTooLarge'" }

/** Cons cells walked (without decoding their heads) to count what a cut list leaves out. */
const COUNT_WALK_LIMIT = 2_000_000

/**
 * Decodes heap terms within a node budget. When the budget runs out the decoder does not give
 * up on the whole term: what is already decoded stays, lists, tuples and maps keep their first
 * elements and count the rest (`more`), and only terms not reached become `'#TermTooLarge'`.
 */
export class HeapDecoder {
  private memo = new Map<number, DumpTerm>()
  private active = new Set<number>()
  private budget: number
  /** Set when the budget ran out during the current decode: nothing decoded since is memoized. */
  private exhausted = false
  private depth = 0

  private readonly maxItems: number

  constructor(readonly ctx: HeapContext) {
    this.budget = ctx.budget ?? 200_000
    this.maxItems = Math.max(1, ctx.maxListItems ?? 10_000)
  }

  /** Decodes one element (`H…`, `I…`, `A…` …) at the start of `text`; returns the term and the rest. */
  element(text: string): { term: DumpTerm; rest: string } {
    const r = this.parseElement(text, 0)
    return { term: r.term, rest: text.slice(r.end) }
  }

  /** A whole element text (a stack variable, a dictionary line). */
  term(text: string): DumpTerm {
    return this.element(text).term
  }

  private line(addr: number): string | undefined {
    return this.ctx.heap.get(addr) ?? this.ctx.literals?.get(addr)
  }

  private parseElement(s: string, p: number): { term: DumpTerm; end: number } {
    const c = s[p]
    switch (c) {
      case 'H': {
        let q = p + 1
        while (q < s.length && isHex(s.charCodeAt(q))) q++
        const addr = parseInt(s.slice(p + 1, q), 16)
        return { term: this.at(addr), end: q }
      }
      case 'N':
        return { term: { kind: 'nil' }, end: p + 1 }
      case 'I': {
        let q = p + 1
        if (s[q] === '-') q++
        while (q < s.length && s.charCodeAt(q) >= 48 && s.charCodeAt(q) <= 57) q++
        return { term: { kind: 'int', value: s.slice(p + 1, q) }, end: q }
      }
      case 'A': {
        const c2 = s.indexOf(':', p)
        const n = parseInt(s.slice(p + 1, c2), 16)
        if (c2 < 0 || Number.isNaN(n)) return { term: unparsable(s.slice(p)), end: s.length }
        return { term: { kind: 'atom', name: latin1ToText(s.slice(c2 + 1, c2 + 1 + n)) }, end: c2 + 1 + n }
      }
      case 'P':
      case 'p': {
        const q = s.indexOf('>', p)
        const end = q < 0 ? s.length : q + 1
        const inner = s.slice(p + 1, end)
        return {
          term:
            c === 'P'
              ? { kind: 'pid', text: inner }
              : { kind: 'port', text: inner.startsWith('#') ? inner : `#Port${inner}` },
          end
        }
      }
      case 'S':
        return { term: { kind: 'missing', reason: 'unparsable', text: s.slice(p + 1).trim() }, end: s.length }
      case 'D':
        return {
          term: { kind: 'missing', reason: 'dist_message', text: "'#UndecodedDistributionMessage'" },
          end: skipDist(s, p)
        }
      default:
        return { term: unparsable(s.slice(p)), end: s.length }
    }
  }

  private at(addr: number): DumpTerm {
    const m = this.memo.get(addr)
    if (m) return m
    const line = this.line(addr)
    if (line === undefined) return INCOMPLETE
    if (this.active.has(addr) || this.depth > 400)
      return { kind: 'missing', reason: 'too_deep', text: "'#TooDeep'" }
    if (!this.spend()) return TOO_LARGE
    this.active.add(addr)
    this.depth++
    let t: DumpTerm
    try {
      t = this.heapTerm(line, addr)
    } catch {
      t = unparsable(line)
    } finally {
      this.depth--
      this.active.delete(addr)
    }
    if (!this.exhausted) this.memo.set(addr, t)
    return t
  }

  /** Takes one node from the budget; false (and `exhausted`) when none is left. */
  private spend(): boolean {
    if (this.budget <= 0) {
      this.exhausted = true
      return false
    }
    this.budget--
    return true
  }

  /** Decodes a term with a fresh node budget; what the budget does not reach is elided, not lost. */
  safe(fn: () => DumpTerm): DumpTerm {
    this.budget = this.ctx.budget ?? 200_000
    this.exhausted = false
    try {
      return fn()
    } catch (error) {
      return unparsable(String(error))
    }
  }

  private heapTerm(s: string, addr: number): DumpTerm {
    switch (s[0]) {
      case 'l':
        return this.list(s)
      case 't': {
        const c = s.indexOf(':')
        const n = parseInt(s.slice(1, c), 16)
        const items = this.elements(s, c + 1, n)
        if (items.length === n) return { kind: 'tuple', items }
        return { kind: 'tuple', items, more: n - items.length }
      }
      case 'F': {
        const c = s.indexOf(':')
        const n = parseInt(s.slice(1, c), 16)
        const v = Number(s.slice(c + 1, c + 1 + n))
        return { kind: 'float', value: Number.isNaN(v) ? s.slice(c + 1, c + 1 + n) : formatFloat(v) }
      }
      case 'B': {
        if (s.startsWith('B16#')) return { kind: 'int', value: BigInt(`0x${s.slice(4).trim()}`).toString() }
        if (s.startsWith('B-16#'))
          return { kind: 'int', value: (-BigInt(`0x${s.slice(5).trim()}`)).toString() }
        const m = /^B(-?\d+)/.exec(s)
        return m ? { kind: 'int', value: m[1] } : unparsable(s)
      }
      case 'P':
      case 'p':
        return this.parseElement(s, 0).term
      case 'E': {
        const d = parseSizedData(s.slice(1), this.ctx.base64 || !HEX.test(s.slice(s.indexOf(':') + 1)))
        if (!d || d.partial) return TRUNCATED_BINARY
        return decodeEtf(d.bytes, { localNode: this.ctx.localNode, budget: 50_000 })
      }
      case 'Y':
        return this.binary(s, addr)
      case 'M':
        return this.map(s)
      default:
        return unparsable(s)
    }
  }

  /** The `n` elements from `p`; fewer when the budget runs out (the caller counts the rest). */
  private elements(s: string, p: number, n: number): DumpTerm[] {
    const items: DumpTerm[] = []
    for (let i = 0; i < n; i++) {
      if (items.length > 0 && (this.exhausted || items.length >= this.maxItems)) break
      if (p >= s.length) {
        items.push(INCOMPLETE)
        continue
      }
      const r = this.parseElement(s, p)
      if (r.term === TOO_LARGE && items.length > 0) break
      items.push(r.term)
      p = r.end
      if (s[p] === ',') p++
    }
    return items
  }

  private list(first: string): DumpTerm {
    const items: DumpTerm[] = []
    const max = this.maxItems
    let more = 0
    let s = first
    let tail: DumpTerm = { kind: 'nil' }
    for (;;) {
      if (items.length >= max || (this.exhausted && items.length > 0)) {
        const rest = this.countCells(s)
        more = rest.count
        tail = rest.tail
        break
      }
      const h = this.parseElement(s, 1)
      if (h.term === TOO_LARGE && items.length > 0) {
        // the budget ran out on this element: count it with the rest rather than show a placeholder
        const rest = this.countCells(s)
        more = rest.count
        tail = rest.tail
        break
      }
      items.push(h.term)
      const bar = h.end
      if (s[bar] !== '|') {
        tail = INCOMPLETE
        break
      }
      const t = s.slice(bar + 1)
      if (t[0] === 'H') {
        const addr = parseInt(t.slice(1), 16)
        const next = this.line(addr)
        if (next !== undefined && next[0] === 'l' && !this.memo.has(addr)) {
          if (this.spend()) {
            s = next
            continue
          }
          const rest = this.countCells(next)
          more = rest.count
          tail = rest.tail
          break
        }
      }
      tail = this.parseElement(t, 0).term
      break
    }
    // the rest of the list was decoded before (a shared or memoized cell): one list, not [a|[b]]
    if (tail.kind === 'list' && more === 0) {
      items.push(...tail.items)
      more = tail.more ?? 0
      tail = tail.tail ?? { kind: 'nil' }
    } else if (tail.kind === 'string' && more === 0) {
      for (const c of tail.value) items.push({ kind: 'int', value: String(c.codePointAt(0)) })
      tail = { kind: 'nil' }
    }
    if (tail.kind === 'nil' && more === 0) {
      const codes: number[] = []
      for (const it of items) {
        if (it.kind !== 'int') break
        codes.push(Number(it.value))
      }
      if (codes.length === items.length) {
        const str = charListTerm(codes)
        if (str.kind === 'string') return str
      }
    }
    const list: Extract<DumpTerm, { kind: 'list' }> = { kind: 'list', items }
    if (tail.kind !== 'nil') list.tail = tail
    if (more > 0) list.more = more
    return list
  }

  /**
   * Counts the cons cells from `cell` (a `l<head>|<tail>` line) without decoding their heads;
   * the tail is nil, or a placeholder when the list is improper, cut or longer than the walk.
   */
  private countCells(cell: string): { count: number; tail: DumpTerm } {
    let count = 0
    let s: string | undefined = cell
    const limit = this.ctx.countWalkLimit ?? COUNT_WALK_LIMIT
    while (s !== undefined && s[0] === 'l' && count < limit) {
      count++
      const bar = headEnd(s)
      if (bar < 0) return { count, tail: INCOMPLETE }
      if (s[bar + 1] === 'N') return { count, tail: { kind: 'nil' } }
      if (s[bar + 1] !== 'H') return { count, tail: TOO_LARGE }
      s = this.line(parseInt(s.slice(bar + 2), 16))
    }
    return { count, tail: s === undefined ? INCOMPLETE : TOO_LARGE }
  }

  private map(s: string): DumpTerm {
    if (s.startsWith('Mf')) {
      const c1 = s.indexOf(':')
      const n = parseInt(s.slice(2, c1), 16)
      const k = this.parseElement(s, c1 + 1)
      const keys = k.term.kind === 'tuple' ? k.term.items : []
      const values = this.elements(s, k.end + 1, Math.min(n, keys.length > 0 ? keys.length : n))
      const entries = values.map((value, i) => ({ key: keys[i] ?? INCOMPLETE, value }))
      if (entries.length === n) return { kind: 'map', entries }
      return { kind: 'map', entries, more: n - entries.length }
    }
    const entries: { key: DumpTerm; value: DumpTerm }[] = []
    this.hashNode(s, entries, 0)
    const size = s.startsWith('Mh') ? parseInt(s.slice(2, s.indexOf(':')), 16) : NaN
    if (Number.isNaN(size) || entries.length >= size) return { kind: 'map', entries }
    return { kind: 'map', entries, more: size - entries.length }
  }

  /** `Mh<size>:<n>:e,…` head or `Mn<n>:e,…` node; elements are cons cells [K|V] or more nodes. */
  private hashNode(s: string, out: { key: DumpTerm; value: DumpTerm }[], depth: number): void {
    if (depth > 16) return
    let p: number
    let n: number
    if (s.startsWith('Mh')) {
      const c1 = s.indexOf(':')
      const c2 = s.indexOf(':', c1 + 1)
      n = parseInt(s.slice(c1 + 1, c2), 16)
      p = c2 + 1
    } else {
      const c1 = s.indexOf(':')
      n = parseInt(s.slice(2, c1), 16)
      p = c1 + 1
    }
    for (let i = 0; i < n && p < s.length; i++) {
      if (out.length > 0 && (this.exhausted || out.length >= this.maxItems)) return
      if (s[p] === 'H') {
        let q = p + 1
        while (q < s.length && isHex(s.charCodeAt(q))) q++
        const addr = parseInt(s.slice(p + 1, q), 16)
        const line = this.line(addr)
        if (line === undefined) out.push({ key: INCOMPLETE, value: INCOMPLETE })
        else if (line[0] === 'l') {
          if (!this.spend() && out.length > 0) return
          const h = this.parseElement(line, 1)
          const v = line[h.end] === '|' ? this.parseElement(line, h.end + 1).term : INCOMPLETE
          out.push({ key: h.term, value: v })
        } else if (line.startsWith('Mn')) this.hashNode(line, out, depth + 1)
        p = q
      } else {
        p = this.parseElement(s, p).end
      }
      if (s[p] === ',') p++
    }
  }

  /** Raw bytes behind a binary term line (for sub-binaries), or null. */
  private bytesOf(addr: number): BinaryData | null {
    const b = this.ctx.binary(addr)
    if (b) return b
    const line = this.line(addr)
    if (!line) return null
    if (line.startsWith('Yh')) return parseSizedData(line.slice(2), this.ctx.base64)
    if (line.startsWith('Yc')) {
      const [bin, off, size] = refFields(line.slice(2))
      const data = this.ctx.binary(bin)
      if (!data) return null
      const o = fixOffset(off, bin, size, data.size)
      return { size, bytes: data.bytes.subarray(o, o + size), partial: data.bytes.length < o + size }
    }
    return null
  }

  private binary(s: string, addr: number): DumpTerm {
    const kind = s[1]
    if (kind === 'h') {
      const d = parseSizedData(s.slice(2), this.ctx.base64)
      if (!d) return TRUNCATED_BINARY
      return binaryTerm(d.bytes, d.size, 'heap')
    }
    if (kind === 'c' || kind === 's') {
      const [target, off, size] = refFields(s.slice(2))
      const data = kind === 'c' ? this.ctx.binary(target) : target === addr ? null : this.bytesOf(target)
      if (!data) return NO_BINARY
      const o = fixOffset(off, target, size, data.size)
      const bytes = data.bytes.subarray(o, o + Math.min(size, BINARY_PREVIEW_BYTES))
      if (bytes.length === 0 && size > 0 && data.partial) return TRUNCATED_BINARY
      // OTP 27+ writes sub-binaries as `Yc<bin>:<offset>:<size>` too: a part of the binary is one
      return binaryTerm(bytes, size, kind === 's' || o !== 0 || size < data.size ? 'sub' : 'refc')
    }
    return unparsable(s)
  }
}

function refFields(s: string): [number, number, number] {
  const parts = s.split(':')
  return [parseInt(parts[0], 16), parseInt(parts[1], 16), parseInt(parts[2], 16)]
}

/** OTP 27+ writes a data address instead of an offset in some `Yc`/`Ys` lines. */
function fixOffset(off: number, binAddr: number, size: number, binSize: number): number {
  if (off + size <= binSize) return off
  if (off >= binAddr) {
    const rel = off - binAddr
    for (const header of [0x20, 0x18, 0x10, 0x28, 0x30]) {
      const o = rel - header
      if (o >= 0 && o + size <= binSize) return o
    }
  }
  return Math.max(0, binSize - size)
}

/** Index of the `|` after the head of a cons cell line `l<head>|<tail>`, or -1. */
function headEnd(s: string): number {
  const c = s[1]
  if (c === 'A') {
    const colon = s.indexOf(':', 2)
    const n = parseInt(s.slice(2, colon), 16)
    if (colon < 0 || Number.isNaN(n)) return -1
    return s[colon + 1 + n] === '|' ? colon + 1 + n : -1
  }
  // other heads (H, I, N, P, p) hold no `|`
  return s.indexOf('|', 1)
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
}

function skipDist(s: string, p: number): number {
  // `D<n>:<atoms>E<size>:<data>` then possibly `:<token>`; the token follows the last ':'.
  const last = s.lastIndexOf(':')
  return last > p ? last : s.length
}

function unparsable(text: string): DumpTerm {
  return { kind: 'missing', reason: 'unparsable', text: `'#Unparsable<${text.slice(0, 60)}>'` }
}

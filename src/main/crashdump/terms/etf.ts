/**
 * A minimal external term format reader for the `E<size>:<data>` heap terms of a dump (funs,
 * references, external pids …) and for module attributes. Self-contained on purpose: the
 * distribution codec lives in src/main/erldist.
 */
import { inflateSync } from 'node:zlib'
import type { DumpTerm } from '../../../shared/contract/dump'
import { printAtom } from '../../../shared/dump-term-print'
import { binaryTerm, charListTerm } from './term-model'

export interface EtfOptions {
  /** The dump's node name, so that local pids print as `<0.X.Y>`. */
  localNode?: string | null
  /** Stop expanding after this many nodes (a placeholder replaces the rest). */
  budget?: number
}

class Reader {
  pos = 0
  budget: number
  constructor(
    readonly b: Buffer,
    readonly opts: EtfOptions
  ) {
    this.budget = opts.budget ?? 100_000
  }
  need(n: number): void {
    if (this.pos + n > this.b.length) throw new RangeError('ETF data ends early')
  }
  u8(): number {
    this.need(1)
    return this.b[this.pos++]
  }
  u16(): number {
    this.need(2)
    const v = this.b.readUInt16BE(this.pos)
    this.pos += 2
    return v
  }
  u32(): number {
    this.need(4)
    const v = this.b.readUInt32BE(this.pos)
    this.pos += 4
    return v
  }
  i32(): number {
    this.need(4)
    const v = this.b.readInt32BE(this.pos)
    this.pos += 4
    return v
  }
  bytes(n: number): Buffer {
    this.need(n)
    const v = this.b.subarray(this.pos, this.pos + n)
    this.pos += n
    return v
  }
}

function atomText(name: string): DumpTerm {
  return { kind: 'atom', name }
}

function nodeName(t: DumpTerm): string {
  return t.kind === 'atom' ? t.name : '?'
}

function pidText(r: Reader, node: string, id: number, serial: number): string {
  const local = r.opts.localNode
  const n = local && (node === local || `'${node}'` === local) ? '0' : node
  return `<${n}.${id}.${serial}>`
}

function bigText(bytes: Buffer, negative: boolean): string {
  let v = 0n
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i])
  return (negative ? -v : v).toString()
}

function term(r: Reader): DumpTerm {
  if (--r.budget < 0) {
    throw new BudgetError()
  }
  const tag = r.u8()
  switch (tag) {
    case 97: // SMALL_INTEGER_EXT
      return { kind: 'int', value: String(r.u8()) }
    case 98: // INTEGER_EXT
      return { kind: 'int', value: String(r.i32()) }
    case 99: {
      // FLOAT_EXT (31-byte "%.20e")
      const s = r.bytes(31).toString('latin1').replace(/\0.*$/, '')
      return { kind: 'float', value: formatFloat(Number(s)) }
    }
    case 70: {
      // NEW_FLOAT_EXT
      r.need(8)
      const v = r.b.readDoubleBE(r.pos)
      r.pos += 8
      return { kind: 'float', value: formatFloat(v) }
    }
    case 100: // ATOM_EXT (latin1)
      return atomText(r.bytes(r.u16()).toString('latin1'))
    case 115: // SMALL_ATOM_EXT (latin1)
      return atomText(r.bytes(r.u8()).toString('latin1'))
    case 118: // ATOM_UTF8_EXT
      return atomText(r.bytes(r.u16()).toString('utf8'))
    case 119: // SMALL_ATOM_UTF8_EXT
      return atomText(r.bytes(r.u8()).toString('utf8'))
    case 104: // SMALL_TUPLE_EXT
    case 105: {
      // LARGE_TUPLE_EXT
      const n = tag === 104 ? r.u8() : r.u32()
      const items: DumpTerm[] = []
      for (let i = 0; i < n; i++) items.push(term(r))
      return { kind: 'tuple', items }
    }
    case 106: // NIL_EXT
      return { kind: 'nil' }
    case 107: {
      // STRING_EXT
      const bytes = r.bytes(r.u16())
      return charListTerm([...bytes])
    }
    case 108: {
      // LIST_EXT
      const n = r.u32()
      const items: DumpTerm[] = []
      for (let i = 0; i < n; i++) items.push(term(r))
      const tail = term(r)
      if (tail.kind === 'nil') {
        const codes = items.map((t) => (t.kind === 'int' ? Number(t.value) : -1))
        if (codes.every((c) => c >= 0)) {
          const s = charListTerm(codes)
          if (s.kind === 'string') return s
        }
        return { kind: 'list', items }
      }
      return { kind: 'list', items, tail }
    }
    case 109: {
      // BINARY_EXT
      const bytes = r.bytes(r.u32())
      return binaryTerm(bytes, bytes.length, 'external')
    }
    case 77: {
      // BIT_BINARY_EXT
      const len = r.u32()
      const bits = r.u8()
      const bytes = r.bytes(len)
      return { ...binaryTerm(bytes, len, 'external'), bits }
    }
    case 110: // SMALL_BIG_EXT
    case 111: {
      // LARGE_BIG_EXT
      const n = tag === 110 ? r.u8() : r.u32()
      const sign = r.u8()
      return { kind: 'int', value: bigText(r.bytes(n), sign !== 0) }
    }
    case 116: {
      // MAP_EXT
      const n = r.u32()
      const entries: { key: DumpTerm; value: DumpTerm }[] = []
      for (let i = 0; i < n; i++) {
        const key = term(r)
        entries.push({ key, value: term(r) })
      }
      return { kind: 'map', entries }
    }
    case 88: // NEW_PID_EXT
    case 103: {
      // PID_EXT
      const node = nodeName(term(r))
      const id = r.u32()
      const serial = r.u32()
      if (tag === 88) r.u32()
      else r.u8()
      return { kind: 'pid', text: pidText(r, node, id, serial) }
    }
    case 89: // NEW_PORT_EXT
    case 102: // PORT_EXT
    case 120: {
      // V4_PORT_EXT
      const node = nodeName(term(r))
      let id: string
      if (tag === 120) {
        r.need(8)
        id = r.b.readBigUInt64BE(r.pos).toString()
        r.pos += 8
      } else id = String(r.u32())
      if (tag === 102) r.u8()
      else r.u32()
      const local = r.opts.localNode
      const n = local && (node === local || `'${node}'` === local) ? '0' : node
      return { kind: 'port', text: `#Port<${n}.${id}>` }
    }
    case 90: // NEWER_REFERENCE_EXT
    case 114: {
      // NEW_REFERENCE_EXT
      const len = r.u16()
      const node = nodeName(term(r))
      if (tag === 90) r.u32()
      else r.u8()
      const ids: number[] = []
      for (let i = 0; i < len; i++) ids.push(r.u32())
      const local = r.opts.localNode
      const n = local && (node === local || `'${node}'` === local) ? '0' : node
      return { kind: 'ref', text: `#Ref<${n}.${ids.reverse().join('.')}>` }
    }
    case 101: {
      // REFERENCE_EXT
      const node = nodeName(term(r))
      const id = r.u32()
      r.u8()
      return { kind: 'ref', text: `#Ref<${node}.${id}>` }
    }
    case 112: {
      // NEW_FUN_EXT
      const size = r.u32()
      const start = r.pos - 5
      r.u8() // arity
      r.bytes(16)
      const index = r.u32()
      r.u32() // NumFree
      const mod = term(r)
      const end = start + size
      r.pos = Math.min(end, r.b.length)
      return { kind: 'fun', text: `#Fun<${nodeName(mod)}.${index}>` }
    }
    case 117: {
      // FUN_EXT (old)
      const numFree = r.u32()
      term(r) // pid
      const mod = term(r)
      const index = term(r)
      term(r) // uniq
      for (let i = 0; i < numFree; i++) term(r)
      return { kind: 'fun', text: `#Fun<${nodeName(mod)}.${index.kind === 'int' ? index.value : '?'}>` }
    }
    case 113: {
      // EXPORT_EXT
      const m = term(r)
      const f = term(r)
      const a = term(r)
      const name = (t: DumpTerm): string => (t.kind === 'atom' ? printAtom(t.name) : '?')
      return { kind: 'fun', text: `fun ${name(m)}:${name(f)}/${a.kind === 'int' ? a.value : '?'}` }
    }
    case 67: {
      // RECORD_EXT (OTP 29): Arity u32, Flags u8, Module, Name, Arity field names, Arity values
      const n = r.u32()
      if (r.u8() > 1) throw new RangeError('RECORD_EXT flags')
      // each field takes at least a 2-byte name and a 1-byte value
      r.need(n * 3)
      const atomName = (): string => {
        const a = term(r)
        if (a.kind !== 'atom') throw new RangeError('RECORD_EXT expects an atom')
        return a.name
      }
      const module = atomName()
      const name = atomName()
      const names: string[] = []
      for (let i = 0; i < n; i++) names.push(atomName())
      return { kind: 'record', module, name, fields: names.map((field) => ({ name: field, value: term(r) })) }
    }
    case 121: // LOCAL_EXT: opaque, only meaningful inside the node that wrote it
      r.pos = r.b.length
      return { kind: 'missing', reason: 'unparsable', text: "'#LocalExt'" }
    default:
      throw new RangeError(`unknown ETF tag ${tag}`)
  }
}

class BudgetError extends Error {}

/** Decodes `<<131, ...>>`; a placeholder instead of an exception for bad input. */
export function decodeEtf(data: Buffer, opts: EtfOptions = {}): DumpTerm {
  try {
    if (data.length === 0 || data[0] !== 131)
      return { kind: 'missing', reason: 'unparsable', text: "'#BadExternalTerm'" }
    if (data[1] === 80) {
      // COMPRESSED
      const size = data.readUInt32BE(2)
      if (size > 64 << 20) return { kind: 'missing', reason: 'too_large', text: "'#CompressedTermTooLarge'" }
      const inflated = inflateSync(data.subarray(6))
      return term(new Reader(Buffer.concat([Buffer.from([131]), inflated]).subarray(1), opts))
    }
    return term(Object.assign(new Reader(data, opts), { pos: 1 }))
  } catch (error) {
    if (error instanceof BudgetError) return { kind: 'missing', reason: 'too_large', text: "'#TermTooLarge'" }
    return { kind: 'missing', reason: 'unparsable', text: "'#BadExternalTerm'" }
  }
}

/** Erlang-like float text: `1.5`, `3.0`, `1.0e+30`, `-0.0` (a distinct float in Erlang). */
export function formatFloat(v: number): string {
  if (!Number.isFinite(v)) return String(v)
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0'
  let s = String(v)
  if (s.includes('e')) {
    const [m, e] = s.split('e')
    s = `${m.includes('.') ? m : `${m}.0`}e${e.startsWith('+') ? e.slice(1) : e}`
    return s
  }
  if (!s.includes('.')) s += '.0'
  return s
}

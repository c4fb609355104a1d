import { inflateSync } from 'node:zlib'
import { EtfDecodeError } from './errors'
import * as Tags from './tags'
import { atom, NIL, type AtomTerm, type IntegerTerm, type Term } from './types'

export interface DecodeOptions {
  /** Deepest nesting of tuples/lists/maps/funs accepted (default 100 000). */
  maxDepth?: number
  /** Largest uncompressed size accepted for COMPRESSED terms (default 64 MiB). */
  maxUncompressedBytes?: number
  /**
   * Most terms (every atom, number, element, container) in one decoded term (default 2 million):
   * a frame of tiny terms costs far more in objects than in bytes, so bytes alone do not bound it.
   */
  maxTerms?: number
}

export const DEFAULT_MAX_DEPTH = 100_000
export const DEFAULT_MAX_UNCOMPRESSED = 64 * 1024 * 1024
export const DEFAULT_MAX_TERMS = 2_000_000

/** Module-local copies of the tags, so the hot switch compares against plain constants. */
const {
  VERSION_MAGIC,
  COMPRESSED,
  NEW_FLOAT_EXT,
  BIT_BINARY_EXT,
  ATOM_CACHE_REF,
  NEW_PID_EXT,
  NEW_PORT_EXT,
  NEWER_REFERENCE_EXT,
  SMALL_INTEGER_EXT,
  INTEGER_EXT,
  FLOAT_EXT,
  ATOM_EXT,
  REFERENCE_EXT,
  PORT_EXT,
  PID_EXT,
  SMALL_TUPLE_EXT,
  LARGE_TUPLE_EXT,
  NIL_EXT,
  STRING_EXT,
  LIST_EXT,
  BINARY_EXT,
  SMALL_BIG_EXT,
  LARGE_BIG_EXT,
  NEW_FUN_EXT,
  EXPORT_EXT,
  NEW_REFERENCE_EXT,
  SMALL_ATOM_EXT,
  MAP_EXT,
  FUN_EXT,
  ATOM_UTF8_EXT,
  SMALL_ATOM_UTF8_EXT,
  V4_PORT_EXT,
  LOCAL_EXT,
  RECORD_EXT
} = Tags

const SMALL_INTS: IntegerTerm[] = Array.from(
  { length: 256 },
  (_, i) => Object.freeze({ kind: 'integer', value: i }) as IntegerTerm
)

const F_TUPLE = 0
const F_LIST = 1
const F_MAP = 2
const F_FUN = 3
const F_RECORD = 4

interface Frame {
  type: number
  items: Term[]
  index: number
  count: number
  key: Term | undefined
  fun: FunHeader | undefined
  record: RecordHeader | undefined
}

interface RecordHeader {
  module: string
  name: string
  exported: boolean
  fieldNames: string[]
}

interface FunHeader {
  module: string
  arity: number
  uniq: Uint8Array
  index: number
  oldIndex: number
  oldUniq: number
  pid: Term
}

/** Decodes one whole term (`131` + term); trailing bytes are an error. */
export function decode(input: Uint8Array, options: DecodeOptions = {}): Term {
  const { term, end } = decodeAt(input, 0, options)
  if (end !== input.length)
    throw new EtfDecodeError(`${input.length - end} trailing bytes after the term`, end)
  return term
}

/**
 * Decodes the term that starts at `offset` (with its `131` version byte) and returns where it
 * ends. A COMPRESSED or LOCAL_EXT term runs to the end of `input`.
 */
export function decodeAt(
  input: Uint8Array,
  offset: number,
  options: DecodeOptions = {}
): { term: Term; end: number } {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  if (offset >= buf.length) throw new EtfDecodeError('no data', offset)
  if (buf[offset] !== VERSION_MAGIC)
    throw new EtfDecodeError(`expected version byte 131, got ${buf[offset]}`, offset)
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH
  const maxTerms = options.maxTerms ?? DEFAULT_MAX_TERMS
  if (offset + 1 < buf.length && buf[offset + 1] === COMPRESSED) {
    const inner = inflate(buf, offset + 2, options.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED)
    const d = new Decoder(inner, 0, maxDepth, maxTerms)
    const term = d.term()
    if (d.pos !== inner.length) throw new EtfDecodeError('trailing bytes inside the compressed term', offset)
    return { term, end: buf.length }
  }
  const d = new Decoder(buf, offset + 1, maxDepth, maxTerms)
  const term = d.term()
  return { term, end: d.pos }
}

function inflate(buf: Buffer, at: number, cap: number): Buffer {
  if (at + 4 > buf.length) throw new EtfDecodeError('truncated compressed header', at)
  const size = buf.readUInt32BE(at)
  if (size > cap)
    throw new EtfDecodeError(
      `a compressed term that inflates to ${size.toLocaleString('en-US')} bytes is over the limit of ${cap.toLocaleString('en-US')} bytes, so it was not inflated`,
      at,
      'reply_too_large'
    )
  let out: Buffer
  try {
    out = inflateSync(buf.subarray(at + 4), { maxOutputLength: Math.max(1, size) })
  } catch (e) {
    throw new EtfDecodeError(`bad compressed data (${e instanceof Error ? e.message : String(e)})`, at + 4)
  }
  if (out.length !== size)
    throw new EtfDecodeError(`compressed term inflates to ${out.length} bytes, header says ${size}`, at)
  return out
}

class Decoder {
  private readonly pool: Frame[] = []
  private terms = 0
  /** A plain Uint8Array over the same bytes: its slice() copies into a plain Uint8Array. */
  private readonly view: Uint8Array
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly maxDepth: number,
    readonly maxTerms: number
  ) {
    this.view = new Uint8Array(buf.buffer, buf.byteOffset, buf.length)
  }

  fail(message: string, at = this.pos): never {
    throw new EtfDecodeError(message, at)
  }

  need(n: number): void {
    if (n > this.buf.length - this.pos)
      this.fail(`truncated: need ${n} more bytes, have ${this.buf.length - this.pos}`)
  }

  u8(): number {
    this.need(1)
    return this.buf[this.pos++]
  }
  u16(): number {
    this.need(2)
    const v = this.buf.readUInt16BE(this.pos)
    this.pos += 2
    return v
  }
  u32(): number {
    this.need(4)
    const v = this.buf.readUInt32BE(this.pos)
    this.pos += 4
    return v
  }
  i32(): number {
    this.need(4)
    const v = this.buf.readInt32BE(this.pos)
    this.pos += 4
    return v
  }
  bytes(n: number): Uint8Array {
    this.need(n)
    const out = this.view.slice(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  /** Elements must each take at least one byte: a count larger than what is left cannot be real. */
  checkCount(n: number, perItem: number, what: string): void {
    if (n * perItem > this.buf.length - this.pos)
      this.fail(`${what} claims ${n} elements but only ${this.buf.length - this.pos} bytes remain`)
  }

  atomBody(tag: number): AtomTerm {
    let len: number
    let utf8: boolean
    switch (tag) {
      case ATOM_EXT:
        len = this.u16()
        utf8 = false
        break
      case SMALL_ATOM_EXT:
        len = this.u8()
        utf8 = false
        break
      case ATOM_UTF8_EXT:
        len = this.u16()
        utf8 = true
        break
      case SMALL_ATOM_UTF8_EXT:
        len = this.u8()
        utf8 = true
        break
      case ATOM_CACHE_REF:
        this.fail('ATOM_CACHE_REF without a negotiated atom cache', this.pos - 1)
      // eslint-disable-next-line no-fallthrough
      default:
        this.fail(`expected an atom, got tag ${tag}`, this.pos - 1)
    }
    this.need(len)
    const b = this.buf
    const p = this.pos
    this.pos += len
    let h = utf8 ? len + 7919 : len
    for (let i = 0; i < len; i++) h = (Math.imul(h, 31) + b[p + i]) | 0
    const slot = (h ^ (h >>> 12)) & (ATOM_SLOTS - 1)
    const key = atomKeys[slot]
    if (key !== undefined && key.length === len && atomUtf8[slot] === utf8) {
      let same = true
      for (let i = 0; i < len; i++) {
        if (key[i] !== b[p + i]) {
          same = false
          break
        }
      }
      if (same) return atomVals[slot]
    }
    const a = atom(b.toString(utf8 ? 'utf8' : 'latin1', p, p + len))
    atomKeys[slot] = this.view.slice(p, p + len)
    atomUtf8[slot] = utf8
    atomVals[slot] = a
    return a
  }

  atomName(): string {
    return this.atomBody(this.u8()).name
  }

  /** A term that may not be a container (fun header fields, node names). */
  scalar(): Term {
    const start = this.pos
    const t = this.u8()
    if (
      t === SMALL_TUPLE_EXT ||
      t === LARGE_TUPLE_EXT ||
      t === LIST_EXT ||
      t === MAP_EXT ||
      t === NEW_FUN_EXT ||
      t === FUN_EXT
    ) {
      this.fail(`unexpected container tag ${t} in a fun header`, start)
    }
    this.pos = start
    return this.term()
  }

  integerField(what: string): number {
    const t = this.scalar()
    if (t.kind !== 'integer' || typeof t.value !== 'number') this.fail(`${what} is not a small integer`)
    return t.value
  }

  bignum(n: number): IntegerTerm {
    const sign = this.u8()
    this.need(n)
    const b = this.buf
    const p = this.pos
    this.pos += n
    if (n <= 6) {
      let v = 0
      for (let i = n - 1; i >= 0; i--) v = v * 256 + b[p + i]
      return { kind: 'integer', value: sign === 0 ? v : v === 0 ? 0 : -v }
    }
    let hex = ''
    for (let i = n - 1; i >= 0; i--) hex += HEX[b[p + i]]
    let v = BigInt('0x' + hex)
    if (sign !== 0) v = -v
    if (v >= MIN_SAFE && v <= MAX_SAFE) return { kind: 'integer', value: Number(v) }
    return { kind: 'integer', value: v }
  }

  term(): Term {
    const stack: Frame[] = []
    for (;;) {
      let value: Term | undefined
      const tagAt = this.pos
      if (++this.terms > this.maxTerms)
        throw new EtfDecodeError(
          `it holds more than ${this.maxTerms.toLocaleString('en-US')} terms`,
          tagAt,
          'reply_too_large'
        )
      const tag = this.u8()
      switch (tag) {
        case SMALL_INTEGER_EXT:
          value = SMALL_INTS[this.u8()]
          break
        case INTEGER_EXT: {
          const v = this.i32()
          value = v >= 0 && v < 256 ? SMALL_INTS[v] : { kind: 'integer', value: v }
          break
        }
        case SMALL_BIG_EXT:
          value = this.bignum(this.u8())
          break
        case LARGE_BIG_EXT: {
          const n = this.u32()
          this.checkCount(n, 1, 'LARGE_BIG_EXT')
          value = this.bignum(n)
          break
        }
        case NEW_FLOAT_EXT: {
          this.need(8)
          const v = this.buf.readDoubleBE(this.pos)
          this.pos += 8
          if (!Number.isFinite(v)) this.fail('non-finite float', tagAt)
          value = { kind: 'float', value: v }
          break
        }
        case FLOAT_EXT: {
          this.need(31)
          const text = this.buf.toString('latin1', this.pos, this.pos + 31).replace(/\0.*$/s, '')
          this.pos += 31
          const v = Number(text.trim())
          if (!/^\s*[-+]?\d/.test(text) || !Number.isFinite(v))
            this.fail(`bad FLOAT_EXT text '${text}'`, tagAt)
          value = { kind: 'float', value: v }
          break
        }
        case ATOM_EXT:
        case SMALL_ATOM_EXT:
        case ATOM_UTF8_EXT:
        case SMALL_ATOM_UTF8_EXT:
        case ATOM_CACHE_REF:
          value = this.atomBody(tag)
          break
        case NIL_EXT:
          value = NIL
          break
        case STRING_EXT: {
          const n = this.u16()
          value = { kind: 'string', bytes: this.bytes(n) }
          break
        }
        case BINARY_EXT: {
          const n = this.u32()
          value = { kind: 'binary', data: this.bytes(n) }
          break
        }
        case BIT_BINARY_EXT: {
          const n = this.u32()
          const bits = this.u8()
          if (n === 0 ? bits !== 0 : bits < 1 || bits > 8)
            this.fail(`BIT_BINARY_EXT with ${bits} bits in the last byte`, tagAt)
          const data = this.bytes(n)
          value = bits === 8 || n === 0 ? { kind: 'binary', data } : { kind: 'bitstring', data, bits }
          break
        }
        case NEW_PID_EXT:
        case PID_EXT: {
          const node = this.atomName()
          const id = this.u32()
          const serial = this.u32()
          const creation = tag === NEW_PID_EXT ? this.u32() : this.u8()
          value = { kind: 'pid', node, id, serial, creation }
          break
        }
        case NEW_PORT_EXT:
        case PORT_EXT:
        case V4_PORT_EXT: {
          const node = this.atomName()
          let id: bigint
          if (tag === V4_PORT_EXT) {
            this.need(8)
            id = this.buf.readBigUInt64BE(this.pos)
            this.pos += 8
          } else id = BigInt(this.u32())
          const creation = tag === PORT_EXT ? this.u8() : this.u32()
          value = { kind: 'port', node, id, creation }
          break
        }
        case NEWER_REFERENCE_EXT:
        case NEW_REFERENCE_EXT: {
          const n = this.u16()
          if (n > 5) this.fail(`reference with ${n} ID words (at most 5)`, tagAt)
          const node = this.atomName()
          const creation = tag === NEWER_REFERENCE_EXT ? this.u32() : this.u8()
          const ids: number[] = []
          for (let i = 0; i < n; i++) ids.push(this.u32())
          value = { kind: 'ref', node, creation, ids }
          break
        }
        case REFERENCE_EXT: {
          const node = this.atomName()
          const id = this.u32()
          const creation = this.u8()
          value = { kind: 'ref', node, creation, ids: [id] }
          break
        }
        case EXPORT_EXT: {
          const module = this.atomName()
          const name = this.atomName()
          const arity = this.integerField('EXPORT_EXT arity')
          value = { kind: 'export', module, name, arity }
          break
        }
        case LOCAL_EXT:
          this.pos = tagAt
          value = { kind: 'local', bytes: this.bytes(this.buf.length - tagAt) }
          break
        case SMALL_TUPLE_EXT:
        case LARGE_TUPLE_EXT: {
          const n = tag === SMALL_TUPLE_EXT ? this.u8() : this.u32()
          if (n === 0) value = { kind: 'tuple', elements: [] }
          else {
            this.checkCount(n, 1, 'tuple')
            this.push(stack, F_TUPLE, n, tagAt)
          }
          break
        }
        case LIST_EXT: {
          const n = this.u32()
          this.checkCount(n + 1, 1, 'list')
          this.push(stack, F_LIST, n + 1, tagAt)
          break
        }
        case MAP_EXT: {
          const n = this.u32()
          if (n === 0) value = { kind: 'map', entries: [] }
          else {
            this.checkCount(n, 2, 'map')
            this.push(stack, F_MAP, n * 2, tagAt)
          }
          break
        }
        case NEW_FUN_EXT: {
          const size = this.u32()
          if (size < 1 || size - 1 > this.buf.length - tagAt)
            this.fail(`NEW_FUN_EXT size ${size} overruns the input`, tagAt)
          const arity = this.u8()
          const uniq = this.bytes(16)
          const index = this.u32()
          const numFree = this.u32()
          this.checkCount(numFree, 1, 'fun free variables')
          const module = this.atomName()
          const oldIndex = this.integerField('fun OldIndex')
          const oldUniq = this.integerField('fun OldUniq')
          const pid = this.scalar()
          const fun: FunHeader = { module, arity, uniq, index, oldIndex, oldUniq, pid }
          if (numFree === 0) value = { kind: 'fun', ...fun, free: [] }
          else this.push(stack, F_FUN, numFree, tagAt).fun = fun
          break
        }
        case FUN_EXT: {
          const numFree = this.u32()
          this.checkCount(numFree, 1, 'fun free variables')
          const pid = this.scalar()
          const module = this.atomName()
          const index = this.integerField('FUN_EXT Index')
          const uniq = this.integerField('FUN_EXT Uniq')
          const fun: FunHeader = {
            module,
            arity: -1,
            uniq: new Uint8Array(16),
            index,
            oldIndex: index,
            oldUniq: uniq,
            pid
          }
          if (numFree === 0) value = { kind: 'fun', ...fun, free: [] }
          else this.push(stack, F_FUN, numFree, tagAt).fun = fun
          break
        }
        case RECORD_EXT: {
          const n = this.u32()
          const flags = this.u8()
          if (flags > 1) this.fail(`RECORD_EXT flags ${flags} (0 or 1)`, tagAt)
          // each field takes a name atom (at least 2 bytes) and a value (at least 1)
          this.checkCount(n, 3, 'RECORD_EXT')
          const module = this.atomName()
          const name = this.atomName()
          const fieldNames: string[] = []
          for (let i = 0; i < n; i++) fieldNames.push(this.atomName())
          const record: RecordHeader = { module, name, exported: flags === 1, fieldNames }
          if (n === 0) value = { kind: 'record', module, name, exported: record.exported, fields: [] }
          else this.push(stack, F_RECORD, n, tagAt).record = record
          break
        }
        case COMPRESSED:
          this.fail('COMPRESSED is only allowed at the top level', tagAt)
        // eslint-disable-next-line no-fallthrough
        default:
          this.fail(`unknown tag ${tag}`, tagAt)
      }
      while (value !== undefined) {
        const top = stack[stack.length - 1]
        if (top === undefined) return value
        value = this.add(top, value)
        if (value !== undefined) this.pool.push(stack.pop() as Frame)
      }
    }
  }

  push(stack: Frame[], type: number, count: number, at: number): Frame {
    if (stack.length >= this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth}`, at)
    // a container of more elements than the term budget has left is refused at its header,
    // before its element array is allocated
    if (count > this.maxTerms - this.terms)
      throw new EtfDecodeError(
        `it holds more than ${this.maxTerms.toLocaleString('en-US')} terms`,
        at,
        'reply_too_large'
      )
    const items = new Array<Term>(type === F_MAP ? count >>> 1 : type === F_LIST ? count - 1 : count)
    let f = this.pool.pop()
    if (f === undefined)
      f = { type, items, index: 0, count, key: undefined, fun: undefined, record: undefined }
    else {
      f.type = type
      f.items = items
      f.index = 0
      f.count = count
      f.key = undefined
      f.fun = undefined
      f.record = undefined
    }
    stack.push(f)
    return f
  }

  /** Adds a child to a frame; returns the finished container when it is complete. */
  add(f: Frame, value: Term): Term | undefined {
    switch (f.type) {
      case F_TUPLE:
        f.items[f.index++] = value
        return f.index === f.count ? { kind: 'tuple', elements: f.items } : undefined
      case F_LIST:
        if (f.index === f.count - 1)
          return f.index === 0 ? value : { kind: 'list', elements: f.items, tail: value }
        f.items[f.index++] = value
        return undefined
      case F_MAP:
        if (f.key === undefined) {
          f.key = value
          return undefined
        }
        ;(f.items as unknown as Array<readonly [Term, Term]>)[f.index++] = [f.key, value]
        f.key = undefined
        return f.index * 2 === f.count
          ? { kind: 'map', entries: f.items as unknown as Array<readonly [Term, Term]> }
          : undefined
      case F_RECORD: {
        f.items[f.index++] = value
        if (f.index !== f.count) return undefined
        const r = f.record as RecordHeader
        const fields = r.fieldNames.map((field, i) => [field, f.items[i]] as const)
        return { kind: 'record', module: r.module, name: r.name, exported: r.exported, fields }
      }
      default:
        f.items[f.index++] = value
        return f.index === f.count ? { kind: 'fun', ...(f.fun as FunHeader), free: f.items } : undefined
    }
  }
}

/** A direct-mapped cache from atom bytes to interned atom terms: repeated atoms cost no string. */
const ATOM_SLOTS = 4096
const atomKeys: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(ATOM_SLOTS).fill(undefined)
const atomUtf8: boolean[] = new Array<boolean>(ATOM_SLOTS).fill(false)
const atomVals: AtomTerm[] = new Array<AtomTerm>(ATOM_SLOTS)

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER)
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

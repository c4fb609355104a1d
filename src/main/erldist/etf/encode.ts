import { EtfEncodeError } from './errors'
import * as T from './tags'
import type { Term } from './types'

const MAX_U32 = 0xffffffffn

/** Growable output buffer. */
export class Writer {
  buf: Buffer
  pos = 0
  constructor(size = 256) {
    this.buf = Buffer.allocUnsafe(size)
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.pos + n) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
  }
  u8(v: number): void {
    this.ensure(1)
    this.buf[this.pos++] = v
  }
  u16(v: number): void {
    this.ensure(2)
    this.buf.writeUInt16BE(v, this.pos)
    this.pos += 2
  }
  u32(v: number): void {
    this.ensure(4)
    this.buf.writeUInt32BE(v >>> 0, this.pos)
    this.pos += 4
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
  }
  result(): Buffer {
    return this.buf.subarray(0, this.pos)
  }
}

/** `term_to_binary/1`: `131` + the term. Throws EtfEncodeError for what a node would reject. */
export function encode(term: Term): Buffer {
  const w = new Writer()
  w.u8(T.VERSION_MAGIC)
  encodeInto(w, term)
  return Buffer.from(w.result())
}

function atomInto(w: Writer, name: string): void {
  const b = Buffer.from(name, 'utf8')
  if ([...name].length > 255) throw new EtfEncodeError(`atom of more than 255 characters`)
  if (b.length <= 255) {
    w.u8(T.SMALL_ATOM_UTF8_EXT)
    w.u8(b.length)
  } else {
    w.u8(T.ATOM_UTF8_EXT)
    w.u16(b.length)
  }
  w.bytes(b)
}

function u32Field(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
    throw new EtfEncodeError(`${what} ${v} is not a 32-bit unsigned integer`)
  return v
}

function integerInto(w: Writer, value: number | bigint): void {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new EtfEncodeError(`integer term with non-integer value ${value}`)
    if (value >= 0 && value <= 255) {
      w.u8(T.SMALL_INTEGER_EXT)
      w.u8(value)
      return
    }
    if (value >= -0x80000000 && value <= 0x7fffffff) {
      w.u8(T.INTEGER_EXT)
      w.ensure(4)
      w.buf.writeInt32BE(value, w.pos)
      w.pos += 4
      return
    }
    value = BigInt(value)
  }
  if (value >= -0x80000000n && value <= 0x7fffffffn) return integerInto(w, Number(value))
  const negative = value < 0n
  let mag = negative ? -value : value
  const digits: number[] = []
  while (mag > 0n) {
    digits.push(Number(mag & 0xffn))
    mag >>= 8n
  }
  if (digits.length <= 255) {
    w.u8(T.SMALL_BIG_EXT)
    w.u8(digits.length)
  } else {
    w.u8(T.LARGE_BIG_EXT)
    w.u32(digits.length)
  }
  w.u8(negative ? 1 : 0)
  w.bytes(Uint8Array.from(digits))
}

/** Appends a term (without the version byte). Iterative, so deep lists do not exhaust the stack. */
export function encodeInto(w: Writer, root: Term): void {
  const work: Term[] = [root]
  while (work.length > 0) {
    const t = work.pop() as Term
    switch (t.kind) {
      case 'atom':
        atomInto(w, t.name)
        break
      case 'integer':
        integerInto(w, t.value)
        break
      case 'float':
        if (!Number.isFinite(t.value)) throw new EtfEncodeError(`non-finite float ${t.value}`)
        w.u8(T.NEW_FLOAT_EXT)
        w.ensure(8)
        w.buf.writeDoubleBE(t.value, w.pos)
        w.pos += 8
        break
      case 'binary':
        w.u8(T.BINARY_EXT)
        w.u32(t.data.length)
        w.bytes(t.data)
        break
      case 'bitstring':
        if (t.data.length === 0 || t.bits < 1 || t.bits > 8)
          throw new EtfEncodeError(`bitstring with ${t.bits} bits in the last of ${t.data.length} bytes`)
        w.u8(T.BIT_BINARY_EXT)
        w.u32(t.data.length)
        w.u8(t.bits)
        w.bytes(t.data)
        break
      case 'nil':
        w.u8(T.NIL_EXT)
        break
      case 'string':
        if (t.bytes.length === 0) w.u8(T.NIL_EXT)
        else if (t.bytes.length <= 0xffff) {
          w.u8(T.STRING_EXT)
          w.u16(t.bytes.length)
          w.bytes(t.bytes)
        } else {
          w.u8(T.LIST_EXT)
          w.u32(t.bytes.length)
          for (const b of t.bytes) {
            w.u8(T.SMALL_INTEGER_EXT)
            w.u8(b)
          }
          w.u8(T.NIL_EXT)
        }
        break
      case 'tuple':
        if (t.elements.length <= 255) {
          w.u8(T.SMALL_TUPLE_EXT)
          w.u8(t.elements.length)
        } else {
          w.u8(T.LARGE_TUPLE_EXT)
          w.u32(t.elements.length)
        }
        for (let i = t.elements.length - 1; i >= 0; i--) work.push(t.elements[i])
        break
      case 'list':
        if (t.elements.length === 0) {
          work.push(t.tail)
          break
        }
        w.u8(T.LIST_EXT)
        w.u32(t.elements.length)
        work.push(t.tail)
        for (let i = t.elements.length - 1; i >= 0; i--) work.push(t.elements[i])
        break
      case 'map':
        w.u8(T.MAP_EXT)
        w.u32(t.entries.length)
        for (let i = t.entries.length - 1; i >= 0; i--) work.push(t.entries[i][1], t.entries[i][0])
        break
      case 'pid':
        w.u8(T.NEW_PID_EXT)
        atomInto(w, t.node)
        w.u32(u32Field(t.id, 'pid id'))
        w.u32(u32Field(t.serial, 'pid serial'))
        w.u32(u32Field(t.creation, 'pid creation'))
        break
      case 'port':
        if (t.id < 0n || t.id > 0xffffffffffffffffn) throw new EtfEncodeError(`port id ${t.id} out of range`)
        if (t.id <= MAX_U32) {
          w.u8(T.NEW_PORT_EXT)
          atomInto(w, t.node)
          w.u32(Number(t.id))
        } else {
          w.u8(T.V4_PORT_EXT)
          atomInto(w, t.node)
          w.ensure(8)
          w.buf.writeBigUInt64BE(t.id, w.pos)
          w.pos += 8
        }
        w.u32(u32Field(t.creation, 'port creation'))
        break
      case 'ref':
        if (t.ids.length < 1 || t.ids.length > 5)
          throw new EtfEncodeError(`reference with ${t.ids.length} ID words`)
        w.u8(T.NEWER_REFERENCE_EXT)
        w.u16(t.ids.length)
        atomInto(w, t.node)
        w.u32(u32Field(t.creation, 'ref creation'))
        for (const id of t.ids) w.u32(u32Field(id, 'ref id'))
        break
      case 'export':
        if (!Number.isInteger(t.arity) || t.arity < 0 || t.arity > 255)
          throw new EtfEncodeError(`export arity ${t.arity}`)
        w.u8(T.EXPORT_EXT)
        atomInto(w, t.module)
        atomInto(w, t.name)
        w.u8(T.SMALL_INTEGER_EXT)
        w.u8(t.arity)
        break
      case 'fun': {
        if (t.arity < 0 || t.arity > 255 || t.uniq.length !== 16)
          throw new EtfEncodeError('fun without a NEW_FUN_EXT arity and 16-byte uniq')
        const start = w.pos
        w.u8(T.NEW_FUN_EXT)
        w.u32(0)
        w.u8(t.arity)
        w.bytes(t.uniq)
        w.u32(u32Field(t.index, 'fun index'))
        w.u32(t.free.length)
        atomInto(w, t.module)
        integerInto(w, t.oldIndex)
        integerInto(w, t.oldUniq)
        encodeInto(w, t.pid)
        for (const f of t.free) encodeInto(w, f)
        w.buf.writeUInt32BE(w.pos - start - 1, start + 1)
        break
      }
      case 'local':
        throw new EtfEncodeError('LOCAL_EXT terms cannot be sent')
      case 'record':
        // RECORD_EXT: tag, Arity u32, Flags u8, Module, Name, Arity field-name atoms, Arity values
        w.u8(T.RECORD_EXT)
        w.u32(t.fields.length)
        w.u8(t.exported ? 1 : 0)
        atomInto(w, t.module)
        atomInto(w, t.name)
        for (const [field] of t.fields) atomInto(w, field)
        for (let i = t.fields.length - 1; i >= 0; i--) work.push(t.fields[i][1])
        break
    }
  }
}

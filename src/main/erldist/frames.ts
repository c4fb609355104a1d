import { AppError } from '../app-error'
import { decodeAt, type DecodeOptions } from './etf/decode'
import { EtfDecodeError } from './etf/errors'
import { SMALL_TUPLE_EXT, VERSION_MAGIC } from './etf/tags'
import type { RefTerm, Term } from './etf/types'

/** PASS_THROUGH: the first byte of every distribution payload when no atom cache is negotiated. */
export const PASS_THROUGH = 112

/**
 * The largest distribution frame accepted: every collector reply is small by construction, and a
 * peer that announces more is refused at the length prefix, before any of it is buffered.
 */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024

/** The peer announced a frame over the limit: said in words, with both sizes. */
export function frameTooLarge(bytes: number, limit: number): AppError {
  return new AppError(
    'reply_too_large',
    `The node sent a reply of ${bytes.toLocaleString('en-US')} bytes; erlscope accepts at most ${limit.toLocaleString('en-US')} bytes in one reply, so it closed the connection without reading it. Ask for less (a smaller limit, or a summary computed on the node).`
  )
}

/**
 * Incremental length-prefixed frame parser (2-byte lengths during the handshake, 4-byte after).
 * Chunks are kept as a list and joined once per frame, so a large frame costs one copy.
 */
export class FrameParser {
  private chunks: Buffer[] = []
  private buffered = 0
  private need = -1

  constructor(
    readonly lengthBytes: 2 | 4,
    readonly maxFrame = MAX_FRAME_BYTES
  ) {}

  /** Feeds bytes; returns every complete frame (a zero-length frame is a tick: an empty Buffer). */
  push(chunk: Uint8Array): Buffer[] {
    this.feed(chunk)
    const out: Buffer[] = []
    for (let f = this.next(); f !== undefined; f = this.next()) out.push(f)
    return out
  }

  feed(chunk: Uint8Array): void {
    if (chunk.length === 0) return
    this.chunks.push(
      Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    )
    this.buffered += chunk.length
  }

  /** The next complete frame, or undefined until more bytes arrive. */
  next(): Buffer | undefined {
    if (this.need < 0) {
      if (this.buffered < this.lengthBytes) return undefined
      const head = this.take(this.lengthBytes)
      this.need = this.lengthBytes === 2 ? head.readUInt16BE(0) : head.readUInt32BE(0)
      if (this.need > this.maxFrame) {
        const n = this.need
        this.need = -1
        throw frameTooLarge(n, this.maxFrame)
      }
    }
    if (this.buffered < this.need) return undefined
    const frame = this.take(this.need)
    this.need = -1
    return frame
  }

  /** Bytes received but not yet part of a returned frame. */
  get pending(): number {
    return this.buffered
  }

  /** Everything buffered, raw (used when switching from 2-byte to 4-byte framing). */
  drain(): Buffer {
    if (this.need >= 0) {
      const head = Buffer.alloc(this.lengthBytes)
      if (this.lengthBytes === 2) head.writeUInt16BE(this.need)
      else head.writeUInt32BE(this.need)
      this.chunks.unshift(head)
    }
    const all = Buffer.concat(this.chunks)
    this.chunks = []
    this.buffered = 0
    this.need = -1
    return all
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0)
    const first = this.chunks[0]
    if (first.length >= n) {
      const out = first.subarray(0, n)
      if (first.length === n) this.chunks.shift()
      else this.chunks[0] = first.subarray(n)
      this.buffered -= n
      return out
    }
    const out = Buffer.allocUnsafe(n)
    let off = 0
    while (off < n) {
      const c = this.chunks[0]
      const k = Math.min(c.length, n - off)
      c.copy(out, off, 0, k)
      off += k
      if (k === c.length) this.chunks.shift()
      else this.chunks[0] = c.subarray(k)
    }
    this.buffered -= n
    return out
  }
}

export interface DistMessage {
  control: Term
  message?: Term
}

/** Splits a payload `112, 131 Control [, 131 Message]`. */
export function parseDistPayload(frame: Buffer, options?: DecodeOptions): DistMessage {
  if (frame.length === 0 || frame[0] !== PASS_THROUGH) {
    throw new EtfDecodeError(
      `distribution payload starts with ${frame[0]}, expected ${PASS_THROUGH} (pass-through)`,
      0
    )
  }
  const { term: control, end } = decodeAt(frame, 1, options)
  if (end === frame.length) return { control }
  const { term: message, end: end2 } = decodeAt(frame, end, options)
  if (end2 !== frame.length)
    throw new EtfDecodeError(`${frame.length - end2} trailing bytes after the message`, end2)
  return { control, message }
}

/** Builds a frame `Len:32, 112, 131 Control [, 131 Message]` from encoded terms. */
export function buildDistFrame(control: Buffer, message?: Buffer): Buffer {
  const len = 1 + control.length + (message?.length ?? 0)
  const out = Buffer.allocUnsafe(4 + len)
  out.writeUInt32BE(len, 0)
  out[4] = PASS_THROUGH
  control.copy(out, 5)
  if (message) message.copy(out, 5 + control.length)
  return out
}

/** How many bytes after `{` may hold the reference of a reply (NEWER_REFERENCE_EXT with a long node name). */
const REF_PEEK_BYTES = 600

/**
 * The reference of a `{Ref, Reply}` message whose payload did not decode, read from its first
 * bytes only, so the one call it answers can fail at once; undefined when it cannot be told.
 */
export function replyRefOf(frame: Buffer): RefTerm | undefined {
  try {
    if (frame.length === 0 || frame[0] !== PASS_THROUGH) return undefined
    const { end } = decodeAt(frame, 1, { maxTerms: 64 })
    if (frame[end] !== VERSION_MAGIC || frame[end + 1] !== SMALL_TUPLE_EXT || frame[end + 2] !== 2)
      return undefined
    const head = Buffer.concat([
      Buffer.from([VERSION_MAGIC]),
      frame.subarray(end + 3, end + 3 + REF_PEEK_BYTES)
    ])
    const { term } = decodeAt(head, 0, { maxTerms: 8 })
    return term.kind === 'ref' ? term : undefined
  } catch {
    return undefined
  }
}

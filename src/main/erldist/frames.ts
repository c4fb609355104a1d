import { AppError } from '../app-error'
import { decodeAt, type DecodeOptions } from './etf/decode'
import { EtfDecodeError } from './etf/errors'
import type { Term } from './etf/types'

/** PASS_THROUGH: the first byte of every distribution payload when no atom cache is negotiated. */
export const PASS_THROUGH = 112

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
    readonly maxFrame = 1 << 30
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
        throw new AppError(
          'decode_error',
          `A distribution frame of ${n} bytes exceeds the ${this.maxFrame}-byte limit.`
        )
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

import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decode, EtfDecodeError } from '../../../src/main/erldist/etf'
import { FrameParser, parseDistPayload } from '../../../src/main/erldist/frames'
import { AppError } from '../../../src/main/app-error'
import { prng } from './prng'

const dir = join(import.meta.dirname, '../../fixtures/vectors/otp27')
const seeds = readdirSync(dir)
  .filter((f) => f.endsWith('.etf'))
  .map((f) => readFileSync(join(dir, f)))
  .filter((b) => b.length < 20_000)

/** Decoding must either succeed or throw EtfDecodeError: nothing else, and no hang (the loop is bounded by the input). */
function tryDecode(bytes: Buffer): void {
  try {
    decode(bytes, { maxUncompressedBytes: 1 << 20, maxDepth: 10_000 })
  } catch (e) {
    if (!(e instanceof EtfDecodeError))
      throw new Error(`non-typed error for ${bytes.toString('hex').slice(0, 200)}: ${String(e)}`)
  }
}

describe('decoder fuzz', () => {
  it('random byte strings after 131', () => {
    const r = prng(0xe71)
    for (let i = 0; i < 20_000; i++) {
      const n = Math.floor(r() * 64)
      const b = Buffer.alloc(n + 1)
      b[0] = 131
      for (let j = 1; j <= n; j++)
        b[j] =
          r() < 0.5
            ? Math.floor(r() * 256)
            : [97, 98, 104, 106, 107, 108, 109, 110, 116, 118, 119, 88, 90, 112, 113][Math.floor(r() * 15)]
      tryDecode(b)
    }
  })

  it('mutated real vectors (bit flips, byte changes, truncation, splices)', () => {
    const r = prng(42)
    for (let i = 0; i < 6_000; i++) {
      const src = seeds[Math.floor(r() * seeds.length)]
      let b = Buffer.from(src)
      const ops = 1 + Math.floor(r() * 4)
      for (let k = 0; k < ops; k++) {
        const at = Math.floor(r() * b.length)
        const op = Math.floor(r() * 5)
        if (op === 0) b[at] ^= 1 << Math.floor(r() * 8)
        else if (op === 1) b[at] = Math.floor(r() * 256)
        else if (op === 2) b = b.subarray(0, at)
        else if (op === 3) b[at] = 0xff
        else b = Buffer.concat([b.subarray(0, at), src.subarray(Math.floor(r() * src.length))])
      }
      tryDecode(b)
    }
  })

  it('length fields set to 2^32-1 do not allocate', () => {
    const r = prng(7)
    for (let i = 0; i < 2_000; i++) {
      const src = seeds[Math.floor(r() * seeds.length)]
      const b = Buffer.from(src)
      const at = 1 + Math.floor(r() * Math.max(1, b.length - 5))
      b.writeUInt32BE(0xffffffff, Math.min(at, b.length - 4))
      tryDecode(b)
    }
  })
})

describe('frame parser fuzz', () => {
  it('random chunks of random frames give only frames or typed errors', () => {
    const r = prng(99)
    for (let i = 0; i < 3_000; i++) {
      const p = new FrameParser(4, 1 << 16)
      const n = Math.floor(r() * 200)
      const bytes = Buffer.alloc(n)
      for (let j = 0; j < n; j++) bytes[j] = r() < 0.3 ? 0 : r() < 0.5 ? 112 : Math.floor(r() * 256)
      let off = 0
      try {
        while (off < n) {
          const k = 1 + Math.floor(r() * 20)
          for (const f of p.push(bytes.subarray(off, off + k))) {
            if (f.length === 0) continue
            try {
              parseDistPayload(f, { maxDepth: 1000, maxUncompressedBytes: 1 << 16 })
            } catch (e) {
              expect(e).toBeInstanceOf(EtfDecodeError)
            }
          }
          off += k
        }
      } catch (e) {
        expect(e).toBeInstanceOf(AppError)
      }
    }
  })
})

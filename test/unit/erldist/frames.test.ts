import { describe, expect, it } from 'vitest'
import {
  buildDistFrame,
  FrameParser,
  parseDistPayload,
  PASS_THROUGH,
  replyRefOf
} from '../../../src/main/erldist/frames'
import {
  atom,
  encode,
  int,
  termEquals,
  tuple,
  binary,
  type RefTerm,
  type Term
} from '../../../src/main/erldist/etf'
import { AppError } from '../../../src/main/app-error'

function frame4(payload: Buffer): Buffer {
  const b = Buffer.alloc(4 + payload.length)
  b.writeUInt32BE(payload.length)
  payload.copy(b, 4)
  return b
}

const control = tuple(int(22), atom('a@b'), atom('rex'))
const message = tuple(atom('x'), binary('hello'), int(123456789012345678901234567890n))
const stream = Buffer.concat([
  buildDistFrame(encode(control), encode(message)),
  Buffer.alloc(4),
  buildDistFrame(encode(tuple(int(6), atom('p'), atom(''), atom('rex'))), encode(atom('m'))),
  frame4(Buffer.from([PASS_THROUGH, ...encode(tuple(int(35), int(1), atom('a'), atom('b')))]))
])

describe('FrameParser', () => {
  it('yields the same frames whatever two-way split the stream arrives in', () => {
    const whole = new FrameParser(4).push(stream)
    expect(whole.map((f) => f.length)).toEqual([whole[0].length, 0, whole[2].length, whole[3].length])
    for (let i = 0; i <= stream.length; i++) {
      const p = new FrameParser(4)
      const got = [...p.push(stream.subarray(0, i)), ...p.push(stream.subarray(i))]
      expect(got).toEqual(whole)
      expect(p.pending).toBe(0)
    }
  })

  it('yields the same frames when fed one byte at a time, and at every three-way split', () => {
    const whole = new FrameParser(4).push(stream)
    const p = new FrameParser(4)
    const got: Buffer[] = []
    for (const b of stream) got.push(...p.push(Buffer.from([b])))
    expect(got).toEqual(whole)
    for (let i = 0; i < stream.length; i += 3) {
      for (let j = i; j <= stream.length; j += 5) {
        const q = new FrameParser(4)
        const r = [
          ...q.push(stream.subarray(0, i)),
          ...q.push(stream.subarray(i, j)),
          ...q.push(stream.subarray(j))
        ]
        expect(r).toEqual(whole)
      }
    }
  })

  it('splits handshake messages with 2-byte lengths at every byte', () => {
    const msgs = [Buffer.from('sok'), Buffer.from([0x61, ...new Array(16).fill(7)])]
    const s = Buffer.concat(msgs.map((m) => Buffer.concat([Buffer.from([0, m.length]), m])))
    for (let i = 0; i <= s.length; i++) {
      const p = new FrameParser(2)
      expect([...p.push(s.subarray(0, i)), ...p.push(s.subarray(i))]).toEqual(msgs)
    }
  })

  it('refuses a frame larger than its limit before buffering it', () => {
    const p = new FrameParser(4, 1024)
    const head = Buffer.alloc(4)
    head.writeUInt32BE(0xffffffff)
    expect(() => p.push(head)).toThrow(AppError)
  })

  it('by default refuses a frame over 64 MiB at its length prefix, as reply_too_large in words', () => {
    const p = new FrameParser(4)
    const head = Buffer.alloc(4)
    head.writeUInt32BE(64 * 1024 * 1024 + 1)
    expect(() => p.push(head)).toThrow(
      expect.objectContaining({ code: 'reply_too_large', message: expect.stringMatching(/67,108,865 bytes/) })
    )
    const q = new FrameParser(4)
    head.writeUInt32BE(64 * 1024 * 1024)
    expect(q.push(head)).toEqual([])
    expect(q.pending).toBe(0)
  })

  it('finds the reference of a {Ref, Reply} whose reply does not decode', () => {
    const ref: RefTerm = { kind: 'ref', node: 'a@b', creation: 7, ids: [1, 2, 3] }
    const bad = Buffer.concat([
      Buffer.from([PASS_THROUGH]),
      encode(tuple(int(2), atom(''), atom('x'))),
      encode(tuple(ref, atom('ok'))).subarray(0, -4),
      Buffer.from([255])
    ])
    expect(() => parseDistPayload(bad)).toThrow()
    expect(replyRefOf(bad)).toEqual(ref)
    expect(replyRefOf(Buffer.from([PASS_THROUGH, 131, 255]))).toBeUndefined()
  })

  it('drain hands back unparsed bytes', () => {
    const p = new FrameParser(2)
    expect(p.push(Buffer.from([0, 2, 1, 2, 0, 9, 1]))).toEqual([Buffer.from([1, 2])])
    expect(p.drain()).toEqual(Buffer.from([0, 9, 1]))
    expect(p.push(Buffer.from([0, 2, 1, 2, 0]))).toEqual([Buffer.from([1, 2])])
    expect(p.drain()).toEqual(Buffer.from([0]))
  })
})

describe('parseDistPayload', () => {
  it('splits control and message', () => {
    const [f] = new FrameParser(4).push(stream)
    const { control: c, message: m } = parseDistPayload(f)
    expect(termEquals(c, control)).toBe(true)
    expect(termEquals(m as Term, message)).toBe(true)
  })
  it('accepts a control without message', () => {
    const { control: c, message: m } = parseDistPayload(Buffer.from([PASS_THROUGH, ...encode(atom('x'))]))
    expect(c).toEqual(atom('x'))
    expect(m).toBeUndefined()
  })
  it('rejects payloads that are not pass-through or have trailing bytes', () => {
    expect(() => parseDistPayload(Buffer.from([68, 131, 106]))).toThrow(/pass-through/)
    expect(() => parseDistPayload(Buffer.from([PASS_THROUGH, 131, 106, 131, 106, 0]))).toThrow(/trailing/)
  })
})

describe('frame edges (what mutation testing found untested)', () => {
  it('accepts a frame of exactly the limit and refuses one byte more, with both sizes in words', () => {
    const ok = new FrameParser(4, 8)
    expect(ok.push(Buffer.from([0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]))).toEqual([
      Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])
    ])
    const two = new FrameParser(2, 8)
    expect(() => two.push(Buffer.from([0, 9]))).toThrow(
      expect.objectContaining({
        code: 'reply_too_large',
        message: expect.stringMatching(/^The node sent a reply of 9 bytes; .* at most 8 bytes/)
      })
    )
  })

  it('drain puts back a length prefix already read, in the framing of the parser', () => {
    const p2 = new FrameParser(2)
    expect(p2.push(Buffer.from([0, 5, 0x61, 0x62]))).toEqual([])
    expect(p2.drain()).toEqual(Buffer.from([0, 5, 0x61, 0x62]))
    expect(p2.pending).toBe(0)
    const p4 = new FrameParser(4)
    expect(p4.push(Buffer.from([0, 0, 1, 2, 9]))).toEqual([])
    expect(p4.drain()).toEqual(Buffer.from([0, 0, 1, 2, 9]))
    // after a drain the parser starts over at a length prefix
    expect(p4.push(Buffer.from([0, 0, 0, 1, 7]))).toEqual([Buffer.from([7])])
  })

  it('keeps frames apart when one chunk holds a frame and the start of the next', () => {
    const p = new FrameParser(4)
    expect(p.push(Buffer.from([0, 0, 0, 2, 1, 2, 0, 0]))).toEqual([Buffer.from([1, 2])])
    expect(p.pending).toBe(2)
    expect(p.push(Buffer.from([0, 1, 3]))).toEqual([Buffer.from([3])])
    expect(p.pending).toBe(0)
  })

  it('builds a frame with a control message only', () => {
    const c = encode(tuple(int(6), atom('a@b'), atom(''), atom('rex')))
    const f = buildDistFrame(c)
    expect(f.readUInt32BE(0)).toBe(1 + c.length)
    expect(f.length).toBe(5 + c.length)
    const [payload] = new FrameParser(4).push(f)
    const parsed = parseDistPayload(payload)
    expect(termEquals(parsed.control, tuple(int(6), atom('a@b'), atom(''), atom('rex')))).toBe(true)
    expect(parsed.message).toBeUndefined()
  })

  it('says how many bytes trail the message, and what the payload started with', () => {
    expect(() => parseDistPayload(Buffer.from([PASS_THROUGH, 131, 106, 131, 106, 0, 0]))).toThrow(
      /: 2 trailing bytes after the message\b/
    )
    expect(() => parseDistPayload(Buffer.from([68, 131, 106]))).toThrow(
      /: distribution payload starts with 68, expected 112 \(pass-through\)/
    )
  })
})

describe('buildDistFrame bytes', () => {
  it('writes Len:32, 112, Control then Message, with Len counting all of them', () => {
    const c = encode(atom('c'))
    const m = encode(binary(Buffer.from('xyz')))
    const f = buildDistFrame(c, m)
    expect(f.readUInt32BE(0)).toBe(1 + c.length + m.length)
    expect(f.length).toBe(4 + 1 + c.length + m.length)
    expect(f[4]).toBe(PASS_THROUGH)
    expect(f.subarray(5, 5 + c.length).equals(c)).toBe(true)
    expect(f.subarray(5 + c.length).equals(m)).toBe(true)
  })
})

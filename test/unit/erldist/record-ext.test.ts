import { describe, expect, it } from 'vitest'
import {
  decode,
  encode,
  EtfDecodeError,
  formatTerm,
  int,
  atom,
  termEquals,
  tuple,
  type RecordTerm,
  type Term
} from '../../../src/main/erldist/etf'
import { buildDistFrame, FrameParser, parseDistPayload } from '../../../src/main/erldist/frames'
import * as F from '../../../src/main/erldist/flags'

/**
 * Vectors built byte by byte from the RECORD_EXT layout (OTP 29, docs/term-formats.md):
 *   67 | Arity u32 | Flags u8 | Module | Name | Arity field-name atoms | Arity values
 */
const sAtom = (name: string): number[] => [119, name.length, ...Buffer.from(name, 'utf8')]
const u32 = (n: number): number[] => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]
const float1 = [70, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0] // NEW_FLOAT_EXT 1.0

/** #geometry:vec{x = 1.0, y = 7}, exported. */
const VEC = Buffer.from([
  131,
  67,
  ...u32(2),
  1,
  ...sAtom('geometry'),
  ...sAtom('vec'),
  ...sAtom('x'),
  ...sAtom('y'),
  ...float1,
  97,
  7
])

/** {ok, #shop:order{id = 42, lines = [#shop:line{}]}}, not exported; the inner record has no fields. */
const NESTED = Buffer.from([
  131,
  104,
  2,
  ...sAtom('ok'),
  67,
  ...u32(2),
  0,
  ...sAtom('shop'),
  ...sAtom('order'),
  ...sAtom('id'),
  ...sAtom('lines'),
  97,
  42,
  108,
  ...u32(1),
  67,
  ...u32(0),
  0,
  ...sAtom('shop'),
  ...sAtom('line'),
  106
])

describe('RECORD_EXT (OTP 29 native records)', () => {
  it('decodes a record: module, name, exported flag, fields paired with values in wire order', () => {
    const t = decode(VEC) as RecordTerm
    expect(t.kind).toBe('record')
    expect(t.module).toBe('geometry')
    expect(t.name).toBe('vec')
    expect(t.exported).toBe(true)
    expect(t.fields.map(([f]) => f)).toEqual(['x', 'y'])
    expect(t.fields[0][1]).toEqual({ kind: 'float', value: 1 })
    expect(t.fields[1][1]).toEqual({ kind: 'integer', value: 7 })
    expect(formatTerm(t)).toBe('#geometry:vec{x = 1.0,y = 7}')
  })

  it('re-encodes to the same bytes (exported and not, nested, zero fields)', () => {
    expect(Buffer.from(encode(decode(VEC)))).toEqual(VEC)
    expect(Buffer.from(encode(decode(NESTED)))).toEqual(NESTED)
  })

  it('decodes records nested in tuples, lists and other records', () => {
    const t = decode(NESTED)
    expect(formatTerm(t)).toBe('{ok,#shop:order{id = 42,lines = [#shop:line{}]}}')
    const order = (t as Term & { kind: 'tuple' }).elements[1] as RecordTerm
    expect(order.exported).toBe(false)
    const line = (order.fields[1][1] as Term & { kind: 'list' }).elements[0] as RecordTerm
    expect(line).toEqual({ kind: 'record', module: 'shop', name: 'line', exported: false, fields: [] })
  })

  it('compares records by module, name and field values, whatever the field order', () => {
    const a: RecordTerm = {
      kind: 'record',
      module: 'm',
      name: 'r',
      exported: true,
      fields: [
        ['a', int(1)],
        ['b', atom('x')]
      ]
    }
    const b: RecordTerm = { ...a, fields: [a.fields[1], a.fields[0]] }
    expect(termEquals(a, b)).toBe(true)
    expect(
      termEquals(a, {
        ...a,
        fields: [
          ['a', int(1)],
          ['b', atom('y')]
        ]
      })
    ).toBe(false)
    expect(termEquals(a, { ...a, name: 's' })).toBe(false)
    expect(termEquals(a, tuple(atom('r'), int(1), atom('x')))).toBe(false)
    expect(termEquals(decode(encode(b)), a)).toBe(true)
  })

  it('every cut of a record is a decode error, never a crash or a wrong term', () => {
    for (const bytes of [VEC, NESTED]) {
      for (let n = 1; n < bytes.length; n++) {
        expect(() => decode(bytes.subarray(0, n)), `cut at ${n}`).toThrow(EtfDecodeError)
      }
    }
  })

  it('refuses flags other than 0 and 1, a field name that is not an atom, and an impossible arity', () => {
    const badFlags = Buffer.from(VEC)
    badFlags[6] = 2
    expect(() => decode(badFlags)).toThrow(/RECORD_EXT flags 2/)
    const nameNotAtom = Buffer.from([131, 67, ...u32(1), 1, ...sAtom('m'), ...sAtom('r'), 97, 1, 97, 2])
    expect(() => decode(nameNotAtom)).toThrow(/expected an atom/)
    const huge = Buffer.from([131, 67, ...u32(0xfffffff0), 1, ...sAtom('m'), ...sAtom('r')])
    expect(() => decode(huge)).toThrow(/RECORD_EXT claims/)
  })

  it('a distribution frame carrying a record parses the same at every split of the stream', () => {
    const control = encode(tuple(int(2), atom(''), atom('me@host')))
    const frame = buildDistFrame(control, NESTED)
    const whole = new FrameParser(4).push(frame)
    expect(whole).toHaveLength(1)
    const expected = decode(NESTED)
    for (let i = 0; i <= frame.length; i++) {
      const p = new FrameParser(4)
      const got = [...p.push(frame.subarray(0, i)), ...p.push(frame.subarray(i))]
      expect(got).toHaveLength(1)
      const { message } = parseDistPayload(got[0])
      expect(message !== undefined && termEquals(message, expected)).toBe(true)
    }
  })
})

describe('OTP 28/29 distribution flags', () => {
  it('have their dist.hrl values and names', () => {
    expect(F.DFLAG_ALTACT_SIG).toBe(1n << 37n)
    expect(F.DFLAG_NATIVE_RECORDS).toBe(1n << 38n)
    expect(F.flagNames(F.DFLAG_ALTACT_SIG | F.DFLAG_NATIVE_RECORDS)).toEqual(['ALTACT_SIG', 'NATIVE_RECORDS'])
  })
  it('we offer native records (the codec decodes RECORD_EXT) but not ALTACT_SIG (no ALTACT_SIG_SEND handling)', () => {
    expect(F.OUR_FLAGS & F.DFLAG_NATIVE_RECORDS).toBe(F.DFLAG_NATIVE_RECORDS)
    expect(F.OUR_FLAGS & F.DFLAG_ALTACT_SIG).toBe(0n)
  })
})

import { describe, expect, it } from 'vitest'
import { deflateSync } from 'node:zlib'
import {
  asAtom,
  asNumber,
  asText,
  atom,
  binary,
  charlist,
  decode,
  encode,
  EtfDecodeError,
  formatAtom,
  formatFloat,
  formatTerm,
  fromJs,
  int,
  list,
  map,
  mapGet,
  NIL,
  proplistGet,
  proplistToObject,
  termEquals,
  tuple,
  type Term
} from '../../../src/main/erldist/etf'

const rt = (t: Term): Term => decode(encode(t))

describe('integers', () => {
  it.each([0, 255, 256, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53 - 1, -(2 ** 53 - 1)])(
    '%d round-trips as a number',
    (n) => {
      const t = rt(int(n))
      expect(t).toEqual({ kind: 'integer', value: n })
    }
  )
  it.each([2n ** 53n, -(2n ** 53n), 2n ** 64n, -(2n ** 64n) + 1n, 2n ** 2048n + 7n, -(3n ** 1000n)])(
    '%s round-trips as a bigint',
    (n) => {
      expect(rt(int(n))).toEqual({ kind: 'integer', value: n })
    }
  )
  it('uses SMALL_INTEGER, INTEGER, SMALL_BIG, LARGE_BIG', () => {
    expect(encode(int(5))[1]).toBe(97)
    expect(encode(int(-5))[1]).toBe(98)
    expect(encode(int(2n ** 40n))[1]).toBe(110)
    expect(encode(int(2n ** 4096n))[1]).toBe(111)
  })
  it('normalises: int() of a safe bigint is a number', () => {
    expect(int(5n).value).toBe(5)
  })
})

describe('other scalars', () => {
  it('floats round-trip; non-finite floats are never encoded', () => {
    for (const f of [0, -0, 1.5, Math.PI, 1e300, -2.5e-300, Number.MIN_VALUE])
      expect(Object.is((rt({ kind: 'float', value: f }) as { value: number }).value, f)).toBe(true)
    for (const f of [NaN, Infinity, -Infinity])
      expect(() => encode({ kind: 'float', value: f })).toThrow(/non-finite/)
  })
  it('atoms: UTF-8 on encode, latin1 and UTF-8 on decode', () => {
    expect(rt(atom('日本'))).toBe(atom('日本'))
    expect(encode(atom('ok'))[1]).toBe(119)
    expect(decode(Buffer.from([131, 100, 0, 2, 0xfc, 0x61]))).toBe(atom('üa'))
    expect(decode(Buffer.from([131, 115, 1, 0x61]))).toBe(atom('a'))
    expect(() => encode(atom('x'.repeat(256)))).toThrow()
  })
  it('pids, ports (V4 when the id needs 64 bits), refs, exports, funs stay their own kinds', () => {
    const pid: Term = { kind: 'pid', node: 'a@b', id: 85, serial: 0, creation: 1700000000 }
    const port: Term = { kind: 'port', node: 'a@b', id: 2n ** 40n, creation: 3 }
    const port32: Term = { kind: 'port', node: 'a@b', id: 7n, creation: 3 }
    const ref: Term = { kind: 'ref', node: 'a@b', creation: 9, ids: [1, 2, 3] }
    const exp: Term = { kind: 'export', module: 'lists', name: 'map', arity: 2 }
    for (const t of [pid, port, port32, ref, exp]) expect(rt(t)).toEqual(t)
    expect(encode(port)[1]).toBe(120)
    expect(encode(port32)[1]).toBe(89)
    expect(formatTerm(tuple(pid, port32, ref, exp), { localNode: 'a@b' })).toBe(
      '{<0.85.0>,#Port<0.7>,#Ref<0.3.2.1>,fun lists:map/2}'
    )
    expect(formatTerm(pid, { localNode: 'other@x' })).toBe('<a@b.85.0>')
  })
  it('legacy PID_EXT, PORT_EXT, REFERENCE_EXT, NEW_REFERENCE_EXT', () => {
    const node = [100, 0, 3, ...Buffer.from('a@b')]
    expect(decode(Buffer.from([131, 103, ...node, 0, 0, 0, 5, 0, 0, 0, 1, 2]))).toEqual({
      kind: 'pid',
      node: 'a@b',
      id: 5,
      serial: 1,
      creation: 2
    })
    expect(decode(Buffer.from([131, 102, ...node, 0, 0, 0, 5, 2]))).toEqual({
      kind: 'port',
      node: 'a@b',
      id: 5n,
      creation: 2
    })
    expect(decode(Buffer.from([131, 101, ...node, 0, 0, 0, 5, 2]))).toEqual({
      kind: 'ref',
      node: 'a@b',
      creation: 2,
      ids: [5]
    })
    expect(decode(Buffer.from([131, 114, 0, 2, ...node, 2, 0, 0, 0, 5, 0, 0, 0, 6]))).toEqual({
      kind: 'ref',
      node: 'a@b',
      creation: 2,
      ids: [5, 6]
    })
  })
  it('bitstrings and binaries', () => {
    const bs: Term = { kind: 'bitstring', data: Uint8Array.from([0xa0]), bits: 3 }
    expect(rt(bs)).toEqual(bs)
    expect(formatTerm(bs)).toBe('<<5:3>>')
    expect(formatTerm(binary('abc'))).toBe('<<"abc">>')
    expect(formatTerm(binary('abc'), { style: 'w' })).toBe('<<97,98,99>>')
    expect(formatTerm(binary('ü'))).toBe('<<"ü"/utf8>>')
  })
  it('LOCAL_EXT is kept opaque', () => {
    const t = decode(Buffer.from([131, 121, 1, 2, 3]))
    expect(t).toEqual({ kind: 'local', bytes: Uint8Array.from([121, 1, 2, 3]) })
    expect(() => encode(t)).toThrow()
  })
  it('legacy FLOAT_EXT', () => {
    const text = Buffer.alloc(31)
    text.write('1.50000000000000000000e+00')
    expect(decode(Buffer.concat([Buffer.from([131, 99]), text]))).toEqual({ kind: 'float', value: 1.5 })
  })
})

describe('containers', () => {
  it('improper lists, STRING_EXT, maps, nested', () => {
    const t = tuple(
      list([atom('a')], atom('b')),
      charlist('abc'),
      map([[atom('k'), list([int(1), NIL])]]),
      tuple()
    )
    expect(termEquals(rt(t), t)).toBe(true)
    expect(formatTerm(t)).toBe('{[a|b],"abc",#{k => [1,[]]},{}}')
    const s = decode(Buffer.from([131, 107, 0, 2, 104, 105]))
    expect(s.kind).toBe('string')
    expect(termEquals(s, charlist('hi'))).toBe(true)
    expect(formatTerm(s)).toBe('"hi"')
    expect(formatTerm(s, { style: 'w' })).toBe('[104,105]')
  })
  it('a 100 000-deep list decodes, encodes, prints and compares without exhausting the stack', () => {
    let t: Term = NIL
    for (let i = 0; i < 100_000; i++) t = list([t])
    const back = rt(t)
    expect(termEquals(back, t)).toBe(true)
    expect(formatTerm(back).length).toBe(200_002)
  })
  it('compressed terms inflate, within a cap', () => {
    const inner = encode(list(Array.from({ length: 1000 }, (_, i) => int(i)))).subarray(1)
    const z = deflateSync(inner)
    const head = Buffer.from([131, 80, 0, 0, 0, 0])
    head.writeUInt32BE(inner.length, 2)
    const c = Buffer.concat([head, z])
    expect((decode(c) as { elements: Term[] }).elements.length).toBe(1000)
    expect(() => decode(c, { maxUncompressedBytes: 100 })).toThrow(EtfDecodeError)
    expect(() => decode(c, { maxUncompressedBytes: 100 })).toThrow(
      expect.objectContaining({ code: 'reply_too_large' })
    )
    const bomb = Buffer.from(c)
    bomb.writeUInt32BE(64 * 1024 * 1024 + 1, 2)
    expect(() => decode(bomb)).toThrow(expect.objectContaining({ code: 'reply_too_large' }))
    const lying = Buffer.from(c)
    lying.writeUInt32BE(10, 2)
    expect(() => decode(lying)).toThrow(EtfDecodeError)
  })
})

describe('bounded decoding', () => {
  it('refuses a term of more terms than the budget (2 million by default)', () => {
    const n = 2_000_001
    const many = Buffer.concat([
      Buffer.from([131, 108, 0, 0, 0, 0]),
      Buffer.alloc(n, 106),
      Buffer.from([106])
    ])
    many.writeUInt32BE(n, 2)
    expect(() => decode(many)).toThrow(expect.objectContaining({ code: 'reply_too_large' }))
    expect((decode(many, { maxTerms: n + 2 }) as { elements: Term[] }).elements.length).toBe(n)
  })

  const bad: Array<[string, number[]]> = [
    ['empty', []],
    ['no version', [106]],
    ['unknown tag', [131, 1]],
    ['list of 2^32-1 elements', [131, 108, 255, 255, 255, 255, 106]],
    ['tuple of 2^32-1 elements', [131, 105, 255, 255, 255, 255]],
    ['map of 2^32-1 pairs', [131, 116, 255, 255, 255, 255]],
    ['binary longer than the input', [131, 109, 0, 0, 0, 10, 1]],
    ['huge bignum', [131, 111, 255, 255, 255, 255, 0]],
    ['truncated int', [131, 98, 0, 0]],
    ['atom cache ref', [131, 82, 0]],
    ['nested compressed', [131, 104, 1, 80, 0, 0, 0, 1]],
    ['NaN', [131, 70, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0]],
    ['trailing bytes', [131, 106, 106]],
    ['ref with 6 words', [131, 90, 0, 6]],
    ['bit binary with 0 bits', [131, 77, 0, 0, 0, 1, 0, 1]]
  ]
  it.each(bad)('%s → EtfDecodeError', (_, bytes) => {
    expect(() => decode(Buffer.from(bytes))).toThrow(EtfDecodeError)
    try {
      decode(Buffer.from(bytes))
    } catch (e) {
      expect((e as EtfDecodeError).code).toBe('decode_error')
    }
  })
  it('depth limit', () => {
    const bytes = [131, ...new Array(50).fill([104, 1]).flat(), 106]
    expect(() => decode(Buffer.from(bytes), { maxDepth: 10 })).toThrow(/deeper/)
    expect(() => decode(Buffer.from(bytes))).not.toThrow()
  })
})

describe('printing', () => {
  it.each([
    [1e7, '1.0e7'],
    [100, '100.0'],
    [120, '120.0'],
    [1000, '1.0e3'],
    [0.001, '0.001'],
    [0.0001, '0.0001'],
    [1.2e-4, '1.2e-4'],
    [12345.678, '12345.678'],
    [1234567890123456, '1234567890123456.0'],
    [12345678901234568, '1.2345678901234568e16'],
    [5e-324, '5.0e-324'],
    [-0, '-0.0']
  ])('float %d prints as float_to_list(F, [short]) would: %s', (v, s) => {
    expect(formatFloat(v)).toBe(s)
  })
  it.each([
    ['ok', 'ok'],
    ['Ok', "'Ok'"],
    ['a b', "'a b'"],
    ['a@b.c', "'a@b.c'"],
    ['a@b', 'a@b'],
    ['end', "'end'"],
    ['', "''"],
    ["it's", "'it\\'s'"],
    ['a\nb', "'a\\nb'"],
    ['ünïcödé', 'ünïcödé'],
    ['日本', "'日本'"]
  ])('atom %j prints as %s', (name, s) => {
    expect(formatAtom(name)).toBe(s)
  })
})

describe('helpers for collectors', () => {
  const mem = list([tuple(atom('total'), int(100)), tuple(atom('ets'), int(2n ** 60n)), atom('flag')])
  it('proplists', () => {
    expect(asNumber(proplistGet(mem, 'total'))).toBe(100)
    expect(proplistGet(mem, 'flag')).toBe(atom('true'))
    expect(proplistGet(mem, 'none')).toBeUndefined()
    expect(Object.keys(proplistToObject(mem))).toEqual(['total', 'ets'])
  })
  it('readers', () => {
    expect(asAtom(atom('x'))).toBe('x')
    expect(asText(binary('héllo'))).toBe('héllo')
    expect(asText(charlist('日本'))).toBe('日本')
    expect(asText(int(1))).toBeUndefined()
    expect(asNumber(mapGet(map([[atom('a'), int(1)]]), 'a'))).toBe(1)
  })
  it('fromJs', () => {
    expect(formatTerm(fromJs({ a: [1, 2.5, 'x', true, null] }))).toBe(
      '#{a => [1,2.5,<<"x">>,true,undefined]}'
    )
  })
})

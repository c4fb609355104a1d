/**
 * The heap decoder on hand-written `=proc_heap` lines in the dump's own syntax: lists, tuples and
 * maps past the element cap or the node budget, and floats (real dumps: test/integration).
 */
import { describe, expect, it } from 'vitest'
import type { DumpTerm } from '../../../src/shared/contract/dump'
import { formatFloat } from '../../../src/main/crashdump/terms/etf'
import { HeapDecoder, parseHeapLines } from '../../../src/main/crashdump/terms/heap-terms'
import { printTerm } from '../../../src/main/crashdump/terms/term-model'

function decoder(lines: string[], opts: { budget?: number; maxListItems?: number } = {}): HeapDecoder {
  return new HeapDecoder({
    heap: parseHeapLines(lines.join('\n')),
    binary: () => null,
    base64: true,
    ...opts
  })
}

/** A proper list of `heads` as cons lines at addresses 0x100, 0x110 … */
function listLines(heads: string[], end = 'N'): string[] {
  return heads.map(
    (h, i) =>
      `${(0x100 + i * 16).toString(16)}:l${h}|${i + 1 < heads.length ? `H${(0x110 + i * 16).toString(16)}` : end}`
  )
}

const dec = (d: HeapDecoder, text: string): DumpTerm => d.safe(() => d.term(text))

describe('lists, tuples and maps larger than what is kept', () => {
  it('keeps the first elements of a long list and counts the rest without decoding them', () => {
    const d = decoder(listLines(['I1', 'I2', 'A3:a|b', 'I4', 'I5', 'H900']), { maxListItems: 3 })
    const t = dec(d, 'H100')
    expect(t).toEqual({
      kind: 'list',
      items: [
        { kind: 'int', value: '1' },
        { kind: 'int', value: '2' },
        { kind: 'atom', name: 'a|b' }
      ],
      more: 3
    })
    expect(printTerm(t)).toBe("[1,2,'a|b',…‹3 more›]")
  })

  it('marks the tail of a cut list: improper, or missing from the heap', () => {
    const improper = decoder(listLines(['I1', 'I2', 'I3'], 'I9'), { maxListItems: 1 })
    expect(dec(improper, 'H100')).toMatchObject({
      items: [{ kind: 'int', value: '1' }],
      more: 2,
      tail: { reason: 'too_large' }
    })
    const cut = decoder(listLines(['I1', 'I2', 'I3'], 'H999'), { maxListItems: 1 })
    expect(dec(cut, 'H100')).toMatchObject({ more: 2, tail: { reason: 'incomplete_heap' } })
    const whole = decoder(listLines(['I1', 'I2', 'I3'], 'I9'))
    expect(printTerm(dec(whole, 'H100'))).toBe('[1,2,3|9]')
  })

  it('when the node budget runs out, keeps what it decoded and counts the rest', () => {
    // [{x,1},{x,2},…]: each element costs a cons cell and a tuple
    const tuples = Array.from({ length: 10 }, (_, i) => `${(0x800 + i * 16).toString(16)}:t2:A1:x,I${i + 1}`)
    const d = decoder(
      [...listLines(Array.from({ length: 10 }, (_, i) => `H${(0x800 + i * 16).toString(16)}`)), ...tuples],
      {
        budget: 7
      }
    )
    const t = dec(d, 'H100')
    expect(t.kind).toBe('list')
    if (t.kind !== 'list') return
    expect(t.items.length + (t.more ?? 0)).toBe(10)
    expect(t.more).toBeGreaterThan(0)
    expect(printTerm(t.items[0])).toBe('{x,1}')
    expect(t.tail).toBeUndefined()
    // a fresh budget per decode: the same term whole with a larger one, and nothing cached half-done
    const big = decoder([
      ...listLines(Array.from({ length: 10 }, (_, i) => `H${(0x800 + i * 16).toString(16)}`)),
      ...tuples
    ])
    expect(printTerm(dec(big, 'H100'))).toBe(
      `[${Array.from({ length: 10 }, (_, i) => `{x,${i + 1}}`).join(',')}]`
    )
    expect(printTerm(t)).not.toContain('#TermTooLarge')
    // terms decoded whole before the budget ran out are reused, the cut ones are not
    const again = dec(d, 'H100')
    expect(again.kind === 'list' && again.items.length + (again.more ?? 0)).toBe(10)
    expect(printTerm(again)).not.toContain('#TermTooLarge')
  })

  it('cuts a tuple at the element cap and at the budget', () => {
    const capped = decoder(['200:t5:I1,I2,I3,I4,I5'], { maxListItems: 2 })
    expect(dec(capped, 'H200')).toEqual({
      kind: 'tuple',
      items: [
        { kind: 'int', value: '1' },
        { kind: 'int', value: '2' }
      ],
      more: 3
    })
    expect(printTerm(dec(capped, 'H200'))).toBe('{1,2,…‹3 more›}')
    const budget = decoder(['200:t3:H210,H220,H230', '210:t1:I1', '220:t1:I2', '230:t1:I3'], { budget: 2 })
    expect(printTerm(dec(budget, 'H200'))).toBe('{{1},…‹2 more›}')
    const whole = decoder(['200:t3:H210,H220,H230', '210:t1:I1', '220:t1:I2', '230:t1:I3'])
    expect(printTerm(dec(whole, 'H200'))).toBe('{{1},{2},{3}}')
  })

  it('cuts a hash map at the element cap and counts the entries left', () => {
    // #{K => V}: an Mh head with 3 cons cells [K|V]
    const lines = ['300:Mh3:3:H310,H320,H330', '310:lI1|A1:a', '320:lI2|A1:b', '330:lI3|A1:c']
    expect(printTerm(dec(decoder(lines), 'H300'), { sortMaps: true })).toBe('#{1 => a,2 => b,3 => c}')
    const capped = dec(decoder(lines, { maxListItems: 2 }), 'H300')
    expect(capped).toMatchObject({ kind: 'map', more: 1 })
    if (capped.kind === 'map') expect(capped.entries).toHaveLength(2)
    expect(printTerm(capped)).toBe('#{1 => a,2 => b,…‹1 more›}')
  })

  it('reads a flat map', () => {
    const d = decoder(['400:Mf2:H410:I7,I8', '410:t2:A1:a,A1:b'])
    expect(printTerm(dec(d, 'H400'))).toBe('#{a => 7,b => 8}')
  })
})

describe('floats', () => {
  it('keeps the sign of zero', () => {
    const d = decoder(['500:F1B:-0.00000000000000000000e+00', '510:F1A:0.00000000000000000000e+00'])
    expect(dec(d, 'H500')).toEqual({ kind: 'float', value: '-0.0' })
    expect(dec(d, 'H510')).toEqual({ kind: 'float', value: '0.0' })
  })
  it('prints like Erlang', () => {
    expect(formatFloat(-0)).toBe('-0.0')
    expect(formatFloat(0)).toBe('0.0')
    expect(formatFloat(3)).toBe('3.0')
    expect(formatFloat(-1.5)).toBe('-1.5')
    expect(formatFloat(1e30)).toBe('1.0e30')
    expect(formatFloat(1.5e-7)).toBe('1.5e-7')
    expect(formatFloat(Infinity)).toBe('Infinity')
  })
})

describe('refc and sub-binaries', () => {
  // a 300-byte refc binary at 0x5617902D4B40, as =binary:5617902D4B40 holds it
  const big = Buffer.from(Array.from({ length: 300 }, (_, i) => (i + 1) % 251))
  const withBinary = (lines: string[]): HeapDecoder =>
    new HeapDecoder({
      heap: parseHeapLines(lines.join('\n')),
      binary: (a) => (a === 0x5617902d4b40 ? { size: 300, bytes: big, partial: false } : null),
      base64: true
    })
  const storage = (t: DumpTerm): string => (t.kind === 'binary' ? `${t.storage} ${t.size}` : t.kind)

  it('labels an OTP 27 `Yc<bin>:<offset>:<size>` line a sub-binary when it is a part of the binary', () => {
    const d = withBinary([
      '100:Yc5617902D4B40:0:12C',
      '110:Yc5617902D4B40:7:64',
      '120:Yc5617902D4B40:0:64',
      '130:Yc5617902D4B40:C8:64'
    ])
    expect(storage(dec(d, 'H100'))).toBe('refc 300')
    expect(storage(dec(d, 'H110'))).toBe('sub 100')
    expect(storage(dec(d, 'H120'))).toBe('sub 100')
    expect(storage(dec(d, 'H130'))).toBe('sub 100')
    const sub = dec(d, 'H110')
    expect(sub.kind === 'binary' && Buffer.from(sub.base64, 'base64')).toEqual(big.subarray(7, 107))
  })

  it('keeps `Ys` lines (OTP 26 and before) sub-binaries of the binary they point to', () => {
    const d = withBinary(['100:Yc5617902D4B40:0:12C', '110:Ys100:0:12C', '120:Ys100:7:64'])
    expect(storage(dec(d, 'H110'))).toBe('sub 300')
    expect(storage(dec(d, 'H120'))).toBe('sub 100')
  })
})

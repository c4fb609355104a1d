import { describe, expect, it } from 'vitest'
import type { DumpTerm } from '@shared/contract/dump'
import { printAtom, printDumpTerm } from '@shared/dump-term-print'

const atom = (name: string): DumpTerm => ({ kind: 'atom', name })
const int = (n: number): DumpTerm => ({ kind: 'int', value: String(n) })
const b64 = (bytes: number[]): string => btoa(String.fromCharCode(...bytes))
const bin = (bytes: number[], extra: Partial<Extract<DumpTerm, { kind: 'binary' }>> = {}): DumpTerm => ({
  kind: 'binary',
  size: bytes.length,
  base64: b64(bytes),
  storage: 'heap',
  elided: false,
  ...extra
})

describe('printDumpTerm', () => {
  it('prints the nested example in Erlang syntax', () => {
    const t: DumpTerm = {
      kind: 'tuple',
      items: [
        atom('a'),
        bin([98, 105, 110], { text: 'bin' }),
        { kind: 'map', entries: [{ key: atom('k'), value: atom('v') }] },
        { kind: 'list', items: [int(1), int(2)], tail: { kind: 'atom', name: 'T' } }
      ]
    }
    expect(printDumpTerm(t)).toBe(`{a,<<"bin">>,#{k => v},[1,2|'T']}`)
  })

  it('quotes atoms only when needed', () => {
    expect(printAtom('ok')).toBe('ok')
    expect(printAtom('node@host')).toBe('node@host')
    expect(printAtom('with space')).toBe("'with space'")
    expect(printAtom('end')).toBe("'end'")
    expect(printAtom("it's")).toBe("'it\\'s'")
    expect(printAtom('héllo')).toBe("'héllo'")
  })

  it('prints strings, empty lists, numbers and opaque terms', () => {
    expect(printDumpTerm({ kind: 'string', value: 'a "quoted"\nline\\' })).toBe('"a \\"quoted\\"\\nline\\\\"')
    expect(printDumpTerm({ kind: 'nil' })).toBe('[]')
    expect(printDumpTerm({ kind: 'int', value: '-123456789012345678901234567890' })).toBe(
      '-123456789012345678901234567890'
    )
    expect(printDumpTerm({ kind: 'float', value: '3.14' })).toBe('3.14')
    expect(printDumpTerm({ kind: 'pid', text: '<0.80.0>' })).toBe('<0.80.0>')
    expect(printDumpTerm({ kind: 'ref', text: '#Ref<0.1.2.3>' })).toBe('#Ref<0.1.2.3>')
    expect(printDumpTerm({ kind: 'fun', text: '#Fun<lists.reverse.1>' })).toBe('#Fun<lists.reverse.1>')
    expect(printDumpTerm({ kind: 'string', value: 'bell\u0007' })).toBe('"bell\\x{7}"')
  })

  it('prints binaries as text or bytes, with the elided size', () => {
    expect(printDumpTerm(bin([1, 2, 3]))).toBe('<<1,2,3>>')
    expect(printDumpTerm(bin([], {}))).toBe('<<>>')
    expect(printDumpTerm(bin([1, 2, 3], { size: 300, elided: true, storage: 'refc' }))).toBe(
      '<<1,2,3,…‹300 bytes›>>'
    )
    expect(printDumpTerm(bin([104, 105], { text: 'hi', size: 5000, elided: true }))).toBe(
      '<<"hi",…‹5,000 bytes›>>'
    )
    // <<1,2,3:4>>: the last byte holds its 4 bits in the high end
    expect(printDumpTerm(bin([1, 2, 0x30], { bits: 4 }))).toBe('<<1,2,3:4>>')
    expect(printDumpTerm(bin([0, 255, 10], { text: undefined }))).toBe('<<0,255,10>>')
  })

  it('marks what was left out and what the dump lacks', () => {
    expect(printDumpTerm({ kind: 'list', items: [int(1)], more: 2500 })).toBe('[1,…‹2,500 more›]')
    expect(printDumpTerm({ kind: 'map', entries: [{ key: int(1), value: int(2) }], more: 3 })).toBe(
      '#{1 => 2,…‹3 more›}'
    )
    expect(printDumpTerm({ kind: 'missing', reason: 'incomplete_heap', text: "'#CDVIncompleteHeap'" })).toBe(
      '‹incomplete heap›'
    )
    expect(
      printDumpTerm({
        kind: 'tuple',
        items: [atom('x'), { kind: 'missing', reason: 'nonexisting_binary', text: '' }]
      })
    ).toBe('{x,‹binary not in dump›}')
    expect(printDumpTerm({ kind: 'missing', reason: 'unparsable', text: 'Zq!' })).toBe('‹unparsable: Zq!›')
  })

  it('stops at maxLength', () => {
    const t: DumpTerm = { kind: 'list', items: Array.from({ length: 1000 }, (_, i) => int(i)) }
    const s = printDumpTerm(t, { maxLength: 20 })
    expect(s).toBe('[0,1,2,3,4,5,6,7,8,9…')
    expect(s.length).toBe(21)
  })
})

import { describe, expect, it } from 'vitest'
import { atom, binary, int, list, NIL, tuple, type Term } from '../../../src/main/erldist/etf/types'
import { Atom, Opaque, Tuple } from '../../../src/main/node/eval-value'
import { fromTerm, toTerm } from '../../../src/main/node/term-adapter'

describe('dist terms <-> collector values', () => {
  it('reads terms into the value model', () => {
    const t: Term = tuple(atom('ok'), int(2n ** 60n), list([binary('x'), NIL]), {
      kind: 'string',
      bytes: new Uint8Array([104, 105])
    })
    const v = fromTerm(t)
    expect(v).toBeInstanceOf(Tuple)
    const [a, n, l, s] = (v as Tuple).items
    expect(a).toEqual(new Atom('ok'))
    expect(n).toBe(2 ** 60)
    expect(Buffer.from((l as Uint8Array[])[0]).toString()).toBe('x')
    expect((l as unknown[])[1]).toEqual([])
    expect(s).toEqual([104, 105])
    expect(fromTerm({ kind: 'pid', node: 'a@h', id: 5, serial: 0, creation: 1 })).toBeInstanceOf(Opaque)
  })

  it('writes bindings as terms', () => {
    expect(toTerm({ atom: 'memory' })).toBe(atom('memory'))
    expect(toTerm(true)).toBe(atom('true'))
    expect(toTerm(5)).toEqual(int(5))
    expect(toTerm({ binary: 'é' })).toEqual(binary('é'))
    expect(toTerm([1, { atom: 'a' }])).toEqual(list([int(1), atom('a')]))
  })
})

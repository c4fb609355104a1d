import { describe, expect, it } from 'vitest'
import type { DumpTerm } from '@shared/contract/dump'
import { printDumpTerm, printElixirAtom } from '@shared/dump-term-print'
import { displayCalls, displayName, elixirAlias } from '@shared/elixir-names'

const atom = (name: string): DumpTerm => ({ kind: 'atom', name })
const int = (n: number): DumpTerm => ({ kind: 'int', value: String(n) })
const tuple = (...items: DumpTerm[]): DumpTerm => ({ kind: 'tuple', items })
const bin = (bytes: number[], extra: Partial<Extract<DumpTerm, { kind: 'binary' }>> = {}): DumpTerm => ({
  kind: 'binary',
  size: bytes.length,
  base64: btoa(String.fromCharCode(...bytes)),
  storage: 'heap',
  elided: false,
  ...extra
})
const ex = (t: DumpTerm): string => printDumpTerm(t, { syntax: 'elixir' })

describe('Elixir names', () => {
  it('turns Elixir aliases back into what the user wrote', () => {
    expect(elixirAlias('Elixir.Shop.OrderQueue')).toBe('Shop.OrderQueue')
    expect(elixirAlias('Elixir.')).toBeNull()
    expect(elixirAlias('Elixir.shop')).toBeNull()
    expect(elixirAlias('gen_server')).toBeNull()
    expect(displayName("'Elixir.Shop.OrderQueue'")).toBe('Shop.OrderQueue')
    expect(displayName('code_server')).toBe('code_server')
    expect(displayName("'with space'")).toBe("'with space'")
  })

  it('rewrites Elixir calls in printed text and leaves Erlang ones', () => {
    expect(displayCalls("'Elixir.Shop.OrderQueue':loop/1 + 68")).toBe('Shop.OrderQueue.loop/1 + 68')
    expect(displayCalls("'Elixir.Shop':'valid?'/1")).toBe('Shop.valid?/1')
    expect(displayCalls("'Elixir.Shop':'-handle/2-fun-0-'/3")).toBe('Shop."-handle/2-fun-0-"/3')
    expect(displayCalls('gen_server:loop/7')).toBe('gen_server:loop/7')
    expect(displayCalls("prim_eval:'receive'/2")).toBe("prim_eval:'receive'/2")
  })
})

describe('Elixir syntax', () => {
  it('prints atoms as Elixir does', () => {
    expect(printElixirAtom('ok')).toBe(':ok')
    expect(printElixirAtom('nil')).toBe('nil')
    expect(printElixirAtom('true')).toBe('true')
    expect(printElixirAtom('Elixir.Shop.OrderQueue')).toBe('Shop.OrderQueue')
    expect(printElixirAtom('with space')).toBe(':"with space"')
    expect(printElixirAtom('$initial_call')).toBe(':"$initial_call"')
    expect(printElixirAtom('valid?')).toBe(':valid?')
    expect(printElixirAtom('nonode@nohost')).toBe(':nonode@nohost')
  })

  it('prints containers, strings and opaque terms as inspect/1 does', () => {
    expect(ex(tuple(atom('ok'), bin([104, 105], { text: 'hi' }), int(3)))).toBe('{:ok, "hi", 3}')
    expect(ex({ kind: 'list', items: [int(1), int(2)], tail: atom('t') })).toBe('[1, 2 | :t]')
    expect(ex({ kind: 'string', value: 'abc' })).toBe('~c"abc"')
    expect(ex(bin([1, 2, 3]))).toBe('<<1, 2, 3>>')
    expect(ex(bin([0x50], { bits: 4 }))).toBe('<<5::size(4)>>')
    expect(ex(bin([35, 123], { text: '#{' }))).toBe('"\\#{"')
    expect(ex({ kind: 'pid', text: '<0.80.0>' })).toBe('#PID<0.80.0>')
    expect(ex({ kind: 'ref', text: '#Ref<0.1.2.3>' })).toBe('#Reference<0.1.2.3>')
    expect(ex({ kind: 'fun', text: '#Fun<lists.reverse.1>' })).toBe('#Function<lists.reverse.1>')
  })

  it('prints keyword lists, atom-keyed maps and structs', () => {
    expect(ex({ kind: 'list', items: [tuple(atom('a'), int(1)), tuple(atom('b'), int(2))] })).toBe(
      '[a: 1, b: 2]'
    )
    expect(ex({ kind: 'map', entries: [{ key: atom('a'), value: int(1) }] })).toBe('%{a: 1}')
    expect(ex({ kind: 'map', entries: [{ key: int(1), value: atom('x') }] })).toBe('%{1 => :x}')
    expect(
      ex({
        kind: 'map',
        entries: [
          { key: atom('__struct__'), value: atom('Elixir.Shop.Order') },
          { key: atom('id'), value: int(7) }
        ]
      })
    ).toBe('%Shop.Order{id: 7}')
  })

  it('keeps placeholders and folding', () => {
    expect(ex({ kind: 'missing', reason: 'incomplete_heap', text: "'#CDVIncompleteHeap'" })).toBe(
      '‹incomplete heap›'
    )
    expect(
      printDumpTerm(
        { kind: 'list', items: Array.from({ length: 100 }, (_, i) => int(i)) },
        { syntax: 'elixir', maxLength: 10 }
      )
    ).toBe('[0, 1, 2, …')
    // Erlang syntax is unchanged: the atom stays as the VM knows it
    expect(printDumpTerm(atom('Elixir.Shop'))).toBe("'Elixir.Shop'")
  })
})

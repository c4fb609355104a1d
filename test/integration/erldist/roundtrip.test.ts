import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNode, type ErlNode } from '../../support/erl-node'
import {
  atom,
  binary,
  charlist,
  connectNode,
  decode,
  encode,
  int,
  list,
  map,
  NIL,
  termEquals,
  tuple,
  type NodeClient,
  type Term
} from '../../../src/main/erldist/client'

let node: ErlNode
let c: NodeClient
beforeAll(async () => {
  node = await startNode()
  c = await connectNode({ node: node.name, cookie: node.cookie })
})
afterAll(async () => {
  c?.close()
  await node?.stop()
})

const PRINT =
  'io_lib_pretty:print(T, [{column, 1}, {line_length, 100000000}, {depth, -1}, {encoding, unicode}])'

/** Erlang expressions whose value the node encodes with term_to_binary and prints itself. */
const fromNode: Array<[string, string]> = [
  ['atoms', "[ok, 'hello world', 'Elixir.Foo.Bar', 'ünïcödé', '日本', '', true, 'end', 'A', a@b]"],
  [
    'small and large integers',
    '[0, 1, 255, 256, -1, -256, 2147483647, -2147483648, 2147483648, -2147483649, 1 bsl 53, (1 bsl 53) + 1]'
  ],
  [
    'bignums at 2^64 scale and far beyond',
    '[1 bsl 64, -(1 bsl 64), (1 bsl 64) - 1, 1 bsl 200, -(1 bsl 200), (1 bsl 2048) + 7, -(1 bsl 9000)]'
  ],
  ['floats', '[0.0, 1.5, 3.141592653589793, 1.0e300, -2.5e-300, 1.0e7, 100.0, 0.1, 5.0e-324]'],
  [
    'strings and lists',
    '["", "abc", [1,2,3], "ünïcödé", [a|b], [1,[2,[3,[4]]]], lists:seq(1, 300), [$a, 256], "tab\\tnl\\n"]'
  ],
  ['a long list', 'lists:seq(1, 70000)'],
  ['tuples', '[{}, {a}, list_to_tuple(lists:seq(1, 300)), {{{}}}]'],
  [
    'binaries and bitstrings',
    '[<<>>, <<"abc">>, <<0,255,128>>, <<1:1>>, <<5:3>>, <<"abc", 7:5>>, <<"ü"/utf8>>, binary:copy(<<"x">>, 70000)]'
  ],
  [
    'maps, small and hashed',
    '[#{}, #{a => 1}, #{<<"k">> => [1, 2], {t} => #{nested => true}}, maps:from_list([{I, I} || I <- lists:seq(1, 100)])]'
  ],
  [
    'pids, ports, refs',
    '[self(), hd(erlang:ports()), make_ref(), list_to_pid("<0.0.0>"), whereis(init), alias()]'
  ],
  ['funs and exports', '[fun lists:map/2, fun erlang:process_info/2, fun(X) -> X + 1 end]'],
  ['deep nesting', 'lists:foldl(fun(_, A) -> [A] end, [], lists:seq(1, 3000))'],
  [
    'real shapes',
    '[erlang:memory(), process_info(whereis(init)), erlang:system_info({allocator, eheap_alloc})]'
  ]
]

describe('terms written by the node', () => {
  it.each(fromNode)(
    '%s: term_to_binary decodes to what the node prints, and equals the term sent over distribution',
    async (_, expr) => {
      const r = await c.eval(`T = (${expr}), {term_to_binary(T), unicode:characters_to_binary(${PRINT}), T}`)
      expect(r.kind).toBe('tuple')
      const [bin, printed, viaDist] = (r as { elements: Term[] }).elements
      if (bin.kind !== 'binary' || printed.kind !== 'binary') throw new Error('unexpected reply')
      const decoded = decode(bin.data)
      expect(c.format(decoded)).toBe(Buffer.from(printed.data).toString('utf8'))
      expect(termEquals(decoded, viaDist)).toBe(true)
    }
  )

  it('compressed term_to_binary', async () => {
    const r = await c.eval('term_to_binary(lists:seq(1, 10000), [compressed])')
    if (r.kind !== 'binary') throw new Error('expected a binary')
    expect(r.data[1]).toBe(80)
    const t = decode(r.data) as { elements: Term[] }
    expect(t.elements.length).toBe(10000)
  })
})

/** Terms built here, with the Erlang source that builds the same term on the node. */
const fromUs: Array<[string, Term, string]> = [
  ['atoms', list([atom('ok'), atom('日本'), atom(''), atom('ünï')]), "[ok, '日本', '', 'ünï']"],
  [
    'integers',
    list([int(0), int(-1), int(255), int(256), int(2 ** 31), int(-(2 ** 31) - 1)]),
    '[0, -1, 255, 256, 2147483648, -2147483649]'
  ],
  [
    'bignums',
    list([int(2n ** 64n), int(-(2n ** 64n)), int(2n ** 2048n + 7n)]),
    '[1 bsl 64, -(1 bsl 64), (1 bsl 2048) + 7]'
  ],
  [
    'floats',
    list([
      { kind: 'float', value: 1.5 },
      { kind: 'float', value: 1e300 },
      { kind: 'float', value: -2.5e-300 }
    ]),
    '[1.5, 1.0e300, -2.5e-300]'
  ],
  [
    'binaries',
    list([
      binary(''),
      binary('abc'),
      binary('ü'),
      { kind: 'bitstring', data: Uint8Array.from([0xa0]), bits: 3 }
    ]),
    '[<<>>, <<"abc">>, <<"ü"/utf8>>, <<5:3>>]'
  ],
  [
    'lists',
    list([
      charlist('abc'),
      list([atom('a')], atom('b')),
      NIL,
      { kind: 'string', bytes: Uint8Array.from([1, 2]) }
    ]),
    '["abc", [a|b], [], [1,2]]'
  ],
  [
    'tuples and maps',
    tuple(
      tuple(),
      map([
        [atom('a'), int(1)],
        [binary('k'), list([int(1)])]
      ]),
      tuple(...Array.from({ length: 300 }, (_, i) => int(i)))
    ),
    '{{}, #{a => 1, <<"k">> => [1]}, list_to_tuple(lists:seq(0, 299))}'
  ],
  ['exports', { kind: 'export', module: 'lists', name: 'map', arity: 2 }, 'fun lists:map/2']
]

describe('terms we encode', () => {
  it.each(fromUs)(
    '%s: binary_to_term on the node equals the same term built from source',
    async (_, term, source) => {
      const r = await c.eval(`{binary_to_term(B) =:= (${source}), X =:= (${source})}`, {
        B: binary(encode(term)),
        X: term
      })
      expect(c.format(r)).toBe('{true,true}')
    }
  )

  it('pids, ports and refs the node gave us go back as the same terms', async () => {
    const t = await c.eval('[self(), hd(erlang:ports()), make_ref(), whereis(init)]')
    const r = await c.eval('binary_to_term(B) =:= X', { B: binary(encode(t)), X: t })
    expect(r).toEqual(atom('true'))
  })

  it('a deep list', async () => {
    let t: Term = NIL
    for (let i = 0; i < 3000; i++) t = list([t])
    const r = await c.eval(
      'binary_to_term(B) =:= lists:foldl(fun(_, A) -> [A] end, [], lists:seq(1, 3000))',
      { B: binary(encode(t)) }
    )
    expect(r).toEqual(atom('true'))
  })
})

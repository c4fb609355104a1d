import { describe, expect, it } from 'vitest'
import { BadRpcError } from '../../../src/main/erldist/rpc'
import { atom, charlist, int, list, tuple, type Term } from '../../../src/main/erldist/etf/types'
import { formatTerm } from '../../../src/main/erldist/etf/format'
import { unwrapErpc } from '../../../src/main/erldist/through'

/** `[{erpc, call, 5, [{file, "erpc.erl"}, {line, L}]}]`, the stack rex adds on OTP 25. */
const stack = (line: number): Term =>
  list([
    tuple(
      atom('erpc'),
      atom('call'),
      int(5),
      list([tuple(atom('file'), charlist('erpc.erl')), tuple(atom('line'), int(line))])
    )
  ])
const EXIT = (why: Term): Term => tuple(atom('EXIT'), why)

// The reasons below are what rex on an OTP 25 entry answered for erpc:call/5 (captured by hand).
describe('errors of calls run through an entry node', () => {
  it('a member the entry cannot reach is connection_lost, naming both', () => {
    const e = unwrapErpc(
      EXIT(tuple(tuple(atom('erpc'), atom('noconnection')), stack(710))),
      'erlang:node/0',
      'e@h',
      't@h'
    )
    expect(e.code).toBe('connection_lost')
    expect(e.message).toContain('t@h cannot be reached from e@h')
  })

  it("erpc's own timeout is timeout", () => {
    const e = unwrapErpc(
      EXIT(tuple(tuple(atom('erpc'), atom('timeout')), stack(714))),
      'timer:sleep/1',
      'e@h',
      't@h'
    )
    expect(e.code).toBe('timeout')
    expect(e.message).toContain('through e@h')
  })

  it('an error raised on the member reads as a direct call would: {EXIT, {Reason, Stack}}', () => {
    const memberStack = list([tuple(atom('erlang'), atom('binary_to_atom'), list([int(1)]), list([]))])
    const e = unwrapErpc(
      EXIT(tuple(tuple(atom('exception'), atom('badarg'), memberStack), stack(702))),
      'erlang:binary_to_atom/1',
      'e@h',
      't@h'
    )
    expect(e).toBeInstanceOf(BadRpcError)
    expect(formatTerm((e as BadRpcError).reason)).toBe(formatTerm(EXIT(tuple(atom('badarg'), memberStack))))
  })

  it('an exit on the member is {EXIT, Reason}', () => {
    const e = unwrapErpc(EXIT(tuple(atom('exception'), atom('foo'))), 'erlang:exit/1', 'e@h', 't@h')
    expect(formatTerm((e as BadRpcError).reason)).toBe(formatTerm(EXIT(atom('foo'))))
  })

  it('anything else is kept whole, as a badrpc through the entry', () => {
    const e = unwrapErpc(atom('nodedown'), 'm:f/0', 'e@h', 't@h')
    expect(e).toBeInstanceOf(BadRpcError)
    expect(e.message).toContain('through e@h')
  })
})

import { describe, expect, it } from 'vitest'
import { formatMfa, moduleName, quoteAtom, registeredName } from '../../../src/main/node/names'
import { mfaText } from '../../../src/main/node/convert'
import { parseErlang } from './term-text'

describe('names', () => {
  it('shows Elixir modules the Elixir way', () => {
    expect(moduleName('Elixir.Foo.Bar')).toBe('Foo.Bar')
    expect(moduleName('gen_server')).toBe('gen_server')
    expect(moduleName('Elixir.')).toBe('Elixir.')
    expect(registeredName('Elixir.MyApp.Repo')).toBe('MyApp.Repo')
    expect(formatMfa('Elixir.Phoenix.Endpoint', 'init', 1)).toBe('Phoenix.Endpoint.init/1')
  })

  it('prints Erlang calls as m:f/a, quoting atoms that need it', () => {
    expect(formatMfa('gen_server', 'loop', 7)).toBe('gen_server:loop/7')
    expect(formatMfa('prim_eval', 'receive', 2)).toBe("prim_eval:'receive'/2")
    expect(quoteAtom('Foo')).toBe("'Foo'")
    expect(quoteAtom("it's")).toBe("'it\\'s'")
    expect(quoteAtom('node@host')).toBe('node@host')
  })

  it('reads {M, F, A} terms, with an argument list as arity', () => {
    expect(mfaText(parseErlang("{'Elixir.Task.Supervised',invoke_mfa,2}"))).toBe(
      'Task.Supervised.invoke_mfa/2'
    )
    expect(mfaText(parseErlang('{erlang,apply,[a,b]}'))).toBe('erlang:apply/2')
    expect(mfaText(parseErlang('undefined'))).toBeNull()
  })
})

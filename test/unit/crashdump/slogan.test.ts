import { describe, expect, it } from 'vitest'
import { explainSlogan } from '../../../src/main/crashdump/sections/slogan'

const etsLimit = 'The ETS table limit was reached'

describe('slogan: the ETS table limit', () => {
  it.each([
    '** Too many db tables **',
    '{system_limit,[{ets,new,[session_cache,[set,public]],[]},{session_store,init,1,[{file,"src/session_store.erl"},{line,42}]}]}'
  ])('is recognised from the VM wording: %s', (slogan) => {
    const e = explainSlogan(slogan)
    expect(e.category).toBe('system_limit')
    expect(e.title).toBe(etsLimit)
  })

  it.each([
    'ranch_acceptor: giving up, listen sockets closed by peer',
    'shutdown: tickets_server lost its database',
    'rebalance failed: buckets out of sync'
  ])('is not read into a word that merely contains "ets": %s', (slogan) => {
    const e = explainSlogan(slogan)
    expect(e.title).not.toBe(etsLimit)
    expect(e.category).toBe('halt')
    expect(e.reason).toBe(slogan)
  })
})

import { describe, expect, it } from 'vitest'
import { groupText, processQuery, rankingKey } from '../../../src/main/node/collectors'

const base = { sortBy: 'memory', limit: 50, offset: 0 }

describe('a process group in a query', () => {
  it('is rebuilt from its checked fields only', () => {
    const q = processQuery({
      ...base,
      group: { by: 'initial_call', module: 'Elixir.Shop', function: 'run', arity: 2, extra: 'x' }
    })
    expect(q.group).toEqual({ by: 'initial_call', module: 'Elixir.Shop', function: 'run', arity: 2 })
    expect(processQuery({ ...base, group: { by: 'parent', pid: '<0.80.0>', x: 1 } }).group).toEqual({
      by: 'parent',
      pid: '<0.80.0>'
    })
    expect(processQuery(base).group).toBeNull()
  })

  it('refuses what is not a group', () => {
    for (const group of [
      'shop:churn/0',
      { by: 'code', module: 'm' },
      { by: 'parent', pid: 'self()' },
      { by: 'initial_call', module: '', function: 'f', arity: 0 },
      { by: 'initial_call', module: 'm'.repeat(256), function: 'f', arity: 0 },
      { by: 'initial_call', module: 'm\n', function: 'f', arity: 0 },
      { by: 'initial_call', module: 'm', function: 7, arity: 0 },
      { by: 'initial_call', module: 'm', function: 'f', arity: 256 },
      { by: 'initial_call', module: 'm', function: 'f', arity: 1.5 }
    ])
      expect(() => processQuery({ ...base, group })).toThrow(
        expect.objectContaining({ code: 'invalid_request' })
      )
  })

  it('makes another ranking, said in words', () => {
    const g = { by: 'initial_call', module: 'shop', function: 'churn', arity: 0 } as const
    expect(rankingKey(processQuery({ ...base, group: g }))).not.toBe(rankingKey(processQuery(base)))
    expect(groupText(g)).toBe('initial call shop:churn/0')
    expect(groupText({ by: 'parent', pid: '<0.1.0>' })).toBe('parent <0.1.0>')
  })
})

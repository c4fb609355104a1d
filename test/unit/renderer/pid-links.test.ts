import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { pidNameCache, splitPids } from '@renderer/components/pid-links'

describe('pids in text', () => {
  it('cuts text into plain parts and pids', () => {
    expect(splitPids('<0.88.0>')).toEqual([{ text: '<0.88.0>', pid: true }])
    expect(splitPids('owner <0.1.0> and <0.345.6>, done')).toEqual([
      { text: 'owner ', pid: false },
      { text: '<0.1.0>', pid: true },
      { text: ' and ', pid: false },
      { text: '<0.345.6>', pid: true },
      { text: ', done', pid: false }
    ])
    // a pid on another node cannot be opened here
    expect(splitPids('<12.345.6>')).toEqual([{ text: '<12.345.6>', pid: false }])
    expect(splitPids('#Port<0.5> <0.x.0> <<"bin">>')).toEqual([
      { text: '#Port<0.5> <0.x.0> <<"bin">>', pid: false }
    ])
    expect(splitPids('')).toEqual([])
  })

  it('looks names up once, in one batch, and answers from the cache after', async () => {
    const asked: string[][] = []
    const cache = pidNameCache(async (pids) => {
      asked.push(pids)
      return Object.fromEntries(pids.map((p) => [p, p === '<0.1.0>' ? 'init' : null]))
    })
    expect(cache.name('<0.1.0>')).toBeNull()
    expect(cache.name('<0.2.0>')).toBeNull()
    expect(cache.name('<0.1.0>')).toBeNull()
    await new Promise((r) => setTimeout(r, 0))
    await nextTick()
    expect(asked).toEqual([['<0.1.0>', '<0.2.0>']])
    expect(cache.name('<0.1.0>')).toBe('init')
    expect(cache.name('<0.2.0>')).toBeNull()
    expect(asked.length).toBe(1)
  })
})

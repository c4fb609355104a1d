import { describe, expect, it } from 'vitest'
import { memoryCategories, type MemorySample } from '../../../src/shared/contract/node'
import { MemoryHistory } from '../../../src/main/node/history'

const sample = (t: number, base = t): MemorySample => ({
  t,
  rttMs: t % 7,
  values: Object.fromEntries(memoryCategories.map((c, k) => [c, base * 10 + k])) as MemorySample['values']
})

describe('memory history ring', () => {
  it('returns what was pushed, oldest first', () => {
    const h = new MemoryHistory(10)
    for (let t = 1; t <= 4; t++) h.push(sample(t))
    expect(h.size).toBe(4)
    expect(h.since()).toEqual([1, 2, 3, 4].map((t) => sample(t)))
    expect(h.latest()).toEqual(sample(4))
  })

  it('overwrites the oldest when full and keeps a constant footprint', () => {
    const h = new MemoryHistory(5)
    const bytes = h.byteLength
    for (let t = 1; t <= 12; t++) h.push(sample(t))
    expect(h.size).toBe(5)
    expect(h.since().map((s) => s.t)).toEqual([8, 9, 10, 11, 12])
    expect(h.byteLength).toBe(bytes)
  })

  it('answers since(t) across the wrap point', () => {
    const h = new MemoryHistory(5)
    for (let t = 1; t <= 7; t++) h.push(sample(t))
    expect(h.since(5).map((s) => s.t)).toEqual([6, 7])
    expect(h.since(2).map((s) => s.t)).toEqual([3, 4, 5, 6, 7])
    expect(h.since(7)).toEqual([])
    expect(new MemoryHistory(3).since()).toEqual([])
  })

  it('holds 24 h at 1 s in typed arrays (about 7 MB)', () => {
    const h = new MemoryHistory()
    expect(h.capacity).toBeGreaterThanOrEqual(86_400)
    expect(h.byteLength).toBeLessThan(8 * 1024 * 1024)
  })

  it('keeps byte counts beyond 32 bits exactly', () => {
    const h = new MemoryHistory(2)
    const big = sample(1)
    big.values.total = 2 ** 40 + 3
    h.push(big)
    expect(h.latest()?.values.total).toBe(2 ** 40 + 3)
  })

  it('downsamples into buckets keeping each peak', () => {
    const h = new MemoryHistory(100)
    for (let t = 1; t <= 10; t++) h.push(sample(t, t === 3 ? 1000 : t))
    const out = h.since(undefined, 3)
    expect(out.length).toBeLessThanOrEqual(3)
    expect(out[0].t).toBe(4)
    expect(out[0].values.total).toBe(10_000)
    expect(out.at(-1)?.t).toBe(10)
  })
})

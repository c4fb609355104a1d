import { describe, expect, it } from 'vitest'
import { memoryCategories, type MemorySample } from '../../../src/shared/contract/node'
import { AllocatorHistory, MemoryHistory } from '../../../src/main/node/history'
import type { AllocatorReport } from '../../../src/shared/contract/node'

const sample = (t: number, base = t, incarnation = 1): MemorySample => ({
  t,
  rttMs: t % 7,
  incarnation,
  values: Object.fromEntries(memoryCategories.map((c, k) => [c, base * 10 + k])) as MemorySample['values'],
  atomCount: 10_000 + base,
  processCount: 50 + (base % 3)
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

  it('holds 24 h at 1 s in typed arrays (about 9 MB)', () => {
    const h = new MemoryHistory()
    expect(h.capacity).toBeGreaterThanOrEqual(86_400)
    expect(h.byteLength).toBeLessThan(9.5 * 1024 * 1024)
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
    expect(out[0].atomCount).toBe(11_000)
    expect(out.at(-1)?.t).toBe(10)
  })

  it('keeps the incarnation of every sample and never merges two incarnations into one bucket', () => {
    const h = new MemoryHistory(100)
    for (let t = 1; t <= 10; t++) h.push(sample(t, t, t <= 6 ? 1 : 2))
    expect(h.since().map((s) => s.incarnation)).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2])
    const out = h.since(undefined, 2)
    // buckets of 5: [1..5], [6] (cut at the restart), [7..10]
    expect(out.map((s) => [s.t, s.incarnation])).toEqual([
      [5, 1],
      [6, 1],
      [10, 2]
    ])
    // the peak of the first bucket stays its own, not the new VM's
    expect(out[0].values.total).toBe(50)
  })
})

describe('allocator history', () => {
  const report = (t: number, binary: number): AllocatorReport => ({
    instances: [],
    byAllocator: [
      { allocator: 'binary_alloc', used: binary, allocated: binary * 2, usage: 0.5, instances: 1 },
      { allocator: 'eheap_alloc', used: 10, allocated: 20, usage: 0.5, instances: 1 }
    ],
    msegCache: [],
    allocated: binary * 2 + 20,
    used: binary + 10,
    usage: 0.5,
    memoryTotal: 0,
    blocksFormat: 'blocks_list',
    takenAt: t
  })

  it('keeps per-allocator totals with their incarnation, bounded, and answers since(t)', () => {
    const h = new AllocatorHistory(3)
    for (let t = 1; t <= 5; t++) h.push(report(t * 1000, t), t < 5 ? 1 : 2)
    expect(h.size).toBe(3)
    expect(h.since().map((p) => p.t)).toEqual([3000, 4000, 5000])
    expect(h.since(3000).map((p) => [p.t, p.incarnation])).toEqual([
      [4000, 1],
      [5000, 2]
    ])
    expect(h.since().at(-1)?.byAllocator.binary_alloc).toEqual({ used: 5, allocated: 10 })
  })
})

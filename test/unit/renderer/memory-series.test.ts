import { describe, expect, it } from 'vitest'
import type { MemorySample } from '@shared/contract/node'
import { growthWindow, pointsWithBreaks, seriesBreaks } from '@renderer/format/memory-series'

const at = (t: number, total: number, incarnation = 1): MemorySample => ({
  t,
  rttMs: 1,
  incarnation,
  values: {
    total,
    processes: 0,
    processes_used: 0,
    system: 0,
    atom: 0,
    atom_used: 0,
    binary: 0,
    code: 0,
    ets: 0
  },
  atomCount: 0,
  processCount: 0
})

describe('memory series across outages and restarts', () => {
  // 1 s samples; the node vanishes for 30 s and comes back as a new VM, then a 20 s outage of the same VM
  const samples = [
    at(1000, 500),
    at(2000, 600),
    at(3000, 700),
    at(33_000, 100, 2),
    at(34_000, 110, 2),
    at(54_000, 120, 2),
    at(55_000, 130, 2)
  ]

  it('breaks at a new incarnation and at a long pause, not between regular samples', () => {
    expect(seriesBreaks(samples, 1000)).toEqual([
      { t: 33_000, kind: 'restart' },
      { t: 54_000, kind: 'gap' }
    ])
    // a restart is a break even when the samples are close together
    expect(seriesBreaks([at(1000, 1), at(2000, 1, 2)], 1000)).toEqual([{ t: 2000, kind: 'restart' }])
    // a slow interval stretches what counts as a pause
    expect(seriesBreaks([at(0, 1), at(20_000, 1)], 10_000)).toEqual([])
  })

  it('puts a hole before each break so no line crosses it', () => {
    const points = pointsWithBreaks(samples, seriesBreaks(samples, 1000), (s) => s.values.total)
    expect(points).toEqual([
      [1000, 500],
      [2000, 600],
      [3000, 700],
      [32_999, null],
      [33_000, 100],
      [34_000, 110],
      [53_999, null],
      [54_000, 120],
      [55_000, 130]
    ])
  })

  it('measures growth over the current incarnation only', () => {
    expect(growthWindow(samples, 300_000).map((s) => s.t)).toEqual([33_000, 34_000, 54_000, 55_000])
    expect(growthWindow(samples, 2000).map((s) => s.t)).toEqual([54_000, 55_000])
    expect(growthWindow([], 1000)).toEqual([])
  })
})

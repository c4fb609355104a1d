import { describe, expect, it } from 'vitest'
import { linearTrend } from '@renderer/format/growth'

const ts = Array.from({ length: 60 }, (_, i) => i * 1000)

describe('linearTrend', () => {
  it('flags a category that grows in a straight line', () => {
    const t = linearTrend(
      ts,
      ts.map((x) => 10_000_000 + x * 100)
    )
    expect(t.perSecond).toBeCloseTo(100_000, 3)
    expect(t.r2).toBeCloseTo(1, 6)
    expect(t.steady).toBe(true)
  })

  it('does not flag noise around a flat level, nor a shrinking category', () => {
    const noisy = ts.map((_, i) => 10_000_000 + (i % 2 === 0 ? 50_000 : -50_000))
    expect(linearTrend(ts, noisy).steady).toBe(false)
    expect(
      linearTrend(
        ts,
        ts.map((x) => 10_000_000 - x * 100)
      ).steady
    ).toBe(false)
  })

  it('needs a few points before it says anything', () => {
    expect(linearTrend([0, 1000], [1, 2])).toMatchObject({ perSecond: 0, steady: false })
  })

  it('needs a rate that matters: atom_used at +2 KiB/min is not flagged, binary at +60 MiB/min is', () => {
    // five minutes at one sample a second
    const window = Array.from({ length: 300 }, (_, i) => i * 1000)
    const atomUsed = window.map((x) => 300 * 1024 + (x / 60_000) * 2 * 1024)
    const binary = window.map((x) => 200 * 1024 * 1024 + (x / 60_000) * 60 * 1024 * 1024)
    const a = linearTrend(window, atomUsed)
    // a perfect line, 3% over the window: only the absolute floor keeps it unflagged
    expect(a.r2).toBeCloseTo(1, 6)
    expect(a.relative).toBeGreaterThan(0.01)
    expect(a.steady).toBe(false)
    expect(linearTrend(window, binary).steady).toBe(true)
  })

  it('does not flag a large category growing by a sliver of its size', () => {
    const window = Array.from({ length: 300 }, (_, i) => i * 1000)
    // 10 GiB growing 1 MiB/min: 0.05% over five minutes
    const big = window.map((x) => 10 * 1024 ** 3 + (x / 60_000) * 1024 * 1024)
    expect(linearTrend(window, big).steady).toBe(false)
  })
})

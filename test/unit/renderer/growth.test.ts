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
})

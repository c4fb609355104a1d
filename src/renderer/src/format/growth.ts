export interface Trend {
  /** Least-squares slope, units per second. */
  perSecond: number
  /** Coefficient of determination of the fit (1 = a straight line). */
  r2: number
  /** Change over the window as a fraction of the first value. */
  relative: number
  /**
   * Grows by a straight-ish line at a rate that matters: r2 >= 0.8, at least 1% of the category over
   * the window, and at least MIN_GROWTH_PER_MINUTE (so atom_used creeping by 2 KiB/min is not
   * flagged like binary at +60 MiB/min).
   */
  steady: boolean
}

/** The absolute floor of a flagged growth: 64 KiB/min is about 90 MiB a day. */
export const MIN_GROWTH_PER_MINUTE = 64 * 1024

/** Fits a line to (t ms, value) points. Fewer than 5 points give a flat, unsteady trend. */
export function linearTrend(ts: readonly number[], values: readonly number[]): Trend {
  const n = Math.min(ts.length, values.length)
  if (n < 5) return { perSecond: 0, r2: 0, relative: 0, steady: false }
  let sx = 0
  let sy = 0
  for (let i = 0; i < n; i++) {
    sx += ts[i] / 1000
    sy += values[i]
  }
  const mx = sx / n
  const my = sy / n
  let sxx = 0
  let sxy = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const dx = ts[i] / 1000 - mx
    const dy = values[i] - my
    sxx += dx * dx
    sxy += dx * dy
    syy += dy * dy
  }
  if (sxx === 0) return { perSecond: 0, r2: 0, relative: 0, steady: false }
  const slope = sxy / sxx
  const r2 = syy === 0 ? 0 : (sxy * sxy) / (sxx * syy)
  const span = (ts[n - 1] - ts[0]) / 1000
  const first = values[0] || 1
  const relative = (slope * span) / first
  const steady = slope * 60 >= MIN_GROWTH_PER_MINUTE && r2 >= 0.8 && relative >= 0.01
  return { perSecond: slope, r2, relative, steady }
}

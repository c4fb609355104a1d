import type { MemorySample } from '@shared/contract/node'

/** Where the memory chart's lines stop: the node restarted, or it did not answer for a while. */
export interface SeriesBreak {
  /** Time of the first sample after the break. */
  t: number
  kind: 'restart' | 'gap'
}

/** A pause longer than this (and than 4 sampling intervals) is drawn as a gap, not a line. */
export const MIN_GAP_MS = 8000

/** The breaks in a sample list, oldest first. */
export function seriesBreaks(samples: readonly MemorySample[], intervalMs: number): SeriesBreak[] {
  const gap = Math.max(MIN_GAP_MS, intervalMs * 4)
  const out: SeriesBreak[] = []
  for (let i = 1; i < samples.length; i++) {
    const prev = samples[i - 1]
    const cur = samples[i]
    if (cur.incarnation !== prev.incarnation) out.push({ t: cur.t, kind: 'restart' })
    else if (cur.t - prev.t > gap) out.push({ t: cur.t, kind: 'gap' })
  }
  return out
}

/**
 * Chart points `[t, value]` with a `[t, null]` hole before each break, so no line is drawn across
 * an outage or from one incarnation of the node into the next.
 */
export function pointsWithBreaks(
  samples: readonly MemorySample[],
  breaks: readonly SeriesBreak[],
  value: (s: MemorySample) => number
): [number, number | null][] {
  const out: [number, number | null][] = []
  let b = 0
  for (const s of samples) {
    if (b < breaks.length && breaks[b].t === s.t) {
      out.push([s.t - 1, null])
      b++
    }
    out.push([s.t, value(s)])
  }
  return out
}

/** The samples a growth rate may use: the current incarnation only, within the window. */
export function growthWindow(samples: readonly MemorySample[], windowMs: number): MemorySample[] {
  const last = samples[samples.length - 1]
  if (!last) return []
  const since = last.t - windowMs
  let from = samples.length
  while (from > 0 && samples[from - 1].t >= since && samples[from - 1].incarnation === last.incarnation)
    from--
  return samples.slice(from)
}

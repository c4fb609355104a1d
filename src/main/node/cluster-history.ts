import type { ClusterMember } from '../../shared/contract/cluster'
import type { ClusterReading, MemberReading } from './cluster'

/** Samples kept per member (at 5 s: an hour). */
export const CLUSTER_HISTORY_POINTS = 720
/** Totals sent with each member for its sparkline. */
export const CLUSTER_SPARK_POINTS = 60
/** Samples the growth is fitted over (the most recent ones). */
export const CLUSTER_GROWTH_POINTS = 60

interface Track {
  t: number[]
  total: (number | null)[]
  last: MemberReading
  /** Sample number when the member was last seen in the entry's node list. */
  seen: number
}

/** Least-squares slope of (t ms, value) per second over the non-null points; null with fewer than 3. */
export function growthPerSecond(ts: readonly number[], values: readonly (number | null)[]): number | null {
  let n = 0
  let sx = 0
  let sy = 0
  for (let i = 0; i < ts.length; i++) {
    const v = values[i]
    if (v === null) continue
    n++
    sx += ts[i] / 1000
    sy += v
  }
  if (n < 3) return null
  const mx = sx / n
  const my = sy / n
  let sxx = 0
  let sxy = 0
  for (let i = 0; i < ts.length; i++) {
    const v = values[i]
    if (v === null) continue
    const dx = ts[i] / 1000 - mx
    sxx += dx * dx
    sxy += dx * (v - my)
  }
  return sxx === 0 ? null : sxy / sxx
}

/** Down first, then the fastest growth, then the biggest total, then by name. */
export function worstFirst(a: ClusterMember, b: ClusterMember): number {
  if (a.state !== b.state) return a.state === 'down' ? -1 : 1
  const g = (b.growthPerSecond ?? 0) - (a.growthPerSecond ?? 0)
  if (g !== 0) return g
  const m = (b.memory?.total ?? 0) - (a.memory?.total ?? 0)
  if (m !== 0) return m
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0
}

/**
 * Per-member history of memory total across cluster samples. A member missing from a sample
 * (it left the entry's node list) keeps its history and shows as down until it has been gone
 * for as many samples as the history holds.
 */
export class ClusterHistory {
  private readonly tracks = new Map<string, Track>()
  private samples = 0

  constructor(private readonly points = CLUSTER_HISTORY_POINTS) {}

  get size(): number {
    return this.tracks.size
  }

  record(t: number, reading: ClusterReading): void {
    this.samples++
    const present = new Set<string>()
    for (const m of reading.members) {
      present.add(m.node)
      let track = this.tracks.get(m.node)
      if (!track) {
        track = { t: [], total: [], last: m, seen: this.samples }
        this.tracks.set(m.node, track)
      }
      track.last = m
      track.seen = this.samples
      this.push(track, t, m.up && m.memory ? m.memory.total : null)
    }
    for (const [node, track] of this.tracks) {
      if (present.has(node)) continue
      if (this.samples - track.seen >= this.points) {
        this.tracks.delete(node)
        continue
      }
      track.last = { ...track.last, up: false, error: 'left the node list of the entry' }
      this.push(track, t, null)
    }
  }

  private push(track: Track, t: number, total: number | null): void {
    track.t.push(t)
    track.total.push(total)
    if (track.t.length > this.points) {
      track.t.shift()
      track.total.shift()
    }
  }

  /** Every member, worst first. */
  members(): ClusterMember[] {
    const out: ClusterMember[] = []
    for (const [node, track] of this.tracks) {
      const m = track.last
      const from = Math.max(0, track.t.length - CLUSTER_GROWTH_POINTS)
      out.push({
        node,
        visibility: m.visibility,
        state: m.up ? 'up' : 'down',
        ...(m.up ? {} : { error: m.error ?? 'down' }),
        otpRelease: m.up ? (m.otpRelease ?? null) : null,
        uptimeMs: m.up ? (m.uptimeMs ?? null) : null,
        processCount: m.up ? (m.processCount ?? null) : null,
        memory: m.up ? (m.memory ?? null) : null,
        growthPerSecond: m.up ? growthPerSecond(track.t.slice(from), track.total.slice(from)) : null,
        history: track.total.slice(-CLUSTER_SPARK_POINTS)
      })
    }
    return out.sort(worstFirst)
  }
}

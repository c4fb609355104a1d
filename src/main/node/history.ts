import {
  memoryCategories,
  type AllocatorPoint,
  type AllocatorReport,
  type MemoryCategory,
  type MemorySample
} from '../../shared/contract/node'

/** 24 h at one sample a second. */
export const DEFAULT_HISTORY_CAPACITY = 86_400

/**
 * Fixed-capacity ring of memory samples: one Float64Array per category plus time, RTT, atom count
 * process count and spawn rate columns, so 24 h at 1 s costs about 10 MB whatever happens to the node.
 */
export class MemoryHistory {
  readonly capacity: number
  private readonly t: Float64Array
  private readonly rtt: Float32Array
  private readonly incarnation: Uint32Array
  private readonly columns: Float64Array[]
  private readonly atoms: Float64Array
  private readonly processes: Float64Array
  /** Spawns per second since the previous sample; NaN when unknown. */
  private readonly spawns: Float64Array
  private head = 0
  private count = 0

  constructor(capacity = DEFAULT_HISTORY_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer')
    this.capacity = capacity
    this.t = new Float64Array(capacity)
    this.rtt = new Float32Array(capacity)
    this.incarnation = new Uint32Array(capacity)
    this.columns = memoryCategories.map(() => new Float64Array(capacity))
    this.atoms = new Float64Array(capacity)
    this.processes = new Float64Array(capacity)
    this.spawns = new Float64Array(capacity)
  }

  get size(): number {
    return this.count
  }

  /** Bytes held by the columns (constant). */
  get byteLength(): number {
    return (
      this.t.byteLength +
      this.rtt.byteLength +
      this.incarnation.byteLength +
      this.atoms.byteLength +
      this.processes.byteLength +
      this.spawns.byteLength +
      this.columns.reduce((n, c) => n + c.byteLength, 0)
    )
  }

  push(sample: MemorySample): void {
    const i = this.head
    this.t[i] = sample.t
    this.rtt[i] = sample.rttMs
    this.incarnation[i] = sample.incarnation
    this.atoms[i] = sample.atomCount
    this.processes[i] = sample.processCount
    this.spawns[i] = sample.spawnsPerSec ?? NaN
    memoryCategories.forEach((c, k) => (this.columns[k][i] = sample.values[c]))
    this.head = (i + 1) % this.capacity
    if (this.count < this.capacity) this.count++
  }

  private slot(n: number): number {
    return (this.head - this.count + n + this.capacity) % this.capacity
  }

  private at(n: number): MemorySample {
    const i = this.slot(n)
    const values = {} as Record<MemoryCategory, number>
    memoryCategories.forEach((c, k) => (values[c] = this.columns[k][i]))
    const spawns = this.spawns[i]
    return {
      t: this.t[i],
      rttMs: this.rtt[i],
      incarnation: this.incarnation[i],
      values,
      atomCount: this.atoms[i],
      processCount: this.processes[i],
      ...(Number.isNaN(spawns) ? {} : { spawnsPerSec: spawns })
    }
  }

  latest(): MemorySample | undefined {
    return this.count === 0 ? undefined : this.at(this.count - 1)
  }

  /** Index (0 = oldest) of the first sample with t > since. */
  private firstAfter(since: number): number {
    let lo = 0
    let hi = this.count
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.t[this.slot(mid)] > since) hi = mid
      else lo = mid + 1
    }
    return lo
  }

  /**
   * Samples with t > since, oldest first. With `maxPoints`, consecutive samples are merged into
   * buckets keeping each category's peak (so a spike never disappears from a zoomed-out chart).
   */
  since(since = -Infinity, maxPoints?: number): MemorySample[] {
    const from = this.firstAfter(since)
    const n = this.count - from
    if (n <= 0) return []
    if (!maxPoints || maxPoints >= n) {
      const out: MemorySample[] = new Array<MemorySample>(n)
      for (let k = 0; k < n; k++) out[k] = this.at(from + k)
      return out
    }
    const buckets = Math.max(1, Math.floor(maxPoints))
    const per = Math.ceil(n / buckets)
    const out: MemorySample[] = []
    for (let start = 0; start < n;) {
      let end = Math.min(n, start + per)
      // a bucket never spans a restart: the series break stays where it happened
      const first = this.incarnation[this.slot(from + start)]
      for (let k = start + 1; k < end; k++)
        if (this.incarnation[this.slot(from + k)] !== first) {
          end = k
          break
        }
      const last = this.at(from + end - 1)
      for (let k = start; k < end - 1; k++) {
        const i = this.slot(from + k)
        memoryCategories.forEach((c, col) => {
          const v = this.columns[col][i]
          if (v > last.values[c]) last.values[c] = v
        })
        if (this.rtt[i] > last.rttMs) last.rttMs = this.rtt[i]
        if (this.atoms[i] > last.atomCount) last.atomCount = this.atoms[i]
        if (this.processes[i] > last.processCount) last.processCount = this.processes[i]
        const spawns = this.spawns[i]
        if (spawns > (last.spawnsPerSec ?? -1)) last.spawnsPerSec = spawns
      }
      out.push(last)
      start = end
    }
    return out
  }
}

/** 24 h of allocator reads at one every 10 s. */
export const DEFAULT_ALLOCATOR_CAPACITY = 8640

/** Ring of allocator totals per type, read in the background by the session. */
export class AllocatorHistory {
  private readonly points: AllocatorPoint[] = []

  constructor(readonly capacity = DEFAULT_ALLOCATOR_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer')
  }

  get size(): number {
    return this.points.length
  }

  push(report: AllocatorReport, incarnation: number): AllocatorPoint {
    const point: AllocatorPoint = {
      t: report.takenAt,
      incarnation,
      byAllocator: Object.fromEntries(
        report.byAllocator.map((a) => [a.allocator, { used: a.used, allocated: a.allocated }])
      )
    }
    if (this.points.length >= this.capacity) this.points.shift()
    this.points.push(point)
    return point
  }

  /** Points with t > since, oldest first. */
  since(since = -Infinity): AllocatorPoint[] {
    let lo = 0
    let hi = this.points.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.points[mid].t > since) hi = mid
      else lo = mid + 1
    }
    return this.points.slice(lo)
  }
}

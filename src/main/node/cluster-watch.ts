import type { Emit } from '../../shared/api'
import type { ClusterSample, ClusterWatchRequest } from '../../shared/contract/cluster'
import { AppError } from '../app-error'
import { readCluster } from './cluster'
import { ClusterHistory } from './cluster-history'
import type { LiveClient } from './live-client'

export const CLUSTER_INTERVAL = { default: 5000, min: 1000, max: 600_000 } as const

export function clusterInterval(v: unknown): number {
  if (v === undefined || v === null) return CLUSTER_INTERVAL.default
  if (typeof v !== 'number' || !Number.isInteger(v) || v < CLUSTER_INTERVAL.min || v > CLUSTER_INTERVAL.max)
    throw new AppError(
      'invalid_request',
      `The cluster interval must be a whole number of ms from ${CLUSTER_INTERVAL.min} to ${CLUSTER_INTERVAL.max}.`
    )
  return v
}

export interface ClusterWatchEnv {
  sessionId: string
  /** The session's live client (throws not_connected while it reconnects). */
  live: () => LiveClient
  /** True once the session is closed: the watch then stops for good. */
  gone: () => boolean
  emit: Emit
}

/**
 * The cluster sampler of one session: one `readCluster` per interval (never overlapping), the
 * members' history, and a `cluster:sample` event per sample.
 */
export class ClusterWatch {
  private history = new ClusterHistory()
  private latest: ClusterSample | undefined
  private hidden = false
  private intervalMs: number = CLUSTER_INTERVAL.default
  private timer: NodeJS.Timeout | undefined
  private inFlight: Promise<ClusterSample> | undefined
  private watching = false

  constructor(private readonly env: ClusterWatchEnv) {}

  get active(): boolean {
    return this.watching
  }

  async watch(req: ClusterWatchRequest = {}): Promise<ClusterSample> {
    const hidden = req.hidden === true
    this.intervalMs = clusterInterval(req.intervalMs)
    if (hidden !== this.hidden) {
      this.hidden = hidden
      this.history = new ClusterHistory()
      this.latest = undefined
    }
    this.watching = true
    const sample = this.latest && this.latest.includeHidden === hidden ? this.latest : await this.sample()
    this.schedule(this.intervalMs)
    return sample
  }

  stop(): void {
    this.watching = false
    clearTimeout(this.timer)
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer)
    if (!this.watching) return
    this.timer = setTimeout(() => void this.tick(), delay)
  }

  private async tick(): Promise<void> {
    if (this.env.gone()) {
      this.stop()
      return
    }
    const started = performance.now()
    await this.sample().catch(() => undefined)
    this.schedule(Math.max(0, this.intervalMs - (performance.now() - started)))
  }

  /** One sample now (joins the one in flight). */
  sample(): Promise<ClusterSample> {
    this.inFlight ??= this.read().finally(() => (this.inFlight = undefined))
    return this.inFlight
  }

  private async read(): Promise<ClusterSample> {
    const client = this.env.live()
    const hidden = this.hidden
    const history = this.history
    const started = performance.now()
    const memberTimeoutMs = Math.max(2000, Math.min(10_000, this.intervalMs))
    const reading = await readCluster(client, { hidden, memberTimeoutMs })
    const takenAt = Date.now()
    history.record(takenAt, reading)
    const sample: ClusterSample = {
      entry: client.peer,
      takenAt,
      sampleMs: reading.sampleMs,
      rttMs: Math.round((performance.now() - started) * 100) / 100,
      entryCost: { reductions: reading.entryReductions, memoryBytes: reading.entryMemoryBytes },
      includeHidden: hidden,
      intervalMs: this.intervalMs,
      members: history.members()
    }
    if (history === this.history) {
      this.latest = sample
      this.env.emit('cluster:sample', { sessionId: this.env.sessionId, sample })
    }
    return sample
  }
}

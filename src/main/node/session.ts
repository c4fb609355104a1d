import { describeRoute, isDirect, type RouteSpec } from '../../shared/contract/route'
import type { RouteAsker } from '../route/asker'
import type { RouteEnv } from '../route/route'
import { randomUUID } from 'node:crypto'
import type { Emit } from '../../shared/api'
import type {
  MemorySample,
  MessagesRequest,
  MessagesResult,
  NewProcessesResult,
  ProcessPage,
  SessionInfo,
  SessionState,
  SystemOverview
} from '../../shared/contract/node'
import { AppError } from '../app-error'
import * as C from './collectors'
import { AllocatorHistory, MemoryHistory } from './history'
import type { Connector, LiveClient } from './live-client'
import { ScanGate } from './scan-gate'
import { spawnRate, type PidId } from './spawn-counter'

export interface SessionOptions {
  node: string
  /** Kept in memory only, for reconnecting; never logged or emitted. */
  cookie: string
  intervalMs: number
  savedId?: string
  /** Reach `node` through this node of its cluster (every call runs on `node` via erpc there). */
  through?: string
  connect: Connector
  emit: Emit
  historyCapacity?: number
  /** Reconnect backoff: first delay and ceiling (ms). */
  backoffMs?: { first: number; max: number }
  connectTimeoutMs?: number
  /** Background allocator reads (default every 10 s). */
  allocatorIntervalMs?: number
  /** Least rest the node gets between two scans (the scan gate's interval), ms. */
  scanIntervalMs?: number
  /** How bytes reach the node; every (re)connect builds it anew (new SSH sessions). */
  route?: RouteSpec
  /** Answers the route's questions (host keys, passphrases); kept for the reconnects. */
  asker?: RouteAsker
  routeEnv?: RouteEnv
}

/** Uptime may look this much shorter than expected (clock steps, slow replies) without meaning a restart. */
const UPTIME_SLACK_MS = 5000
const DEFAULT_ALLOCATOR_INTERVAL_MS = 10_000

/** Consecutive failed samples (timeouts on a live connection) before the session reconnects. */
const MAX_SAMPLE_FAILURES = 3

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * One live node: the connection, a sampler feeding the history ring at the chosen interval, RTT,
 * automatic reconnect with exponential backoff (history kept across the gap), and the
 * snapshot holder on the target.
 */
export class Session {
  readonly id = randomUUID()
  readonly history: MemoryHistory
  readonly allocatorHistory = new AllocatorHistory()
  private client: LiveClient | null = null
  private state: SessionState = 'reconnecting'
  private otpRelease = ''
  private ertsVersion = ''
  private rttMs: number | undefined
  private lastError: string | undefined
  private connectedAt = 0
  private sampleTimer: NodeJS.Timeout | undefined
  private retryTimer: NodeJS.Timeout | undefined
  private attempt = 0
  private sampleFailures = 0
  private generation = 0
  private snap: C.Snapshot | undefined
  private incarnation = 1
  private creation: number | undefined
  /** The node's uptime at a moment of our clock, to tell a restart from a reconnect. */
  private uptimeRef: { uptimeMs: number; at: number } | undefined
  /** Our clock when the node last answered (a sample or the connect). */
  private lastSeenAt = 0
  private lostAt: number | undefined
  private allocatorTimer: NodeJS.Timeout | undefined
  private ranking: C.Ranking | undefined
  /** The pid that ran the last sample on this connection (spawns are counted from it). */
  private lastPid: { pid: PidId; t: number; incarnation: number; client: LiveClient } | undefined
  /**
   * Every expensive call this session makes the node do goes through this gate (one at a time,
   * a rest between them). Collectors added later (ETS, ports) use it too: `session.scans.run(...)`.
   */
  readonly scans: ScanGate

  private constructor(private readonly opts: SessionOptions) {
    this.history = new MemoryHistory(opts.historyCapacity)
    this.scans = new ScanGate({ minIntervalMs: opts.scanIntervalMs })
  }

  static async open(opts: SessionOptions): Promise<Session> {
    const session = new Session(opts)
    await session.establish()
    return session
  }

  get node(): string {
    return this.opts.node
  }

  get intervalMs(): number {
    return this.opts.intervalMs
  }

  get closed(): boolean {
    return this.state === 'closed'
  }

  /**
   * How to reach another member of this node's cluster: through the same entry node this session
   * uses (its own node when it is direct), with the same cookie. Main only: never crosses IPC.
   */
  memberRoute(): { cookie: string; through: string; route?: RouteSpec; asker?: RouteAsker } {
    return {
      cookie: this.opts.cookie,
      through: this.opts.through ?? this.opts.node,
      ...(this.opts.route ? { route: this.opts.route } : {}),
      ...(this.opts.asker ? { asker: this.opts.asker } : {})
    }
  }

  info(): SessionInfo {
    return {
      sessionId: this.id,
      node: this.opts.node,
      ...(this.opts.savedId ? { savedId: this.opts.savedId } : {}),
      ...(this.opts.through ? { through: this.opts.through } : {}),
      state: this.state,
      otpRelease: this.otpRelease,
      ertsVersion: this.ertsVersion,
      intervalMs: this.opts.intervalMs,
      ...(this.rttMs !== undefined ? { rttMs: this.rttMs } : {}),
      connectedAt: this.connectedAt,
      ...(this.lastError ? { error: this.lastError } : {}),
      incarnation: this.incarnation,
      ...(this.lostAt !== undefined ? { lostAt: this.lostAt } : {}),
      ...(isDirect(this.opts.route) ? {} : { route: describeRoute(this.opts.route) })
    }
  }

  /** The live client, or not_connected while reconnecting / after close. */
  live(): LiveClient {
    if (this.client && this.state === 'connected') return this.client
    throw new AppError(
      'not_connected',
      this.state === 'closed'
        ? `The session with ${this.opts.node} is closed.`
        : `Reconnecting to ${this.opts.node}; try again when it is back.`
    )
  }

  private async establish(): Promise<void> {
    const gen = ++this.generation
    const client = await this.opts.connect({
      node: this.opts.node,
      cookie: this.opts.cookie,
      timeoutMs: this.opts.connectTimeoutMs ?? 10_000,
      ...(this.opts.through ? { through: this.opts.through } : {}),
      ...(this.opts.route ? { route: this.opts.route } : {}),
      ...(this.opts.asker ? { asker: this.opts.asker } : {}),
      ...(this.opts.routeEnv ? { routeEnv: this.opts.routeEnv } : {})
    })
    if (gen !== this.generation || this.state === 'closed') {
      await client.close().catch(() => undefined)
      return
    }
    client.onLost((why) => this.lost(client, why))
    this.client = client
    // pids ranked on another connection may belong to another incarnation of the node
    this.ranking = undefined
    this.scans.forget()
    let sys: SystemOverview
    try {
      sys = await C.system(client)
      this.otpRelease = sys.otpRelease
      this.ertsVersion = sys.ertsVersion
    } catch (error) {
      this.client = null
      await client.close().catch(() => undefined)
      throw error
    }
    const now = Date.now()
    if (this.restarted(client.creation, sys.uptimeMs)) {
      this.incarnation++
      // the snapshot holder died with the old VM
      this.snap = undefined
    }
    this.creation = client.creation
    this.uptimeRef = { uptimeMs: sys.uptimeMs, at: now }
    this.lastSeenAt = now
    this.state = 'connected'
    this.connectedAt = now
    this.lostAt = undefined
    this.attempt = 0
    this.sampleFailures = 0
    this.lastError = undefined
    this.status()
    this.scheduleSample(0)
    this.scheduleAllocators(0)
  }

  /**
   * A new VM under the same name: the handshake's creation changed, or the uptime is shorter than
   * the old VM's was when it last answered (uptime went backwards).
   */
  private restarted(creation: number | undefined, uptimeMs: number): boolean {
    if (!this.uptimeRef) return false
    if (creation !== undefined && this.creation !== undefined && creation !== this.creation) return true
    const uptimeWhenLastSeen = this.uptimeRef.uptimeMs + (this.lastSeenAt - this.uptimeRef.at)
    return uptimeMs + UPTIME_SLACK_MS < uptimeWhenLastSeen
  }

  private status(extra: { attempt?: number; retryInMs?: number } = {}): void {
    this.opts.emit('node:status', {
      sessionId: this.id,
      node: this.opts.node,
      state: this.state,
      ...(this.rttMs !== undefined ? { rttMs: this.rttMs } : {}),
      ...(this.lastError ? { error: this.lastError } : {}),
      incarnation: this.incarnation,
      ...(this.lostAt !== undefined ? { lostAt: this.lostAt } : {}),
      ...extra
    })
  }

  private scheduleSample(delay: number): void {
    clearTimeout(this.sampleTimer)
    this.sampleTimer = setTimeout(() => void this.sample(), delay)
  }

  /** One sample; the next is scheduled from this one's start, never overlapping. */
  private async sample(): Promise<void> {
    const client = this.client
    if (!client || this.state !== 'connected') return
    const started = performance.now()
    try {
      const read = await C.memorySample(client, Math.max(5000, this.opts.intervalMs * 3))
      if (client !== this.client || this.state !== 'connected') return
      const rttMs = Math.round((performance.now() - started) * 100) / 100
      this.rttMs = rttMs
      this.sampleFailures = 0
      const { pid, ...values } = read
      const t = Date.now()
      const prev = this.lastPid
      const spawns =
        pid && prev && prev.incarnation === this.incarnation && prev.client === client
          ? spawnRate(prev.pid, pid, t - prev.t)
          : null
      this.lastPid = pid ? { pid, t, incarnation: this.incarnation, client } : undefined
      const sample: MemorySample = {
        t,
        rttMs,
        incarnation: this.incarnation,
        ...values,
        ...(spawns !== null ? { spawnsPerSec: spawns } : {})
      }
      this.lastSeenAt = sample.t
      this.history.push(sample)
      this.opts.emit('node:sample', { sessionId: this.id, sample })
    } catch (error) {
      if (client !== this.client || this.state !== 'connected') return
      this.lastError = `Memory sample failed: ${reason(error)}`
      if (++this.sampleFailures >= MAX_SAMPLE_FAILURES) {
        this.lost(client, this.lastError)
        return
      }
      this.status()
    }
    const elapsed = performance.now() - started
    this.scheduleSample(Math.max(0, this.opts.intervalMs - elapsed))
  }

  private scheduleAllocators(delay: number): void {
    clearTimeout(this.allocatorTimer)
    this.allocatorTimer = setTimeout(() => void this.sampleAllocators(), delay)
  }

  /** Allocator totals for the history chart, read whichever tab is open. */
  private async sampleAllocators(): Promise<void> {
    const client = this.client
    if (!client || this.state !== 'connected') return
    try {
      const report = await C.allocators(client)
      if (client !== this.client || this.state !== 'connected') return
      this.allocatorHistory.push(report, this.incarnation)
    } catch {
      // the memory sampler notices a dead link; a failed read only leaves a gap in this chart
      if (client !== this.client || this.state !== 'connected') return
    }
    this.scheduleAllocators(this.opts.allocatorIntervalMs ?? DEFAULT_ALLOCATOR_INTERVAL_MS)
  }

  private lost(client: LiveClient, why: string): void {
    if (client !== this.client || this.state === 'closed') return
    this.client = null
    clearTimeout(this.sampleTimer)
    clearTimeout(this.allocatorTimer)
    // a round trip measured before the loss says nothing about the link now
    this.rttMs = undefined
    this.lostAt = Date.now()
    void client.close().catch(() => undefined)
    this.state = 'reconnecting'
    // the client's own reason already says 'The connection to … was lost: …'
    this.lastError = why.startsWith('The connection') ? why : `Connection lost: ${why}`
    this.attempt = 0
    this.scheduleRetry()
  }

  private scheduleRetry(): void {
    const { first, max } = this.opts.backoffMs ?? { first: 500, max: 15_000 }
    const delay = Math.min(max, first * 2 ** this.attempt)
    this.attempt++
    this.status({ attempt: this.attempt, retryInMs: delay })
    clearTimeout(this.retryTimer)
    this.retryTimer = setTimeout(() => {
      if (this.state !== 'reconnecting') return
      this.establish().catch((error: unknown) => {
        if (this.state !== 'reconnecting') return
        this.lastError = `Reconnect failed: ${reason(error)}`
        this.scheduleRetry()
      })
    }, delay)
  }

  get snapshotTaken(): C.Snapshot | undefined {
    return this.snap
  }

  /**
   * A page of the process table. Offset 0 ranks anew (through the scan gate: one scan at a time,
   * a repeat inside the rest answered from the last ranking); a later page of the same query is
   * served from the ranking kept here, reading only that page's rows.
   */
  async processes(query: unknown): Promise<ProcessPage> {
    const q = C.processQuery(query)
    const client = this.live()
    const key = C.rankingKey(q)
    const kept = this.ranking
    if (q.offset > 0 && kept?.key === key) return C.pageOf(client, kept, q)
    const ranking = await this.scans.run(`processes:${key}`, C.rankingWhat(q), () => C.rank(client, q))
    this.ranking = ranking
    return C.pageOf(client, ranking, q)
  }

  async messages(pid: string, req: MessagesRequest): Promise<MessagesResult> {
    return C.messages(this.live(), pid, req, this.scans)
  }

  async takeSnapshot(): Promise<C.Snapshot> {
    const client = this.live()
    return this.scans.run('snapshot', 'snapshot of the process list', async () => {
      const previous = this.snap
      this.snap = await C.snapshot(client)
      if (previous) await C.dropSnapshot(client, previous).catch(() => undefined)
      return this.snap
    })
  }

  async newSinceSnapshot(limit: number | undefined): Promise<NewProcessesResult> {
    const snap = this.snap
    if (!snap) throw new AppError('not_found', 'No snapshot yet: take one first.')
    const client = this.live()
    return this.scans.run(
      `snapshot-diff:${snap.tag}:${String(limit)}`,
      'list of processes new since the snapshot',
      () => C.newSinceSnapshot(client, snap, limit)
    )
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return
    const client = this.client
    const snap = this.snap
    this.generation++
    clearTimeout(this.sampleTimer)
    clearTimeout(this.allocatorTimer)
    clearTimeout(this.retryTimer)
    if (client && snap) await C.dropSnapshot(client, snap).catch(() => undefined)
    this.state = 'closed'
    this.client = null
    this.snap = undefined
    this.lastError = undefined
    await client?.close().catch(() => undefined)
    this.status()
  }
}

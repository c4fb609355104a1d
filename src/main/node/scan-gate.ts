import { AppError } from '../app-error'

/**
 * The scan gate: caps the expensive work erlscope asks one node to do for one session (a fold over
 * every process, a growth window, a snapshot diff, an ETS or port scan, a large mailbox copy).
 *
 * - One scan at a time: a request with the same key as the running (or the waiting) scan joins it
 *   (coalesced). A different one waits for its turn, but only one waits: a newer different request
 *   takes its place and the one it replaced is refused with `busy` and a sentence (the GUI only
 *   wants its latest question answered; a hostile caller cannot queue work up).
 * - A rest between scans: after a scan ends, the node gets at least `minIntervalMs` (or as long as
 *   that scan took, whichever is longer) before the next one starts. A repeat of the last scan
 *   inside that rest is answered from its result.
 *
 * Keys are the caller's: put everything that changes the answer in them (`processes:memory:...`).
 * A key names one result type; the gate hands back the value the scan for that key produced.
 */
export interface ScanGateOptions {
  /** Least rest between two scans, ms (default 2000). */
  minIntervalMs?: number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

export interface ScanGateStats {
  /** Scans that ran on the node. */
  started: number
  /** Requests that joined a scan in flight. */
  coalesced: number
  /** Requests answered from the last result inside the rest. */
  reused: number
  /** Waiting requests refused with `busy` because a newer one took their turn. */
  refused: number
}

interface Flight {
  key: string
  what: string
  promise: Promise<unknown>
}

interface Waiting {
  key: string
  what: string
  scan: () => Promise<unknown>
  promise: Promise<unknown>
  resolve: (value: Promise<unknown>) => void
  reject: (error: Error) => void
}

interface Last {
  key: string
  endedAt: number
  /** The rest owed after this scan, ms. */
  restMs: number
  /** Present when the scan succeeded. */
  result?: { value: unknown }
}

export const DEFAULT_SCAN_INTERVAL_MS = 2000

export class ScanGate {
  private flight: Flight | undefined
  private waiting: Waiting | undefined
  private last: Last | undefined
  private readonly counts: ScanGateStats = { started: 0, coalesced: 0, reused: 0, refused: 0 }
  private readonly minIntervalMs: number
  private readonly now: () => number
  private readonly sleep: (ms: number) => Promise<void>

  constructor(options: ScanGateOptions = {}) {
    this.minIntervalMs = options.minIntervalMs ?? DEFAULT_SCAN_INTERVAL_MS
    this.now = options.now ?? Date.now
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
  }

  stats(): ScanGateStats {
    return { ...this.counts }
  }

  /** What is running now, in words (`ranking of processes by memory`), if anything. */
  running(): string | undefined {
    return this.flight?.what
  }

  /**
   * Runs `scan` under the gate. `what` says in words what it does, for the `busy` sentence.
   * `T` must be the type every scan under `key` produces.
   */
  run<T>(key: string, what: string, scan: () => Promise<T>): Promise<T> {
    const flight = this.flight
    if (flight?.key === key) {
      this.counts.coalesced++
      return flight.promise as Promise<T>
    }
    const waiting = this.waiting
    if (waiting?.key === key) {
      this.counts.coalesced++
      return waiting.promise as Promise<T>
    }
    if (flight) {
      if (waiting) {
        this.counts.refused++
        waiting.reject(
          new AppError(
            'busy',
            `The node is still working on erlscope's ${flight.what}, and ${what} was asked for after ${waiting.what}: only the latest waits its turn (one scan at a time, to spare the node).`
          )
        )
      }
      let resolve!: (value: Promise<unknown>) => void
      let reject!: (error: Error) => void
      const promise = new Promise<unknown>((res, rej) => {
        resolve = res
        reject = rej
      })
      this.waiting = { key, what, scan, promise, resolve, reject }
      return promise as Promise<T>
    }
    return this.launch(key, what, scan)
  }

  /** Forgets the kept result (e.g. the connection changed): the next request scans. */
  forget(): void {
    if (this.last) delete this.last.result
  }

  private launch<T>(key: string, what: string, scan: () => Promise<T>): Promise<T> {
    const last = this.last
    const restLeft = last ? last.endedAt + last.restMs - this.now() : 0
    if (last && restLeft > 0 && last.key === key && last.result) {
      this.counts.reused++
      return Promise.resolve(last.result.value as T)
    }
    const promise = this.start(key, restLeft, scan)
    this.flight = { key, what, promise }
    const next = (): void => {
      this.flight = undefined
      const w = this.waiting
      this.waiting = undefined
      if (w) w.resolve(this.launch(w.key, w.what, w.scan))
    }
    promise.then(next, next)
    return promise
  }

  private async start<T>(key: string, restLeft: number, scan: () => Promise<T>): Promise<T> {
    // never synchronous: the flight is recorded before anything here can settle
    await Promise.resolve()
    if (restLeft > 0) await this.sleep(restLeft)
    this.counts.started++
    const startedAt = this.now()
    let outcome: { value: T } | undefined
    try {
      outcome = { value: await scan() }
      return outcome.value
    } finally {
      const endedAt = this.now()
      this.last = {
        key,
        endedAt,
        restMs: Math.max(this.minIntervalMs, endedAt - startedAt),
        ...(outcome ? { result: outcome } : {})
      }
    }
  }
}

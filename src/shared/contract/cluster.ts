/**
 * A cluster seen through one node (the entry): every node in its `nodes()` (and `nodes(hidden)` on
 * request) sampled together with `erpc:multicall` from the entry, and any member opened as a session
 * of its own whose calls run through the entry.
 */
import type { MemoryCategory, SessionInfo } from './node'

export type ClusterVisibility = 'entry' | 'visible' | 'hidden'

export interface ClusterMember {
  node: string
  visibility: ClusterVisibility
  state: 'up' | 'down'
  /** Why the member did not answer this sample (noconnection, timeout, ...). */
  error?: string
  otpRelease: string | null
  uptimeMs: number | null
  processCount: number | null
  /** `erlang:memory()` of the member, bytes; null while down. */
  memory: Record<MemoryCategory, number> | null
  /** Least-squares growth of memory total over the recent samples, bytes per second; null before 3 samples or while down. */
  growthPerSecond: number | null
  /** memory total of the recent samples, oldest first (null where the member did not answer). */
  history: (number | null)[]
}

export interface ClusterSample {
  /** The node the cluster is seen through. */
  entry: string
  takenAt: number
  /** Wall time of the multicall on the entry node, ms. */
  sampleMs: number
  /** Round trip of the whole sample from main, ms. */
  rttMs: number
  /** What the sample cost the entry node: reductions and memory of the evaluating process. */
  entryCost: { reductions: number; memoryBytes: number }
  includeHidden: boolean
  intervalMs: number
  /** Down members first, then by growth, then by memory total (the worst first). */
  members: ClusterMember[]
}

export interface ClusterWatchRequest {
  /** Also sample `nodes(hidden)` (other than erlscope itself). */
  hidden?: boolean
  /** Sampling interval, ms (default 5000, at least 1000). */
  intervalMs?: number
}

export interface ClusterApi {
  /**
   * Starts (or retunes) the cluster sampler of a session and returns a sample: the latest one, or
   * a fresh one when none was taken with these settings yet.
   */
  'cluster:watch': (sessionId: string, req?: ClusterWatchRequest) => ClusterSample
  /** Stops the cluster sampler of a session (the history is kept until the session closes). */
  'cluster:unwatch': (sessionId: string) => void
  /** Opens a member as a session of its own; every call runs on it through the session's node. */
  'cluster:open': (sessionId: string, node: string) => SessionInfo
}

export interface ClusterEvents {
  'cluster:sample': { sessionId: string; sample: ClusterSample }
}

export const clusterRequestChannels: Record<keyof ClusterApi, true> = {
  'cluster:watch': true,
  'cluster:unwatch': true,
  'cluster:open': true
}
export const clusterEventChannels: Record<keyof ClusterEvents, true> = {
  'cluster:sample': true
}

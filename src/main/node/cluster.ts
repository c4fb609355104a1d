import type { ClusterVisibility } from '../../shared/contract/cluster'
import type { MemoryCategory } from '../../shared/contract/node'
import { AppError } from '../app-error'
import { CLUSTER_PROBE, CLUSTER_SAMPLE } from './cluster-exprs'
import { memoryValues } from './convert'
import { ShapeError, atom, list, num, text, tuple, type EVal } from './eval-value'
import { atomArg, binArg, type LiveClient } from './live-client'

/** One member as one sample saw it. */
export interface MemberReading {
  node: string
  visibility: ClusterVisibility
  up: boolean
  error?: string
  otpRelease?: string
  uptimeMs?: number
  processCount?: number
  memory?: Record<MemoryCategory, number>
}

export interface ClusterReading {
  /** Wall time of the multicall on the entry, ms. */
  sampleMs: number
  entryReductions: number
  entryMemoryBytes: number
  /** The entry first, then `nodes()`, then (on request) `nodes(hidden)`. */
  members: MemberReading[]
}

export interface ClusterReadOptions {
  hidden?: boolean
  /** Per-member budget of the multicall, ms (default 5000). */
  memberTimeoutMs?: number
}

const VISIBILITY: readonly ClusterVisibility[] = ['entry', 'visible', 'hidden']

export function clusterReading(v: EVal): ClusterReading {
  const [ms, reds, mem, rows] = tuple(v, 4)
  return {
    sampleMs: num(ms),
    entryReductions: num(reds),
    entryMemoryBytes: num(mem),
    members: list(rows).map(memberReading)
  }
}

function memberReading(v: EVal): MemberReading {
  const [node, vis, state, value] = tuple(v, 4)
  const visibility = atom(vis) as ClusterVisibility
  if (!VISIBILITY.includes(visibility)) throw new ShapeError(`unknown visibility ${visibility}`)
  if (atom(state) === 'down') return { node: atom(node), visibility, up: false, error: text(value) }
  const [rel, uptime, procs, memory] = tuple(value, 4)
  return {
    node: atom(node),
    visibility,
    up: true,
    otpRelease: text(rel),
    uptimeMs: num(uptime),
    processCount: num(procs),
    memory: memoryValues(memory)
  }
}

/**
 * One sample of every node the entry (the client's peer) is connected to: one eval on the entry,
 * which multicalls the members. A member that is down or slower than `memberTimeoutMs` comes back
 * down with the reason; the others come back with their figures.
 */
export async function readCluster(
  client: LiveClient,
  options: ClusterReadOptions = {}
): Promise<ClusterReading> {
  const memberTimeoutMs = options.memberTimeoutMs ?? 5000
  const value = await client.evaluate(
    CLUSTER_SAMPLE,
    {
      Probe: binArg(CLUSTER_PROBE),
      Hidden: options.hidden === true,
      Self: atomArg(client.localName ?? 'nonode@nohost'),
      Timeout: memberTimeoutMs
    },
    memberTimeoutMs + 10_000
  )
  try {
    return clusterReading(value)
  } catch (error) {
    if (error instanceof ShapeError)
      throw new AppError('decode_error', `Unexpected cluster reply from ${client.peer}: ${error.message}.`)
    throw error
  }
}

import type {
  AllocatorInstance,
  AllocatorReport,
  AllocatorTotals,
  CarrierStats,
  MsegCacheRate,
  Triple
} from '../../shared/contract/node'

/**
 * recon_alloc's arithmetic over `erlang:system_info({allocator, A})`, in TypeScript, on a
 * normalised form that both blocks formats reduce to:
 * - OTP 23+: `{blocks, [{OriginAlloc, [{count, C, M, ME}, {size, S, M, ME}]}]}` (summed over
 *   origins, as recon does; in mbcs_pool the inner tuples are `{count, C}` / `{size, S}`);
 * - before: `{blocks, C, M, ME}` and `{blocks_size, S, M, ME}` (pool: `{blocks, C}`, `{blocks_size, S}`).
 */

export interface RawCarriers {
  blocks: Triple
  blocksSize: Triple
  carriers: Triple
  carriersSize: Triple
}

export interface RawPool {
  blocks: number
  blocksSize: number
  carriers: number
  carriersSize: number
}

export interface RawInstance {
  allocator: string
  instance: number
  mbcs: RawCarriers
  sbcs: RawCarriers
  pool: RawPool | null
  format: 'blocks_list' | 'flat'
}

export interface RawMseg {
  instance: number
  cacheHits: number
  /** mseg_alloc calls, giga and ones folded: 1e9 * G + N. */
  allocCalls: number
}

export interface RawAllocators {
  instances: RawInstance[]
  mseg: RawMseg[]
  memoryTotal: number
}

export const ZERO: Triple = { current: 0, max: 0, maxEver: 0 }

/** recon_alloc:usage/2: 0/0 counts as fully used. */
export function usage(blocks: number, carriers: number): number {
  return blocks === 0 && carriers === 0 ? 1 : carriers === 0 ? 1 : blocks / carriers
}

function carrierStats(raw: RawCarriers, pool: RawPool | null): CarrierStats {
  const blocksSize = { ...raw.blocksSize, current: raw.blocksSize.current + (pool?.blocksSize ?? 0) }
  const carriersSize = { ...raw.carriersSize, current: raw.carriersSize.current + (pool?.carriersSize ?? 0) }
  return {
    blocks: { ...raw.blocks, current: raw.blocks.current + (pool?.blocks ?? 0) },
    blocksSize,
    carriers: { ...raw.carriers, current: raw.carriers.current + (pool?.carriers ?? 0) },
    carriersSize,
    usage: usage(blocksSize.current, carriersSize.current)
  }
}

/** One instance with recon's current-value numbers (the pool counted into mbcs). */
export function instanceReport(raw: RawInstance): AllocatorInstance {
  const mbcs = carrierStats(raw.mbcs, raw.pool)
  const sbcs = carrierStats(raw.sbcs, null)
  const used = mbcs.blocksSize.current + sbcs.blocksSize.current
  const allocated = mbcs.carriersSize.current + sbcs.carriersSize.current
  const weight = (1 - sbcs.usage) * sbcs.carriersSize.current + (1 - mbcs.usage) * mbcs.carriersSize.current
  return {
    allocator: raw.allocator,
    instance: raw.instance,
    mbcs,
    sbcs,
    mbcsPool: raw.pool && { blocksSize: raw.pool.blocksSize, carriersSize: raw.pool.carriersSize },
    used,
    allocated,
    usage: usage(used, allocated),
    weight
  }
}

/** recon_alloc:fragmentation(current) order: heaviest weight first, then allocator/instance descending. */
function byWeight(a: AllocatorInstance, b: AllocatorInstance): number {
  if (a.weight !== b.weight) return b.weight - a.weight
  if (a.allocator !== b.allocator) return a.allocator < b.allocator ? 1 : -1
  return b.instance - a.instance
}

export function cacheHitRates(mseg: RawMseg[]): MsegCacheRate[] {
  return mseg
    .map((m) => {
      const hitRate = usage(m.cacheHits, m.allocCalls)
      return {
        instance: m.instance,
        hits: m.cacheHits,
        calls: m.allocCalls,
        hitRate,
        w: (1 - hitRate) * m.allocCalls
      }
    })
    .sort((a, b) => b.w - a.w || b.instance - a.instance)
    .map(({ instance, hits, calls, hitRate }) => ({ instance, hits, calls, hitRate }))
}

export function allocatorReport(raw: RawAllocators, takenAt: number): AllocatorReport {
  const instances = raw.instances.map(instanceReport).sort(byWeight)
  const totals = new Map<string, AllocatorTotals>()
  for (const i of instances) {
    const t = totals.get(i.allocator) ?? {
      allocator: i.allocator,
      used: 0,
      allocated: 0,
      usage: 1,
      instances: 0
    }
    t.used += i.used
    t.allocated += i.allocated
    t.instances++
    totals.set(i.allocator, t)
  }
  const byAllocator = [...totals.values()]
    .map((t) => ({ ...t, usage: usage(t.used, t.allocated) }))
    .sort((a, b) => b.allocated - a.allocated)
  const used = instances.reduce((n, i) => n + i.used, 0)
  const allocated = instances.reduce((n, i) => n + i.allocated, 0)
  return {
    instances,
    byAllocator,
    msegCache: cacheHitRates(raw.mseg),
    allocated,
    used,
    usage: usage(used, allocated),
    memoryTotal: raw.memoryTotal,
    blocksFormat: raw.instances.some((i) => i.format === 'blocks_list') ? 'blocks_list' : 'flat',
    takenAt
  }
}

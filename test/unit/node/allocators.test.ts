import { describe, expect, it } from 'vitest'
import { allocatorReport, usage } from '../../../src/main/node/allocators'
import { rawAllocators, rawInstance, rawMseg } from '../../../src/main/node/convert'
import { parseErlang } from './term-text'

/** OTP 25 output (pasted from a real node, options trimmed). */
const OTP25_BINARY = `[{mbcs,
  [{blocks,[{binary_alloc,[{count,7,52,52},{size,271848,1730768,1730768}]},
            {eheap_alloc,[{count,1,1,1},{size,1000,1000,2000}]}]},
   {carriers,2,4,4},{mseg_alloc_carriers,1},{sys_alloc_carriers,1},
   {carriers_size,589824,3735552,3735552},{mseg_alloc_carriers_size,524288},{sys_alloc_carriers_size,65536}]},
 {mbcs_pool,[{blocks,[{binary_alloc,[{count,2},{size,4096}]}]},{carriers,1},{carriers_size,262144},
             {entrance_removed,0,0},{skip_race,0,0}]},
 {sbcs,
  [{blocks,[{binary_alloc,[{count,1,1,1},{size,657104,657104,657104}]}]},
   {carriers,1,1,1},{mseg_alloc_carriers,1},{sys_alloc_carriers,0},
   {carriers_size,659456,659456,659456},{mseg_alloc_carriers_size,659456},{sys_alloc_carriers_size,0}]}]`

/** The same numbers in the pre-OTP-23 layout. */
const OTP22_BINARY = `[{versions,"0.9","3.0"},{options,[{e,true}]},
 {mbcs,[{blocks,8,53,53},{blocks_size,272848,1731768,1732768},{carriers,2,4,4},
        {mseg_alloc_carriers,1},{sys_alloc_carriers,1},{carriers_size,589824,3735552,3735552}]},
 {mbcs_pool,[{blocks,2},{blocks_size,4096},{carriers,1},{carriers_size,262144}]},
 {sbcs,[{blocks,1,1,1},{blocks_size,657104,657104,657104},{carriers,1,1,1},
        {carriers_size,659456,659456,659456}]},
 {calls,[{binary_alloc,0,192}]}]`

describe('allocator arithmetic (recon_alloc)', () => {
  it('reads both blocks formats to the same numbers', () => {
    const a = rawInstance('binary_alloc', 1, parseErlang(OTP25_BINARY))
    const b = rawInstance('binary_alloc', 1, parseErlang(OTP22_BINARY))
    expect(a.format).toBe('blocks_list')
    expect(b.format).toBe('flat')
    expect(a.mbcs.blocksSize).toEqual({ current: 272848, max: 1731768, maxEver: 1732768 })
    expect(a.mbcs.blocks).toEqual({ current: 8, max: 53, maxEver: 53 })
    expect({ ...a, format: 'flat' }).toEqual(b)
    expect(a.pool).toEqual({ blocks: 2, blocksSize: 4096, carriers: 1, carriersSize: 262144 })
  })

  it('computes used, allocated, usage and the fragmentation weight like recon', () => {
    const report = allocatorReport(
      {
        instances: [rawInstance('binary_alloc', 1, parseErlang(OTP25_BINARY))],
        mseg: [],
        memoryTotal: 5_000_000
      },
      0
    )
    const i = report.instances[0]
    const mbcsBlocks = 272848 + 4096
    const mbcsCarriers = 589824 + 262144
    expect(i.mbcs.blocksSize.current).toBe(mbcsBlocks)
    expect(i.mbcs.carriersSize.current).toBe(mbcsCarriers)
    expect(i.used).toBe(mbcsBlocks + 657104)
    expect(i.allocated).toBe(mbcsCarriers + 659456)
    expect(i.mbcs.usage).toBeCloseTo(mbcsBlocks / mbcsCarriers, 12)
    expect(i.weight).toBeCloseTo(
      (1 - 657104 / 659456) * 659456 + (1 - mbcsBlocks / mbcsCarriers) * mbcsCarriers,
      6
    )
    expect(report.used).toBe(i.used)
    expect(report.allocated).toBe(i.allocated)
    expect(report.memoryTotal).toBe(5_000_000)
    expect(report.blocksFormat).toBe('blocks_list')
  })

  it('counts 0/0 as fully used and ranks by weight, ties by {allocator, instance} descending', () => {
    expect(usage(0, 0)).toBe(1)
    const empty = `[{mbcs,[{blocks,[]},{carriers,0,0,0},{carriers_size,0,0,0}]},{sbcs,[{blocks,[]},{carriers,0,0,0},{carriers_size,0,0,0}]}]`
    const half = `[{mbcs,[{blocks,[{x,[{count,1,1,1},{size,50,50,50}]}]},{carriers,1,1,1},{carriers_size,100,100,100}]},{sbcs,[{blocks,[]},{carriers,0,0,0},{carriers_size,0,0,0}]}]`
    const report = allocatorReport(
      {
        instances: [
          rawInstance('eheap_alloc', 0, parseErlang(empty)),
          rawInstance('temp_alloc', 1, parseErlang(empty)),
          rawInstance('eheap_alloc', 2, parseErlang(empty)),
          rawInstance('ets_alloc', 0, parseErlang(half))
        ],
        mseg: [],
        memoryTotal: 0
      },
      0
    )
    expect(report.instances.map((i) => `${i.allocator}/${i.instance}`)).toEqual([
      'ets_alloc/0',
      'temp_alloc/1',
      'eheap_alloc/2',
      'eheap_alloc/0'
    ])
    expect(report.instances[0].weight).toBe(50)
    expect(report.instances[1].usage).toBe(1)
    expect(report.byAllocator[0]).toMatchObject({
      allocator: 'ets_alloc',
      allocated: 100,
      used: 50,
      usage: 0.5
    })
  })

  it('computes mseg cache hit rates from hits and mseg_alloc calls (giga folded)', () => {
    const mk = (hits: number, g: number, n: number): string =>
      `[{name,"all memory"},{status,[{cached_segments,3},{cache_hits,${hits}},{segments,5,7,7}]},{calls,[{mseg_alloc,${g},${n}},{mseg_dealloc,0,6},{mseg_create,0,8}]}]`
    const a = rawMseg(0, parseErlang(mk(3, 0, 11)))
    expect(a).toEqual({ instance: 0, cacheHits: 3, allocCalls: 11 })
    expect(rawMseg(1, parseErlang(mk(5, 2, 7))).allocCalls).toBe(2_000_000_007)
    const report = allocatorReport(
      { instances: [], mseg: [a, rawMseg(1, parseErlang(mk(10, 0, 11)))], memoryTotal: 0 },
      0
    )
    expect(report.msegCache.map((m) => m.instance)).toEqual([0, 1])
    expect(report.msegCache[0].hitRate).toBeCloseTo(3 / 11, 12)
  })

  it('reads the collector reply shape', () => {
    const raw = rawAllocators(
      parseErlang(
        `{[{binary_alloc,1,${OTP25_BINARY}}],[{0,[{status,[{cache_hits,1}]},{calls,[{mseg_alloc,0,2}]}]}],123}`
      )
    )
    expect(raw.instances).toHaveLength(1)
    expect(raw.mseg[0]).toEqual({ instance: 0, cacheHits: 1, allocCalls: 2 })
    expect(raw.memoryTotal).toBe(123)
  })
})

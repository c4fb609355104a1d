import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'
import { writeDump, type Generated } from '../../support/dump-writer'
import { SELF, binaryHolder, etsOwner, stuckSender } from '../../support/dump-culprits'

/**
 * A dump written by a real erl with a large ETS table and a TCP socket whose peer never reads:
 * the Summary's findings name the table with its owner, and the port with its queue and owner.
 */
let dir: string
let dump: Generated
/** 4,000 processes of timer:sleep/1 and 300 proc_lib ones of erlang:hibernate/3. */
let crowd: Generated
/** A registered process holding 40 refc binaries of 1 MiB. */
let binaries: Generated

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-category-dumps-'))
  dump = await writeDump(
    dir,
    'categories',
    `${SELF}
     ${etsOwner(60000)}
     ${stuckSender(6)}
     erlang:halt("categories")`
  )
  crowd = await writeDump(
    dir,
    'crowd',
    `_Sleepers = [spawn(timer, sleep, [infinity]) || _ <- lists:seq(1, 4000)],
     _Workers = [proc_lib:spawn(erlang, hibernate, [timer, sleep, [infinity]]) || _ <- lists:seq(1, 300)],
     timer:sleep(200),
     erlang:halt("crowd")`
  )
  binaries = await writeDump(
    dir,
    'binaries',
    `${SELF}
     ${binaryHolder(40)}
     erlang:halt("binaries")`
  )
}, 120_000)

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('category findings in a dump', () => {
  it('names the ETS table with its owner and the stuck port with its owner', async () => {
    const d = await DumpFile.open(await indexDumpFile(dump.dump))
    try {
      const s = await d.summary('t')
      const ets = s.findings.find((f) => f.startsWith('ETS takes'))
      expect(ets).toMatch(
        /the largest table is erlscope_big_cache \([\d.]+ MiB\), owned by <0\.\d+\.0> \(erlscope_cache_owner\)/
      )
      const port = s.findings.find((f) => f.startsWith('Port '))
      expect(port).toMatch(
        /^Port #Port<0\.\d+> \(tcp_inet\) of <0\.\d+\.0> \(erlscope_stuck_sender\) has [\d.]+ MiB queued: its peer was not reading/
      )
    } finally {
      await d.close()
    }
  })

  it('gives ETS and port rows their owner names, ETS largest first and summed against =memory ets', async () => {
    const d = await DumpFile.open(await indexDumpFile(dump.dump))
    try {
      const ets = await d.section('ets')
      if (ets.kind !== 'ets') throw new Error(`ets section came back as ${ets.kind}`)
      const big = ets.rows[0]
      expect(big.name).toBe('erlscope_big_cache')
      expect(big.ownerName).toBe('erlscope_cache_owner')
      expect(big.bytes).toBe((big.words ?? 0) * 8)
      // 60,000 objects of a 40-element list: well over 10 MiB
      expect(big.bytes).toBeGreaterThan(10 << 20)
      for (let i = 1; i < ets.rows.length; i++)
        expect(ets.rows[i - 1].bytes ?? 0).toBeGreaterThanOrEqual(ets.rows[i].bytes ?? 0)
      const sum = ets.rows.reduce((a, t) => a + (t.bytes ?? 0), 0)
      expect(ets.total).toBe(ets.rows.length)
      expect(ets.tablesBytes).toBe(sum)
      const memory = await d.section('memory')
      if (memory.kind !== 'memory') throw new Error(`memory section came back as ${memory.kind}`)
      expect(ets.memoryEts).toBe(memory.memory.ets)
      // the tables' words are most of what the VM counts as ets memory, never more
      expect(sum).toBeLessThanOrEqual(ets.memoryEts ?? 0)
      expect(sum / (ets.memoryEts ?? 1)).toBeGreaterThan(0.8)
      // a filter on the owner's name finds its table
      const byName = await d.section('ets', { filter: 'cache_owner' })
      expect(byName.kind === 'ets' && byName.rows.map((t) => t.name)).toEqual(['erlscope_big_cache'])

      const ports = await d.section('ports', { filter: 'erlscope_stuck_sender' })
      if (ports.kind !== 'ports') throw new Error(`ports section came back as ${ports.kind}`)
      expect(ports.rows).toHaveLength(1)
      expect(ports.rows[0].driver).toBe('tcp_inet')
      expect(ports.rows[0].connectedName).toBe('erlscope_stuck_sender')
      expect(ports.rows[0].queue ?? 0).toBeGreaterThan(1 << 20)
      const unnamed = await d.section('ports')
      expect(unnamed.kind === 'ports' && unnamed.rows.some((p) => p.connectedName === null)).toBe(true)
    } finally {
      await d.close()
    }
  })

  it('groups processes by how they were spawned and says when one group is most of them', async () => {
    const d = await DumpFile.open(await indexDumpFile(crowd.dump))
    try {
      const s = await d.summary('t')
      const first = s.initialCalls[0]
      expect(first.call).toBe('timer:sleep/1')
      expect(first.count).toBe(4000)
      // the filter also finds the proc_lib ones, which sit in timer:sleep/1 too
      const page = await d.processes({ filter: 'timer:sleep/1', limit: 5000 })
      const rows = page.rows.filter((r) => r.spawnedAs === 'timer:sleep/1')
      expect(rows).toHaveLength(4000)
      const sum = rows.reduce((a, r) => a + (r.memoryBytes ?? r.memoryEstimateBytes), 0)
      expect(first.memoryBytes).toBe(sum)
      // the 300 proc_lib ones are grouped by the $initial_call in their dictionaries
      expect(s.initialCalls.find((g) => g.call === 'erlang:hibernate/3')?.count).toBe(300)
      expect(s.initialCalls.find((g) => g.call === 'proc_lib:init_p/5')?.count ?? 0).toBeLessThan(300)
      const one = (await d.processes({ filter: 'erlang:hibernate/3', limit: 1 })).rows[0]
      expect((await d.process(one.pid)).row.spawnedAs).toBe('erlang:hibernate/3')
      expect(s.initialCallGroups).toBeGreaterThan(2)
      expect(s.findings).toContainEqual(
        expect.stringMatching(
          /^4,000 of [\d,]+ processes \(\d+ %\) were spawned as timer:sleep\/1, holding [\d.]+ (KiB|MiB) together/
        )
      )
      // the categories dump has no such crowd
      const other = await DumpFile.open(await indexDumpFile(dump.dump))
      try {
        expect((await other.summary('t')).findings.some((f) => f.includes('were spawned as'))).toBe(false)
      } finally {
        await other.close()
      }
    } finally {
      await d.close()
    }
  })

  it('names the process referencing the most refc binaries (BinVHeap + OldBinVHeap)', async () => {
    const d = await DumpFile.open(await indexDumpFile(binaries.dump))
    try {
      const s = await d.summary('t')
      const top = s.topByBinary[0]
      expect(top.name).toBe('erlscope_bin_holder')
      // 40 binaries of 1 MiB, and no more than the node's binary memory
      expect(top.binaryBytes).toBeGreaterThanOrEqual(40 << 20)
      expect(top.binaryBytes).toBeLessThanOrEqual(s.memory.binary ?? 0)
      for (let i = 1; i < s.topByBinary.length; i++)
        expect(s.topByBinary[i - 1].binaryBytes).toBeGreaterThanOrEqual(s.topByBinary[i].binaryBytes)
      expect(s.findings).toContainEqual(
        expect.stringMatching(
          /^<0\.\d+\.0> \(erlscope_bin_holder\).* references 4\d\.\d MiB of refc binaries \(\d+ % of the node’s binary memory\)/
        )
      )
      // the crowd dump has no process holding binaries worth a finding
      const other = await DumpFile.open(await indexDumpFile(crowd.dump))
      try {
        expect((await other.summary('t')).findings.some((f) => f.includes('refc binaries'))).toBe(false)
      } finally {
        await other.close()
      }
    } finally {
      await d.close()
    }
  })
})

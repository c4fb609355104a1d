import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Events } from '../../../src/shared/api'
import { createNodeHandlers, type NodeHandlers } from '../../../src/main/node/handlers'
import type { Connector } from '../../../src/main/node/live-client'
import { startNode, type ErlNode } from '../../support/erl-node'
import {
  SEEDED,
  infoOf,
  pidOf,
  seedBigHeap,
  seedBinHolder,
  seedChurner,
  seedHeapGrower,
  seedMailbox,
  seedStackGrower,
  seedYoungHeapGrower
} from '../../support/seeded-node'
import { CULPRITS, seedAtomLeak } from '../../support/seeded-categories'
import { testSecretStore } from '../../support/test-secrets'
import { bridgeConnector } from './erl-bridge'
import { liveConnector } from './live-connector'

/**
 * The collectors against a real node seeded with problems, through the handler table. Numbers
 * are compared with what the node itself says (erl-node's eval, an independent erl).
 */
const connector: Connector = liveConnector() ?? bridgeConnector()

describe('live collectors on a seeded node', () => {
  let node: ErlNode
  let dir: string
  let api: NodeHandlers
  let sessionId: string
  const events: { event: keyof Events; payload: unknown }[] = []

  beforeAll(async () => {
    node = await startNode()
    await Promise.all([seedMailbox(node), seedBigHeap(node), seedBinHolder(node), seedChurner(node)])
    dir = mkdtempSync(join(tmpdir(), 'erlscope-live-'))
    api = createNodeHandlers({
      emit: (event, payload) => events.push({ event, payload }),
      userDataDir: dir,
      secrets: testSecretStore(dir),
      connector
    })
    const info = await api.handlers['node:connect']({ node: node.name, cookie: node.cookie, intervalMs: 500 })
    sessionId = info.sessionId
    expect(info).toMatchObject({
      node: node.name,
      state: 'connected',
      otpRelease: await node
        .eval('list_to_binary(erlang:system_info(otp_release))')
        .then((s) => s.replace(/^<<"|">>$/g, ''))
    })
  })

  afterAll(async () => {
    await api?.dispose()
    await node?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('overview: versions, counts against limits', async () => {
    const sys = await api.handlers['node:system'](sessionId)
    expect(sys.node).toBe(node.name)
    expect(sys.processes.limit).toBe(Number(await node.eval('erlang:system_info(process_limit)')))
    expect(sys.atoms.limit).toBe(Number(await node.eval('erlang:system_info(atom_limit)')))
    expect(sys.processes.count).toBeGreaterThan(50)
    expect(sys.processes.warn).toBe(false)
    expect(sys.schedulers).toBe(Number(await node.eval('erlang:system_info(schedulers)')))
    expect(sys.ets?.limit).toBeGreaterThan(0)
  })

  it('top by memory finds the big heap with the node’s own numbers', async () => {
    const page = await api.handlers['node:processes'](sessionId, { sortBy: 'memory', limit: 5, offset: 0 })
    const top = page.rows[0]
    expect(top.registeredName).toBe(SEEDED.bigHeap)
    expect(top.pid).toBe(await pidOf(node, SEEDED.bigHeap))
    // a process that only waits does not change size
    expect(top.memory).toBe(await infoOf(node, SEEDED.bigHeap, 'memory'))
    expect(top.sortValue).toBe(top.memory)
    expect(top.currentFunction).toBe("prim_eval:'receive'/2")
    expect(page.rows.map((r) => r.sortValue)).toEqual(
      [...page.rows.map((r) => r.sortValue)].sort((a, b) => b - a)
    )
    expect(page.total).toBeGreaterThan(50)
  })

  it('top by message queue finds the growing mailbox; by binary memory the refc holder', async () => {
    const byQueue = await api.handlers['node:processes'](sessionId, {
      sortBy: 'message_queue_len',
      limit: 3,
      offset: 0
    })
    expect(byQueue.rows[0].registeredName).toBe(SEEDED.mailbox)
    expect(byQueue.rows[0].messageQueueLength).toBeGreaterThanOrEqual(5000)
    const byBin = await api.handlers['node:processes'](sessionId, {
      sortBy: 'binary_memory',
      limit: 3,
      offset: 0
    })
    expect(byBin.rows[0].registeredName).toBe(SEEDED.binHolder)
    const nodeSays = Number(
      await node.eval(
        `lists:sum([S || {_, S, _} <- element(2, process_info(whereis(${SEEDED.binHolder}), binary))])`
      )
    )
    expect(byBin.rows[0].binaryMemory).toBe(nodeSays)
    expect(byBin.rows[0].sortValue).toBe(64 * 256 * 1024)
    const byHeap = await api.handlers['node:processes'](sessionId, {
      sortBy: 'total_heap_size',
      limit: 1,
      offset: 0
    })
    expect(byHeap.rows[0].registeredName).toBe(SEEDED.bigHeap)
    expect(byHeap.rows[0].sortValue).toBe((await infoOf(node, SEEDED.bigHeap, 'total_heap_size')) * 8)
  })

  it('ranks growth over a window on the target: the mailbox grows', async () => {
    const page = await api.handlers['node:processes'](sessionId, {
      sortBy: 'growth',
      growthOf: 'message_queue_len',
      windowMs: 600,
      limit: 3,
      offset: 0
    })
    expect(page.windowMs).toBe(600)
    expect(page.rows[0].registeredName).toBe(SEEDED.mailbox)
    expect(page.rows[0].sortValue).toBeGreaterThan(0)
  })

  it('ranks growth of total heap in bytes: process_info words times the node word size', async () => {
    await seedHeapGrower(node)
    const heapWords = async (): Promise<{ words: number; wordSize: number }> => {
      const out = await node.eval(
        `{element(2, erlang:process_info(whereis(${SEEDED.heapGrower}), total_heap_size)), erlang:system_info(wordsize)}`
      )
      const [words, wordSize] = out
        .replace(/[{}\s]/g, '')
        .split(',')
        .map(Number)
      return { words, wordSize }
    }
    try {
      const before = await heapWords()
      const page = await api.handlers['node:processes'](sessionId, {
        sortBy: 'growth',
        growthOf: 'total_heap_size',
        windowMs: 3000,
        limit: 3,
        offset: 0,
        filter: SEEDED.heapGrower
      })
      const after = await heapWords()
      expect(before.wordSize).toBeGreaterThan(0)
      expect(page.rows.map((r) => r.registeredName)).toEqual([SEEDED.heapGrower])
      const grown = page.rows[0].sortValue
      // the window lies inside [before, after]: its growth is at most the words grown then, in bytes
      expect(grown).toBeGreaterThan(0)
      expect(grown % before.wordSize).toBe(0)
      expect(grown).toBeLessThanOrEqual((after.words - before.words) * before.wordSize)
      // in words it could be no more than after - before; in bytes it is (the window is most of it)
      expect(grown).toBeGreaterThan(after.words - before.words)
    } finally {
      await node.eval(
        `M = monitor(process, whereis(${SEEDED.heapGrower})), ${SEEDED.heapGrower} ! stop, receive {'DOWN', M, _, _, _} -> ok end`
      )
    }
  })

  it('ranks growth of heap_size and of stack_size first for the process that grows them, in bytes', async () => {
    const stop = async (name: string): Promise<void> => {
      await node.eval(
        `M = monitor(process, whereis(${name})), ${name} ! stop, receive {'DOWN', M, _, _, _} -> ok end`
      )
    }
    const wordSize = Number(await node.eval('erlang:system_info(wordsize)'))
    for (const [item, seed, name] of [
      ['heap_size', seedYoungHeapGrower, SEEDED.youngHeapGrower],
      ['stack_size', seedStackGrower, SEEDED.stackGrower]
    ] as const) {
      await seed(node)
      try {
        const before = await infoOf(node, name, item)
        const page = await api.handlers['node:processes'](sessionId, {
          sortBy: 'growth',
          growthOf: item,
          windowMs: 2000,
          limit: 3,
          offset: 0
        })
        const after = await infoOf(node, name, item)
        expect(page.rows[0]?.registeredName, item).toBe(name)
        const grown = page.rows[0].sortValue
        // words on the node, bytes here: a multiple of the word size, within what the node saw grow
        expect(grown, item).toBeGreaterThan(0)
        expect(grown % wordSize, item).toBe(0)
        expect(grown, item).toBeLessThanOrEqual((after - before) * wordSize)
      } finally {
        await stop(name)
      }
    }
  })

  it('growth over a window: a process born in it counts from 0, one that dies in it is left out, the filter holds', async () => {
    // both registered under one prefix the filter matches; the newborn appears 2.5 s into a 6 s
    // window and keeps its heap, the other has a heap at the start and exits 2.5 s in
    await node.eval(`
      Dying = spawn(fun() -> L = lists:seq(1, 100000), receive after 2500 -> length(L) end end),
      register(erlscope_edge_dying, Dying),
      spawn(fun() ->
              timer:sleep(2500),
              Born = spawn(fun() -> L = lists:seq(1, 100000), receive stop -> length(L) end end),
              register(erlscope_edge_newborn, Born)
            end),
      ok`)
    try {
      const page = await api.handlers['node:processes'](sessionId, {
        sortBy: 'growth',
        growthOf: 'memory',
        windowMs: 6000,
        limit: 10,
        offset: 0,
        filter: 'erlscope_edge_'
      })
      expect(page.rows.map((r) => r.registeredName)).toEqual(['erlscope_edge_newborn'])
      // counted from 0: its growth is all of its memory (it only waits, so the node says the same now)
      expect(page.rows[0].sortValue).toBe(await infoOf(node, 'erlscope_edge_newborn', 'memory'))
      expect(page.rows[0].sortValue).toBeGreaterThan(100000 * 16)
      // the dead one was scanned (it matched at the first sample) but has no row
      expect(page.total).toBe(2)
      expect(await node.eval('whereis(erlscope_edge_dying)')).toBe('undefined')
    } finally {
      await node.eval(`case whereis(erlscope_edge_newborn) of undefined -> ok; P -> P ! stop, ok end`)
    }
  })

  it('pages and filters on the target', async () => {
    const all = await api.handlers['node:processes'](sessionId, { sortBy: 'memory', limit: 20, offset: 0 })
    const second = await api.handlers['node:processes'](sessionId, { sortBy: 'memory', limit: 5, offset: 5 })
    expect(second.rows).toHaveLength(5)
    expect(second.rows[0].sortValue).toBeLessThanOrEqual(all.rows[4].sortValue * 1.5)
    const filtered = await api.handlers['node:processes'](sessionId, {
      sortBy: 'memory',
      limit: 50,
      offset: 0,
      filter: 'ERLSCOPE_SEED'
    })
    expect(filtered.rows.map((r) => r.registeredName).sort()).toEqual(
      [SEEDED.bigHeap, SEEDED.binHolder, SEEDED.churner, SEEDED.mailbox, `${SEEDED.mailbox}_feeder`].sort()
    )
    expect(filtered.total).toBe(5)
    await expect(
      api.handlers['node:processes'](sessionId, { sortBy: 'memory', limit: 500, offset: 9600 })
    ).rejects.toMatchObject({
      code: 'invalid_request'
    })
  })

  it('process detail reads process_info', async () => {
    const pid = await pidOf(node, SEEDED.mailbox)
    const d = await api.handlers['node:process'](sessionId, pid)
    expect(d.pid).toBe(pid)
    expect(d.registeredName).toBe(SEEDED.mailbox)
    expect(d.status).toBe('waiting')
    expect(d.messageQueueLength).toBeGreaterThanOrEqual(5000)
    expect(d.garbageCollection).toHaveProperty('minor_gcs')
    expect(d.currentStacktrace[0].mfa).toBe("prim_eval:'receive'/2")
    await expect(api.handlers['node:process'](sessionId, '<0.99999.0>')).rejects.toMatchObject({
      code: 'not_found'
    })
    await expect(api.handlers['node:process'](sessionId, 'self()')).rejects.toMatchObject({
      code: 'invalid_request'
    })
  })

  it('guards the mailbox: above 1,000 messages it asks first, then transfers at most K', async () => {
    const pid = await pidOf(node, SEEDED.mailbox)
    await expect(api.handlers['node:messages'](sessionId, pid, { limit: 5 })).rejects.toMatchObject({
      code: 'confirm_required',
      message: expect.stringMatching(/holds [\d,]+ messages/)
    })
    const res = await api.handlers['node:messages'](sessionId, pid, { limit: 5, confirm: true })
    expect(res.messages).toHaveLength(5)
    expect(res.partial).toBe(true)
    expect(res.queueLength).toBeGreaterThanOrEqual(5000)
    expect(res.messages[0].text).toMatch(/^\{job,1,\[1,2,3,.*\|\.\.\.\]\}$/)
    expect(res.messages[0].bytes).toBeGreaterThan(20)
  })

  it('snapshot then diff lists exactly the processes spawned since', async () => {
    const snap = await api.handlers['node:snapshot'](sessionId)
    expect(snap.count).toBeGreaterThan(50)
    await node.eval(`
      Ps = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, 7)],
      register(erlscope_seed_new, hd(Ps)), ok`)
    await node.eval(`exit(whereis(${SEEDED.churner}), kill), ok`)
    await new Promise((r) => setTimeout(r, 200))
    const expected = await node.eval(`
      [list_to_binary(pid_to_list(P)) || P <- erlang:processes(),
        {dictionary, D} <- [process_info(P, dictionary)], {current_function, {prim_eval, 'receive', 2}} <- [process_info(P, current_function)],
        P >= whereis(erlscope_seed_new)]`)
    const res = await api.handlers['node:new-since-snapshot'](sessionId, { limit: 100 })
    const fresh = res.rows.filter((r) => r.currentFunction === "prim_eval:'receive'/2").map((r) => r.pid)
    expect(fresh.sort()).toEqual([...expected.matchAll(/<<"([^"]+)">>/g)].map((m) => m[1]).sort())
    expect(fresh).toHaveLength(7)
    expect(res.rows.find((r) => r.registeredName === 'erlscope_seed_new')).toBeDefined()
  })

  it('allocators: per instance numbers equal the node’s own reading', async () => {
    const rep = await api.handlers['node:allocators'](sessionId)
    const instances = (
      await node.eval(
        `[{A, N} || A <- erlang:system_info(alloc_util_allocators), {instance, N, _} <- erlang:system_info({allocator, A})]`
      )
    )
      .match(/\{(\w+),(\d+)\}/g)
      ?.map((s) => s.replace(/[{}]/g, '').replace(',', '/'))
      .sort()
    expect(rep.instances.map((i) => `${i.allocator}/${i.instance}`).sort()).toEqual(instances)
    expect(rep.blocksFormat).toBe('blocks_list')
    // carriers move while the node works: bracket our reading between two of the node's own
    const nodeCarriers = async (): Promise<number> =>
      Number(
        await node.eval(`lists:sum([element(2, lists:keyfind(carriers_size, 1, proplists:get_value(T, I))) +
        case proplists:get_value(mbcs_pool, I) of undefined -> 0; Pool when T =:= mbcs -> element(2, lists:keyfind(carriers_size, 1, Pool)); _ -> 0 end
        || {instance, _, I} <- erlang:system_info({allocator, eheap_alloc}) ++ erlang:system_info({allocator, binary_alloc}), T <- [mbcs, sbcs]])`)
      )
    const before = await nodeCarriers()
    const again = await api.handlers['node:allocators'](sessionId)
    const after = await nodeCarriers()
    const ours = again.byAllocator
      .filter((a) => a.allocator === 'eheap_alloc' || a.allocator === 'binary_alloc')
      .reduce((n, a) => n + a.allocated, 0)
    expect(ours).toBeGreaterThanOrEqual(Math.min(before, after) * 0.9)
    expect(ours).toBeLessThanOrEqual(Math.max(before, after) * 1.1)
    const total = Number(await node.eval('erlang:memory(total)'))
    expect(Math.abs(rep.memoryTotal - total) / total).toBeLessThan(0.1)
    expect(rep.allocated).toBeGreaterThan(rep.used)
    expect(rep.msegCache.length).toBeGreaterThan(0)
  })

  it('samples memory into the history and emits samples', async () => {
    await new Promise((r) => setTimeout(r, 1500))
    const hist = await api.handlers['node:memory-history'](sessionId)
    expect(hist.length).toBeGreaterThan(0)
    expect(hist[0].values.total).toBeGreaterThan(hist[0].values.processes)
    expect(events.some((e) => e.event === 'node:sample')).toBe(true)
    const sessions = await api.handlers['node:sessions']()
    expect(sessions[0]).toMatchObject({ sessionId, state: 'connected' })
    expect(JSON.stringify(events)).not.toContain(node.cookie)
  })

  it('samples the atom and process counts with memory: a leak rises in the history, no view open', async () => {
    const atomCount = async (): Promise<number> => Number(await node.eval('erlang:system_info(atom_count)'))
    const before = await atomCount()
    await seedAtomLeak(node)
    try {
      // only the background sampler runs: nothing reads the atoms & code collector
      let hist = await api.handlers['node:memory-history'](sessionId)
      for (let i = 0; i < 80 && (hist.at(-1)?.atomCount ?? 0) < before + 1000; i++) {
        await new Promise((r) => setTimeout(r, 500))
        hist = await api.handlers['node:memory-history'](sessionId)
      }
      const after = await atomCount()
      const counts = hist.map((s) => s.atomCount)
      expect(counts.at(-1)).toBeGreaterThanOrEqual(before + 1000)
      expect(counts.at(-1)).toBeLessThanOrEqual(after)
      // atoms are never freed: the series never goes down, and it rose within the history
      counts.slice(1).forEach((c, i) => expect(c).toBeGreaterThanOrEqual(counts[i]))
      expect(counts[0]).toBeLessThan(counts.at(-1) ?? 0)
      const processes = Number(await node.eval('erlang:system_info(process_count)'))
      expect(hist.at(-1)?.processCount).toBeGreaterThan(processes / 2)
      expect(hist.at(-1)?.processCount).toBeLessThan(processes * 2)
    } finally {
      await node.eval(
        `P = whereis(${CULPRITS.atomLeaker}), M = monitor(process, P), exit(P, kill), receive {'DOWN', M, _, _, _} -> ok end`
      )
    }
  })
})

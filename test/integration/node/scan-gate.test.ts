import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNodeHandlers, type NodeHandlers } from '../../../src/main/node/handlers'
import type { Connector, LiveClient } from '../../../src/main/node/live-client'
import { atom, num, tuple } from '../../../src/main/node/eval-value'
import * as X from '../../../src/main/node/exprs'
import * as XC from '../../../src/main/node/exprs-categories'
import type { ProcessPage } from '../../../src/shared/contract/node'
import { startNode, type ErlNode } from '../../support/erl-node'
import { pidOf, seedIdle } from '../../support/seeded-node'
import { testSecretStore } from '../../support/test-secrets'
import { bridgeConnector } from './erl-bridge'
import { liveConnector } from './live-connector'

/**
 * The scan gate against a real node with many processes: what the node is made to do is counted
 * twice, by the expressions main sends (every evaluation of the ranking expression) and on the
 * node itself (`statistics(exact_reductions)`, read over a separate connection).
 */
const inner: Connector = liveConnector() ?? bridgeConnector()
const sent = { processes: 0, rows: 0, messages: 0, ets: 0 }
const counting: Connector = async (options) => {
  const client = await inner(options)
  const counted: LiveClient = {
    peer: client.peer,
    evaluate(source, bindings, timeoutMs) {
      if (source === X.PROCESSES) sent.processes++
      if (source === X.PROCESS_ROWS) sent.rows++
      if (source === X.MESSAGES) sent.messages++
      if (source === XC.ETS) sent.ets++
      return client.evaluate(source, bindings, timeoutMs)
    },
    call: (m, f, a, t) => client.call(m, f, a, t),
    onLost: (l) => client.onLost(l),
    close: () => client.close()
  }
  return counted
}

const IDLE = 40_000

describe('one scan at a time, pages from one ranking, a mailbox guard main enforces', () => {
  let node: ErlNode
  let dir: string
  let api: NodeHandlers
  /** The same handler table with a short rest, for the tests where a waiting scan runs. */
  let quick: NodeHandlers
  let probe: LiveClient
  const connect = async (): Promise<string> =>
    (await api.handlers['node:connect']({ node: node.name, cookie: node.cookie, intervalMs: 3_600_000 }))
      .sessionId
  /** Reductions the whole node spent while `work` ran. */
  const reductions = async (work: () => Promise<unknown>): Promise<number> => {
    const read = async (): Promise<number> =>
      num(tuple(await probe.call('erlang', 'statistics', [{ atom: 'exact_reductions' }], 10_000), 2)[0])
    const before = await read()
    await work()
    return (await read()) - before
  }

  beforeAll(async () => {
    node = await startNode({ args: ['+P', '400000'] })
    await seedIdle(node, IDLE)
    await node.eval(`
      Big = spawn(fun() -> receive never -> ok end end), register(erlscope_seed_hugebox, Big),
      [Big ! I || I <- lists:seq(1, 100001)],
      Small = spawn(fun() -> receive never -> ok end end), register(erlscope_seed_smallbox, Small),
      [Small ! {msg, I} || I <- lists:seq(1, 2000)], ok`)
    dir = mkdtempSync(join(tmpdir(), 'erlscope-gate-'))
    // a long rest: nothing here expires between two requests, however loaded the machine
    api = createNodeHandlers({
      emit: () => undefined,
      userDataDir: dir,
      secrets: testSecretStore(dir),
      connector: counting,
      scanIntervalMs: 600_000
    })
    quick = createNodeHandlers({
      emit: () => undefined,
      userDataDir: dir,
      secrets: testSecretStore(dir),
      connector: counting,
      scanIntervalMs: 300
    })
    probe = await inner({ node: node.name, cookie: node.cookie })
  })

  afterAll(async () => {
    await probe?.close()
    await api?.dispose()
    await quick?.dispose()
    await node?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const query = { sortBy: 'memory' as const, limit: 500, offset: 0 }
  let single = 0

  it('parallel identical requests make one scan on the node; a repeat is answered from it', async () => {
    const a = await connect()
    const first = sent.processes
    single = await reductions(() => api.handlers['node:processes'](a, query))
    expect(sent.processes - first).toBe(1)

    const b = await connect()
    const before = sent.processes
    let pages: ProcessPage[] = []
    const parallel = await reductions(async () => {
      pages = await Promise.all([1, 2, 3, 4, 5].map(() => api.handlers['node:processes'](b, query)))
    })
    expect(sent.processes - before).toBe(1)
    expect(new Set(pages.map((p) => p.takenAt)).size).toBe(1)
    expect(pages[4].rows.map((r) => r.pid)).toEqual(pages[0].rows.map((r) => r.pid))
    expect(pages[0].total).toBeGreaterThan(IDLE)
    // five scans cost five times one; one scan shared by five costs about one
    console.log(
      `reductions: one scan of ${pages[0].total} processes ${single}, five parallel requests ${parallel}`
    )
    expect(parallel).toBeLessThan(single * 2)

    const again = await api.handlers['node:processes'](b, query)
    expect(again.takenAt).toBe(pages[0].takenAt)
    expect(sent.processes - before).toBe(1)
  })

  it('a different scan waits for its turn; only the latest waits, the ones it replaced get busy', async () => {
    const c = (
      await quick.handlers['node:connect']({ node: node.name, cookie: node.cookie, intervalMs: 3_600_000 })
    ).sessionId
    const before = sent.processes
    const results = await Promise.allSettled([
      quick.handlers['node:processes'](c, { sortBy: 'reductions', limit: 10, offset: 0 }),
      quick.handlers['node:processes'](c, { sortBy: 'message_queue_len', limit: 10, offset: 0 }),
      quick.handlers['node:processes'](c, { sortBy: 'growth', windowMs: 200, limit: 10, offset: 0 }),
      quick.handlers['node:snapshot'](c)
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled'])
    for (const r of results.slice(1, 3))
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        code: 'busy',
        message: expect.stringMatching(/still working on erlscope's ranking of processes by reductions/)
      })
    expect(sent.processes - before).toBe(1)
  })

  it('the category scans share the gate: identical ETS scans coalesce, others wait behind a binary-leak check', async () => {
    const s = await connect()
    const before = sent.ets
    const same = await Promise.all(
      [1, 2, 3, 4].map(() => api.handlers['node:ets'](s, { sortBy: 'memory', limit: 5 }))
    )
    expect(sent.ets - before).toBe(1)
    expect(new Set(same.map((p) => p.takenAt)).size).toBe(1)
    const t = (
      await quick.handlers['node:connect']({ node: node.name, cookie: node.cookie, intervalMs: 3_600_000 })
    ).sessionId
    const mixed = await Promise.allSettled([
      quick.handlers['node:bin-leak'](t, { confirm: true, limit: 3, maxProcesses: 1000 }),
      quick.handlers['node:ports'](t, { sortBy: 'memory', limit: 5 }),
      quick.handlers['node:churn'](t, { windowMs: 200 })
    ])
    expect(mixed.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect((mixed[1] as PromiseRejectedResult).reason).toMatchObject({
      code: 'busy',
      message: expect.stringMatching(/binary-leak check/)
    })
    // asking without consent is refused at once and takes no turn
    await expect(quick.handlers['node:bin-leak'](t, { confirm: false })).rejects.toMatchObject({
      code: 'confirm_required'
    })
  })

  it('pages of a ranking are read from the ranking kept in main, not by scanning again', async () => {
    const d = await connect()
    const q = { sortBy: 'memory' as const, limit: 50, offset: 0 }
    let first: ProcessPage | undefined
    const scanCost = await reductions(async () => (first = await api.handlers['node:processes'](d, q)))
    const scans = sent.processes
    const rowsCalls = sent.rows
    const later: ProcessPage[] = []
    const pagesCost = await reductions(async () => {
      for (let offset = 50; offset < 500; offset += 50)
        later.push(await api.handlers['node:processes'](d, { ...q, offset }))
    })
    expect(sent.processes).toBe(scans)
    expect(sent.rows - rowsCalls).toBe(9)
    const pages = [first as ProcessPage, ...later]
    for (const p of later) {
      expect(p.takenAt).toBe(pages[0].takenAt)
      expect(p.rows.length).toBeGreaterThan(45)
    }
    const values = pages.flatMap((p) => p.rows.map((r) => r.sortValue))
    expect(values).toEqual([...values].sort((x, y) => y - x))
    const pids = pages.flatMap((p) => p.rows.map((r) => r.pid))
    expect(new Set(pids).size).toBe(pids.length)
    // a rescan per page would cost nine scans
    console.log(`reductions: scan + first page of 50 ${scanCost}; nine more pages ${pagesCost}`)
    expect(pagesCost).toBeLessThan(scanCost * 3)
  })

  it('the mailbox guard holds against a hostile request', async () => {
    const e = await connect()
    const small = await pidOf(node, 'erlscope_seed_smallbox')
    const huge = await pidOf(node, 'erlscope_seed_hugebox')
    const copies = sent.messages
    const messages = api.handlers['node:messages'] as (
      id: string,
      pid: string,
      req: unknown
    ) => Promise<unknown>
    // only `confirm: true` confirms
    for (const confirm of ['true', 1, 'yes', {}, [true]])
      await expect(messages(e, small, { limit: 5, confirm })).rejects.toMatchObject({
        code: 'confirm_required'
      })
    for (const limit of [1e9, -1, 0.5, '5'])
      await expect(messages(e, small, { limit, confirm: true })).rejects.toMatchObject({
        code: 'invalid_request'
      })
    // above the hard cap, even a confirmed request is refused before anything is copied
    await expect(messages(e, huge, { limit: 1, confirm: true })).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/holds 100,001 messages; erlscope copies at most 100,000/)
    })
    expect(sent.messages).toBe(copies)
    const ok = (await messages(e, small, { limit: 5, confirm: true })) as {
      messages: unknown[]
      queueLength: number
    }
    expect(ok.messages).toHaveLength(5)
    expect(ok.queueLength).toBe(2000)
    expect(sent.messages).toBe(copies + 1)
  })

  it('the node re-checks the ceiling main set just before it copies', async () => {
    const small = await pidOf(node, 'erlscope_seed_smallbox')
    const v = await probe.evaluate(
      X.MESSAGES,
      { PidText: { binary: small }, Limit: 5, MaxLen: 1000, Depth: 12, MaxChars: 8000 },
      30_000
    )
    const [tag, len] = tuple(v, 2)
    expect([atom(tag), num(len)]).toEqual(['too_many', 2000])
  })
})

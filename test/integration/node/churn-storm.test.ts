import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNodeHandlers, type NodeHandlers } from '../../../src/main/node/handlers'
import type { Connector } from '../../../src/main/node/live-client'
import type { ChurnReport } from '../../../src/shared/contract/categories'
import { startNode, type ErlNode } from '../../support/erl-node'
import { pidOf } from '../../support/seeded-node'
import { STORM, seedSpawnStorm, stormCount, stormWorkers } from '../../support/spawn-storm'
import { testSecretStore } from '../../support/test-secrets'
import { bridgeConnector } from './erl-bridge'
import { liveConnector } from './live-connector'

/**
 * A spawn storm from a module compiled on a real node (20 `shop:churn/0` workers every 10 ms, each
 * living 300 ms): the churn read names the initial call first with the node's own numbers, the
 * spawn rate between background samples matches the spawner's own count, and a group sent back as
 * data filters the process ranking on the node.
 */
const connector: Connector = liveConnector() ?? bridgeConnector()

describe('churn on a spawn storm', () => {
  let node: ErlNode
  let dir: string
  let api: NodeHandlers
  let sid: string

  beforeAll(async () => {
    node = await startNode()
    await seedSpawnStorm(node)
    dir = mkdtempSync(join(tmpdir(), 'erlscope-churn-'))
    api = createNodeHandlers({
      emit: () => undefined,
      userDataDir: dir,
      secrets: testSecretStore(dir),
      connector
    })
    sid = (await api.handlers['node:connect']({ node: node.name, cookie: node.cookie, intervalMs: 500 }))
      .sessionId
  })

  afterAll(async () => {
    await api?.dispose()
    await node?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('names shop:churn/0 first, and counts its spawns like the spawner does', async () => {
    const before = await stormCount(node)
    const r: ChurnReport = await api.handlers['node:churn'](sid, { windowMs: 2000 })
    const after = await stormCount(node)
    const workersNow = await stormWorkers(node)
    expect(r.byInitialCall[0].key).toBe(STORM.initialCall)
    // the group alive at the window's end against the node's own count a moment later (a steady storm)
    expect(r.byInitialCall[0].count).toBeGreaterThan(workersNow / 3)
    expect(r.byInitialCall[0].count).toBeLessThan(workersNow * 3)
    expect(r.byInitialCall[0].group).toEqual({
      by: 'initial_call',
      module: 'shop',
      function: 'churn',
      arity: 0
    })
    // every spawn of the window is counted from the pid counter: at most what the spawner made
    // around the call (plus erlscope's own few), and far more than the newborns still alive
    expect(r.spawned).not.toBeNull()
    const spawned = r.spawned ?? 0
    expect(spawned).toBeLessThanOrEqual(after.spawned - before.spawned + 50)
    const nodeRate = ((after.spawned - before.spawned) * 1000) / (after.atMs - before.atMs)
    expect(r.spawnRatePerSec ?? 0).toBeGreaterThan(nodeRate * 0.4)
    expect(spawned).toBeGreaterThan(r.born)
    // what spawned and is not alive at the end exited: far more than the floor of those seen at the start
    expect(r.exited).toBe(r.processCountBefore + spawned - r.processCountAfter)
    expect(r.exited ?? 0).toBeGreaterThan(r.died)
    // the spawner is the parent of the newborns
    const spawner = await pidOf(node, STORM.spawner)
    expect(r.byParent[0].key).toContain(STORM.spawner)
    expect(r.byParent[0].group).toEqual({ by: 'parent', pid: spawner })
  })

  it('the background samples carry a spawn rate near the spawner own rate', async () => {
    const before = await stormCount(node)
    const since = Date.now()
    await new Promise((r) => setTimeout(r, 4000))
    const after = await stormCount(node)
    const nodeRate = ((after.spawned - before.spawned) * 1000) / (after.atMs - before.atMs)
    const rates = (await api.handlers['node:memory-history'](sid, since))
      .map((s) => s.spawnsPerSec)
      .filter((x): x is number => x !== undefined)
    expect(rates.length).toBeGreaterThan(2)
    const sorted = [...rates].sort((a, b) => a - b)
    const median = sorted[Math.floor(sorted.length / 2)]
    expect(median).toBeGreaterThan(nodeRate * 0.5)
    expect(median).toBeLessThan(nodeRate * 1.5 + 50)
  })

  it('a group filters the ranking on the node: only shop:churn/0, only the spawner children', async () => {
    const byIc = await api.handlers['node:processes'](sid, {
      sortBy: 'memory',
      limit: 500,
      offset: 0,
      group: { by: 'initial_call', module: 'shop', function: 'churn', arity: 0 }
    })
    const workers = await stormWorkers(node)
    expect(byIc.rows.length).toBeGreaterThan(10)
    expect(new Set(byIc.rows.map((r) => r.initialCall))).toEqual(new Set([STORM.initialCall]))
    expect(byIc.total).toBeGreaterThan(workers / 3)
    expect(byIc.total).toBeLessThan(workers * 3)
    expect(byIc.total).toBeLessThan(byIc.processCount)

    const spawner = await pidOf(node, STORM.spawner)
    const byParent = await api.handlers['node:processes'](sid, {
      sortBy: 'reductions',
      limit: 100,
      offset: 0,
      group: { by: 'parent', pid: spawner }
    })
    expect(byParent.rows.length).toBeGreaterThan(10)
    expect(new Set(byParent.rows.map((r) => r.initialCall))).toEqual(new Set([STORM.initialCall]))

    // growth over a window keeps to the group too (the newborns of the window are filtered alike)
    const growth = await api.handlers['node:processes'](sid, {
      sortBy: 'growth',
      growthOf: 'reductions',
      windowMs: 1000,
      limit: 100,
      offset: 0,
      group: { by: 'initial_call', module: 'shop', function: 'churn', arity: 0 }
    })
    expect(growth.total).toBeGreaterThan(10)
    expect(new Set(growth.rows.map((r) => r.initialCall))).toEqual(new Set([STORM.initialCall]))
  })

  it('a group is data: quoting in a name reaches no code and makes no atom', async () => {
    const marker = join(dir, `owned-${randomBytes(4).toString('hex')}`)
    const fresh = `erlscope_never_${randomBytes(4).toString('hex')}`
    for (const module of [
      `shop'), os:cmd("touch ${marker}"), ('`,
      `shop, os:cmd("touch ${marker}")`,
      fresh
    ]) {
      const page = await api.handlers['node:processes'](sid, {
        sortBy: 'memory',
        limit: 10,
        offset: 0,
        group: { by: 'initial_call', module, function: 'churn', arity: 0 }
      })
      expect(page.rows).toEqual([])
      expect(page.total).toBe(0)
    }
    expect(existsSync(marker)).toBe(false)
    expect(await node.eval(`try list_to_existing_atom("${fresh}") catch error:badarg -> none end`)).toBe(
      'none'
    )
    await expect(
      api.handlers['node:processes'](sid, {
        sortBy: 'memory',
        limit: 10,
        offset: 0,
        group: { by: 'parent', pid: 'self()' }
      })
    ).rejects.toMatchObject({ code: 'invalid_request' })
  })
})

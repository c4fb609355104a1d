import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CliIo } from '../../../src/main/cli/command'
import { main } from '../../../src/main/cli/main'
import { makeCategoryCommands } from '../../../src/main/cli/category-commands'
import { createNodeHandlers, type NodeHandlers } from '../../../src/main/node/handlers'
import type { Connector } from '../../../src/main/node/live-client'
import { startNode, type ErlNode } from '../../support/erl-node'
import {
  CULPRITS,
  seedAtomLeak,
  seedBinLeak,
  seedGrowingEts,
  seedRabbitQueues,
  seedStuckSocket
} from '../../support/seeded-categories'
import { SEEDED, pidOf, seedBinHolder, seedChurner } from '../../support/seeded-node'
import { testSecretStore } from '../../support/test-secrets'
import { bridgeConnector } from './erl-bridge'
import { liveConnector } from './live-connector'

/**
 * Each memory category's view against a real node seeded with that category's problem: the
 * culprit comes first, with the node's own numbers (ets:info, port_info, process_info).
 */
const connector: Connector = liveConnector() ?? bridgeConnector()

async function num(node: ErlNode, expr: string): Promise<number> {
  return Number(await node.eval(expr))
}

async function until(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe('category views on a seeded node', () => {
  let node: ErlNode
  let dir: string
  let api: NodeHandlers
  let sid: string

  beforeAll(async () => {
    node = await startNode()
    await Promise.all([
      seedGrowingEts(node),
      seedStuckSocket(node),
      seedBinLeak(node),
      seedBinHolder(node),
      seedAtomLeak(node),
      // workers that live 300 ms: newborns are still alive at the end of a window on a loaded machine
      seedChurner(node, 20, 300),
      seedRabbitQueues(node)
    ])
    dir = mkdtempSync(join(tmpdir(), 'erlscope-categories-'))
    api = createNodeHandlers({
      emit: () => undefined,
      userDataDir: dir,
      secrets: testSecretStore(dir),
      connector
    })
    sid = (await api.handlers['node:connect']({ node: node.name, cookie: node.cookie })).sessionId
  })

  afterAll(async () => {
    await api?.dispose()
    await node?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('ETS by memory names the growing table first, in bytes, with its owner', async () => {
    await until(
      async () => (await num(node, `ets:info(${CULPRITS.etsTable}, memory)`)) > 200_000,
      'the table to grow'
    )
    const page = await api.handlers['node:ets'](sid, { sortBy: 'memory', limit: 5 })
    const top = page.rows[0]
    expect(top.name).toBe(CULPRITS.etsTable)
    expect(top.owner?.registeredName).toBe(CULPRITS.etsOwner)
    expect(top.owner?.pid).toBe(await pidOf(node, CULPRITS.etsOwner))
    expect(top.type).toBe('set')
    expect(top.protection).toBe('public')
    const words = await num(node, `ets:info(${CULPRITS.etsTable}, memory)`)
    const wordSize = await num(node, 'erlang:system_info(wordsize)')
    // the table grows between the two reads: the view's figure lies between the node's before and after
    expect(top.memoryBytes).toBeLessThanOrEqual(words * wordSize)
    expect(top.memoryBytes).toBeGreaterThan(200_000)
    expect(page.wordSize).toBe(wordSize)
    expect(page.tableCount).toBe(await num(node, 'length(ets:all())'))
    expect(page.tablesBytes).toBeGreaterThan(0)
    expect(page.tablesBytes).toBeLessThanOrEqual(page.memoryEts)
    expect(page.rows.length).toBe(5)
  })

  it('RabbitMQ queue processes are told apart by their process_name, in ETS owners and the process table', async () => {
    const ets = await api.handlers['node:ets'](sid, { sortBy: 'memory', limit: 500 })
    const owners = ets.rows
      .filter((r) => r.name === 'erlscope_seed_queue_index')
      .map((r) => r.owner?.label)
      .sort()
    expect(owners).toEqual([
      '{rabbit_amqqueue_process,{resource,<<"/">>,queue,<<"invoices">>}}',
      '{rabbit_amqqueue_process,{resource,<<"/">>,queue,<<"orders">>}}'
    ])
    const page = await api.handlers['node:processes'](sid, { sortBy: 'memory', limit: 500, offset: 0 })
    const orders = page.rows.find((r) => r.processLabel?.includes('<<"orders">>'))
    expect(orders?.label).toBe('{rabbit_amqqueue_process,{resource,<<"/">>,queue,<<"orders">>}}')
    expect(orders?.registeredName).toBeNull()
  })

  it('ETS by growth puts the growing table first and previews at most the asked objects', async () => {
    const page = await api.handlers['node:ets'](sid, { sortBy: 'growth', limit: 3, windowMs: 600 })
    expect(page.rows[0].name).toBe(CULPRITS.etsTable)
    expect(page.rows[0].growthBytes).toBeGreaterThan(0)
    const preview = await api.handlers['node:ets-contents'](sid, { id: page.rows[0].id, limit: 7 })
    expect(preview.readable).toBe(true)
    expect(preview.objects).toHaveLength(7)
    expect(preview.objects[0].text).toMatch(/^\{\d+,\[1,2,3,/)
    await expect(api.handlers['node:ets-contents'](sid, { id: page.rows[0].id, limit: 51 })).rejects.toThrow(
      /limit/
    )
  })

  it('ports by queue name the TCP socket whose peer never reads, with send_pend', async () => {
    await until(
      async () =>
        (await num(
          node,
          `{links, Ls} = erlang:process_info(whereis(${CULPRITS.tcpSender}), links), lists:max([element(2, erlang:port_info(P, queue_size)) || P <- Ls, is_port(P)])`
        )) >
        8 * 1024 * 1024,
      'the send queue to pass 8 MB'
    )
    const page = await api.handlers['node:ports'](sid, { sortBy: 'queue', limit: 5 })
    const top = page.rows[0]
    expect(top.kind).toBe('tcp_inet')
    expect(top.owner?.registeredName).toBe(CULPRITS.tcpSender)
    expect(top.queueBytes).toBeGreaterThan(8 * 1024 * 1024)
    expect(top.sendPending).toBeGreaterThan(8 * 1024 * 1024)
    expect(top.peer).toMatch(/^127\.0\.0\.1:\d+$/)
    const nodeQueue = await num(node, `element(2, erlang:port_info(list_to_port("${top.port}"), queue_size))`)
    expect(top.queueBytes).toBe(nodeQueue)
    // the probe erl that asks adds its own distribution port
    const nodePorts = await num(node, 'length(erlang:ports())')
    expect(page.portCount).toBeGreaterThanOrEqual(nodePorts - 1)
    expect(page.portCount).toBeLessThanOrEqual(nodePorts)
    const byGrowth = await api.handlers['node:ports'](sid, { sortBy: 'growth', limit: 5, windowMs: 300 })
    expect(byGrowth.windowMs).toBe(300)
    expect(byGrowth.rows.length).toBeGreaterThan(0)
    expect(byGrowth.rows.every((r) => Number.isInteger(r.growthBytes))).toBe(true)
    const byOutput = await api.handlers['node:ports'](sid, { sortBy: 'output', limit: 500 })
    expect(byOutput.rows.find((r) => r.kind === 'dist')?.detail).toMatch(/@/)
    expect(byOutput.rows.find((r) => r.port === top.port)).toBeDefined()
  })

  it('ETS and port queries out of bounds are refused before anything reaches the node', async () => {
    const refusal = async (p: Promise<unknown>): Promise<{ code: string; message: string }> => {
      const e = (await p.catch((error: unknown) => error)) as { code: string; message: string }
      expect(e).toBeInstanceOf(Error)
      return { code: e.code, message: e.message }
    }
    type AnyQuery = Parameters<NodeHandlers['handlers']['node:ets']>[1]
    const bad = (q: unknown): AnyQuery => q as AnyQuery
    const ets = (q: unknown): Promise<unknown> => api.handlers['node:ets'](sid, bad(q))
    const ports = (q: unknown): Promise<unknown> =>
      api.handlers['node:ports'](
        sid,
        bad(q) as unknown as Parameters<NodeHandlers['handlers']['node:ports']>[1]
      )
    expect(await refusal(ets(null))).toEqual({ code: 'invalid_request', message: 'Expected an ETS query.' })
    expect(await refusal(ports(7))).toEqual({ code: 'invalid_request', message: 'Expected a port query.' })
    expect(await refusal(ets({ sortBy: 'queue' }))).toEqual({
      code: 'invalid_request',
      message: "Unknown sort key 'queue'."
    })
    expect(await refusal(ports({ sortBy: 'size' }))).toEqual({
      code: 'invalid_request',
      message: "Unknown sort key 'size'."
    })
    for (const limit of [0, 501, 2.5, '5'])
      expect(await refusal(ports({ sortBy: 'queue', limit }))).toEqual({
        code: 'invalid_request',
        message: 'limit must be a whole number from 1 to 500.'
      })
    expect((await refusal(ets({ sortBy: 'growth', windowMs: 99 }))).message).toMatch(
      /^windowMs must be a whole number from 100 to \d+\.$/
    )
    // the window is checked only when ranking by growth, and left out of the page otherwise
    const plain = await api.handlers['node:ets'](sid, bad({ sortBy: 'size', windowMs: 99 }))
    expect(plain.sortBy).toBe('size')
    expect(plain.windowMs).toBeUndefined()
    expect(plain.rows.length).toBe(Math.min(50, plain.tableCount))
    const before = Date.now()
    const grown = await api.handlers['node:ets'](sid, { sortBy: 'growth', limit: 3, windowMs: 200 })
    expect(grown).toMatchObject({ sortBy: 'growth', windowMs: 200 })
    expect(grown.takenAt).toBeGreaterThanOrEqual(before)
    expect(grown.rows.length).toBe(3)
  })

  it('the binary-leak check refuses without consent, then ranks the process GC frees first', async () => {
    await expect(api.handlers['node:bin-leak'](sid, { confirm: false })).rejects.toThrow(
      /garbage-collects every process/
    )
    const before = await num(
      node,
      `{binary, Bs} = erlang:process_info(whereis(${CULPRITS.binLeaker}), binary), lists:sum([S || {_, S, _} <- Bs])`
    )
    expect(before).toBeGreaterThanOrEqual(32 * 1024 * 1024)
    const r = await api.handlers['node:bin-leak'](sid, { confirm: true, limit: 10 })
    expect(r.rows[0].registeredName).toBe(CULPRITS.binLeaker)
    expect(r.rows[0].beforeBytes).toBe(before)
    expect(r.rows[0].freedBytes).toBe(before)
    expect(r.rows.map((x) => x.registeredName)).not.toContain(SEEDED.binHolder)
    expect(r.stoppedEarly).toBe(false)
    expect(r.scanned).toBeGreaterThan(10)
    const after = await num(
      node,
      `{binary, Bs} = erlang:process_info(whereis(${CULPRITS.binLeaker}), binary), lists:sum([S || {_, S, _} <- Bs])`
    )
    expect(after).toBe(0)
  })

  it('the binary-leak check stops at its process cap', async () => {
    const r = await api.handlers['node:bin-leak'](sid, { confirm: true, maxProcesses: 5 })
    expect(r.scanned).toBe(5)
    expect(r.stoppedEarly).toBe(true)
  })

  it('atoms grow between two reads; modules come largest first with the node total', async () => {
    const a = await api.handlers['node:atoms-code'](sid, 10)
    await new Promise((r) => setTimeout(r, 500))
    const b = await api.handlers['node:atoms-code'](sid, 10)
    expect(b.atomCount).toBeGreaterThan(a.atomCount)
    expect(b.atomLimit).toBe(await num(node, 'erlang:system_info(atom_limit)'))
    expect(b.modules).toHaveLength(10)
    expect(b.modules[0].bytes).toBeGreaterThanOrEqual(b.modules[1].bytes)
    expect(b.moduleCount).toBe(await num(node, 'length(code:all_loaded())'))
    expect(b.codeBytes).toBeGreaterThan(0)
  })

  it('scheduler utilization asks first, sees a busy scheduler, and leaves the flag off', async () => {
    await expect(api.handlers['node:scheduler-usage'](sid, { confirm: false })).rejects.toThrow(
      /scheduler_wall_time/
    )
    await node.eval(
      'register(erlscope_seed_spinner, spawn(fun() -> Spin = fun S(N) -> S(N + 1) end, Spin(0) end)), ok'
    )
    try {
      const r = await api.handlers['node:scheduler-usage'](sid, { confirm: true, windowMs: 1000 })
      const normal = r.schedulers.filter((x) => x.kind === 'normal')
      expect(normal).toHaveLength(await num(node, 'erlang:system_info(schedulers)'))
      expect(Math.max(...normal.map((x) => x.utilization))).toBeGreaterThan(0.5)
      expect(r.wasEnabled).toBe(false)
      expect(await node.eval('erlang:statistics(scheduler_wall_time)')).toBe('undefined')
    } finally {
      await node.eval('exit(whereis(erlscope_seed_spinner), kill)')
    }
  })

  it('churn names the spawner as the parent of the newborns', async () => {
    // a loaded machine can stall the spawner for a whole window: measure up to three times
    let r = await api.handlers['node:churn'](sid, { windowMs: 1000 })
    for (let i = 0; i < 2 && r.byParent.length === 0; i++)
      r = await api.handlers['node:churn'](sid, { windowMs: 1000 })
    expect(r.born).toBeGreaterThan(0)
    expect(r.died).toBeGreaterThan(20)
    expect(r.byParent[0].key).toContain(SEEDED.churner)
    expect(r.byInitialCall.length).toBeGreaterThan(3)
  })

  async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = ''
    let err = ''
    const io: CliIo = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), env: {} }
    const code = await main([...argv, '--cookie', node.cookie], io, makeCategoryCommands(connector))
    return { code, out, err }
  }

  it('erlscope ets / ports --json give the documented fields, culprit first', async () => {
    const e = await cli(['ets', node.name, '--json', '--limit', '3'])
    expect(e.code).toBe(0)
    const ets = JSON.parse(e.out) as { rows: Record<string, unknown>[] }
    expect(ets.rows[0]).toMatchObject({ name: CULPRITS.etsTable, ownerName: CULPRITS.etsOwner, type: 'set' })
    for (const k of ['name', 'id', 'owner', 'ownerName', 'type', 'size', 'memoryBytes'])
      expect(ets.rows[0]).toHaveProperty(k)
    const p = await cli(['ports', node.name, '--json', '--by', 'queue', '--limit', '3'])
    expect(p.code).toBe(0)
    const ports = JSON.parse(p.out) as { rows: Record<string, unknown>[] }
    expect(ports.rows[0]).toMatchObject({ kind: 'tcp_inet', ownerName: CULPRITS.tcpSender })
    for (const k of [
      'port',
      'kind',
      'owner',
      'ownerName',
      'queueBytes',
      'memoryBytes',
      'input',
      'output',
      'peer',
      'sendPending'
    ])
      expect(ports.rows[0]).toHaveProperty(k)
    const text = await cli(['ets', node.name, '--by', 'size'])
    expect(text.out.split('\n')[1]).toContain(CULPRITS.etsTable)
  })

  it('erlscope bin-leak explains itself and does nothing without --yes', async () => {
    const r = await cli(['bin-leak', node.name])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/garbage-collects every process.*--yes/s)
    const y = await cli(['bin-leak', node.name, '--yes', '--json'])
    expect(y.code).toBe(0)
    expect(JSON.parse(y.out)).toHaveProperty('scanned')
  })
})

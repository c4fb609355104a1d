import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { NodeStatusEvent } from '../../../src/shared/contract/node'
import { createNodeHandlers } from '../../../src/main/node/handlers'
import type { Connector } from '../../../src/main/node/live-client'
import { startNode, type ErlNode } from '../../support/erl-node'
import { testSecretStore } from '../../support/test-secrets'
import { bridgeConnector } from './erl-bridge'
import { liveConnector } from './live-connector'

const connector: Connector = liveConnector() ?? bridgeConnector()

async function until(check: () => boolean, what: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('sessions and saved connections', () => {
  const nodes: ErlNode[] = []
  const dirs: string[] = []
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()))
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('saved connections persist across a fresh handler table and connect with the stored cookie', async () => {
    const node = await startNode()
    nodes.push(node)
    const dir = mkdtempSync(join(tmpdir(), 'erlscope-saved-'))
    dirs.push(dir)
    const emitted: unknown[] = []
    const first = createNodeHandlers({
      emit: (_e, p) => emitted.push(p),
      userDataDir: dir,
      secrets: testSecretStore(dir),
      connector
    })
    const saved = await first.handlers['connections:save']({
      name: 'test node',
      node: node.name,
      cookie: node.cookie,
      intervalMs: 700
    })
    const other = await first.handlers['connections:save']({ name: 'other', node: 'other@nowhere' })
    expect((await first.handlers['connections:list']()).map((c) => c.id)).toEqual([other.id, saved.id])
    await first.dispose()

    const second = createNodeHandlers({
      emit: (_e, p) => emitted.push(p),
      userDataDir: dir,
      secrets: testSecretStore(dir),
      connector
    })
    const list = await second.handlers['connections:list']()
    expect(list.map((c) => c.name)).toEqual(['other', 'test node'])
    expect(list[1]).toMatchObject({ hasCookie: true, intervalMs: 700 })
    const info = await second.handlers['node:connect']({ node: node.name, savedId: saved.id })
    expect(info).toMatchObject({ state: 'connected', intervalMs: 700, savedId: saved.id })
    // recently used first
    expect((await second.handlers['connections:list']())[0].id).toBe(saved.id)
    expect(JSON.stringify(emitted)).not.toContain(node.cookie)
    expect(JSON.stringify(await second.handlers['connections:list']())).not.toContain(node.cookie)
    await second.handlers['node:disconnect'](info.sessionId)
    await expect(second.handlers['node:system'](info.sessionId)).rejects.toMatchObject({
      code: 'not_connected'
    })
    await second.dispose()
  })

  it('discovers nodes in the local EPMD and reports a refused cookie', async () => {
    const node = await startNode()
    nodes.push(node)
    const dir = mkdtempSync(join(tmpdir(), 'erlscope-epmd-'))
    dirs.push(dir)
    const api = createNodeHandlers({
      emit: () => undefined,
      userDataDir: dir,
      secrets: testSecretStore(dir),
      connector
    })
    const found = await api.handlers['epmd:names']()
    expect(found).toContainEqual(expect.objectContaining({ name: node.alive, node: node.name }))
    expect(typeof (await api.handlers['cookie:default']()).present).toBe('boolean')
    if (liveConnector()) {
      await expect(api.handlers['node:connect']({ node: node.name, cookie: 'wrong' })).rejects.toMatchObject({
        code: 'cookie_rejected'
      })
    }
    expect(await api.handlers['node:sessions']()).toEqual([])
    await api.dispose()
  })

  it('reconnects after the node is killed and restarted, keeping history', async () => {
    const node = await startNode()
    nodes.push(node)
    const dir = mkdtempSync(join(tmpdir(), 'erlscope-reconnect-'))
    dirs.push(dir)
    const statuses: NodeStatusEvent[] = []
    let samples = 0
    const api = createNodeHandlers({
      emit: (event, payload) => {
        if (event === 'node:status') statuses.push(payload as NodeStatusEvent)
        if (event === 'node:sample') samples++
      },
      userDataDir: dir,
      secrets: testSecretStore(dir),
      connector,
      backoffMs: { first: 200, max: 1000 },
      allocatorIntervalMs: 500
    })
    // a bare name, as `erl -sname NAME` takes it: this host is added
    const info = await api.handlers['node:connect']({
      node: node.alive,
      cookie: node.cookie,
      intervalMs: 300
    })
    expect(info.node).toBe(node.name)
    expect(info.incarnation).toBe(1)
    await until(() => samples >= 2, 'two samples')
    // allocators are read in the background, though nobody asked for them
    let allocs = await api.handlers['node:allocator-history'](info.sessionId)
    for (let i = 0; i < 300 && allocs.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100))
      allocs = await api.handlers['node:allocator-history'](info.sessionId)
    }
    expect(allocs.length).toBeGreaterThanOrEqual(2)
    expect(allocs[0].byAllocator.eheap_alloc?.allocated).toBeGreaterThan(0)
    const before = await api.handlers['node:memory-history'](info.sessionId)
    expect(before.every((s) => s.incarnation === 1)).toBe(true)

    node.kill()
    await until(() => statuses.some((s) => s.state === 'reconnecting'), 'reconnecting status')
    await expect(api.handlers['node:system'](info.sessionId)).rejects.toMatchObject({ code: 'not_connected' })
    const reconnecting = statuses.find((s) => s.state === 'reconnecting')
    expect(reconnecting?.error).toBeTruthy()

    const again = await startNode({ alive: node.alive, cookie: node.cookie })
    nodes.push(again)
    const seen = statuses.length
    await until(() => statuses.slice(seen).some((s) => s.state === 'connected'), 'connected again')
    const n = samples
    await until(() => samples > n, 'a sample after reconnect')
    const after = await api.handlers['node:memory-history'](info.sessionId)
    expect(after.length).toBeGreaterThan(before.length)
    expect(after.slice(0, before.length)).toEqual(before)
    // the node came back as a new VM under the same name: a new incarnation, not one history
    expect((await api.handlers['node:sessions']())[0].incarnation).toBe(2)
    expect(after.at(-1)?.incarnation).toBe(2)
    expect(after.filter((s) => s.incarnation === 1).length).toBeGreaterThanOrEqual(before.length)
    expect((await api.handlers['node:sessions']())[0]).toMatchObject({
      state: 'connected',
      sessionId: info.sessionId
    })
    expect((await api.handlers['node:system'](info.sessionId)).node).toBe(node.name)
    await api.dispose()
    expect(statuses.at(-1)?.state).toBe('closed')
  })
})

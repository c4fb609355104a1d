import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClusterSample } from '../../../src/shared/contract/cluster'
import { memoryCategories } from '../../../src/shared/contract/node'
import { makeClusterCommands } from '../../../src/main/cli/cluster-command'
import { makeLiveCommands } from '../../../src/main/cli/live-commands'
import type { CliCommand, CliIo } from '../../../src/main/cli/command'
import { main } from '../../../src/main/cli/main'
import { connectNode } from '../../../src/main/erldist/client'
import { asNumber, atom } from '../../../src/main/erldist/etf'
import { readCluster } from '../../../src/main/node/cluster'
import * as C from '../../../src/main/node/collectors'
import { connectorFrom } from '../../../src/main/node/dist-adapter'
import { createNodeHandlers } from '../../../src/main/node/handlers'
import type { LiveClient } from '../../../src/main/node/live-client'
import { startCluster, type ErlCluster } from '../../support/erl-cluster'
import { startNode, type ErlNode } from '../../support/erl-node'
import { testSecretStore } from '../../support/test-secrets'

const connector = connectorFrom()
const MB = 1024 * 1024
/** Member 1 holds this much in one binary, so its figures cannot be mistaken for another's. */
const BIG_BINARY_MB = 64

async function ownMemory(node: ErlNode): Promise<Record<string, number>> {
  const c = await connectNode({ node: node.name, cookie: node.cookie, timeoutMs: 20_000 })
  try {
    const out: Record<string, number> = {}
    for (const k of memoryCategories) out[k] = asNumber(await c.rpc('erlang', 'memory', [atom(k)])) ?? NaN
    return out
  } finally {
    c.close()
  }
}

async function cli(cmd: CliCommand, argv: string[]): Promise<{ code: number; out: string }> {
  let out = ''
  const io: CliIo = { out: (t) => (out += `${t}\n`), err: (t) => (out += `${t}\n`), env: {} }
  const code = await main([cmd.name, ...argv], io, [cmd])
  return { code, out }
}

/** Waits until every thread of `pid` is stopped (state T in /proc), so the stop is in effect. */
async function stopped(pid: number): Promise<void> {
  const states = (): string[] =>
    readdirSync(`/proc/${pid}/task`).map(
      (t) => readFileSync(`/proc/${pid}/task/${t}/stat`, 'latin1').replace(/^.*\) /s, '')[0]
    )
  const deadline = Date.now() + 20_000
  while (!states().every((st) => st === 'T' || st === 't')) {
    if (Date.now() > deadline) throw new Error(`process ${pid} did not stop: ${states().join('')}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('a cluster through one node', () => {
  let cluster: ErlCluster
  let entry: LiveClient
  beforeAll(async () => {
    cluster = await startCluster({
      members: 3,
      bootEval: (i) =>
        i === 1
          ? `spawn(fun() -> register(big_holder, self()), B = binary:copy(<<1>>, ${BIG_BINARY_MB} * 1048576), receive stop -> B end end)`
          : undefined
    })
    entry = await connector({ node: cluster.entry.name, cookie: cluster.cookie, timeoutMs: 20_000 })
  }, 120_000)
  afterAll(async () => {
    await entry?.close()
    await cluster?.stop()
  })

  it('lists every node of the entry with its own OTP release, uptime, processes and memory', async () => {
    const reading = await readCluster(entry)
    expect(reading.members.map((m) => m.node).sort()).toEqual(cluster.all.map((n) => n.name).sort())
    expect(reading.members[0]).toMatchObject({ node: cluster.entry.name, visibility: 'entry' })
    const own = await Promise.all(cluster.all.map(ownMemory))
    cluster.all.forEach((node, i) => {
      const m = reading.members.find((r) => r.node === node.name)
      expect(m?.up, node.name).toBe(true)
      expect(m?.otpRelease).toMatch(/^\d+$/)
      expect(m?.uptimeMs).toBeGreaterThan(0)
      expect(m?.processCount).toBeGreaterThan(20)
      for (const k of ['total', 'processes', 'system', 'binary', 'code', 'ets'] as const) {
        const mine = own[i][k]
        const seen = m?.memory?.[k] ?? NaN
        // the node moves between our two reads; its own figure and the overview's agree within 10 % or 2 MB
        expect(Math.abs(seen - mine), `${node.name} ${k}: ${seen} vs ${mine}`).toBeLessThanOrEqual(
          Math.max(mine * 0.1, 2 * MB)
        )
      }
    })
    const big = reading.members.find((r) => r.node === cluster.members[1].name)
    const others = reading.members.filter((r) => r.node !== cluster.members[1].name)
    for (const o of others)
      expect(big?.memory?.binary ?? 0).toBeGreaterThan((o.memory?.binary ?? 0) + (BIG_BINARY_MB - 4) * MB)
    expect(reading.entryReductions).toBeGreaterThan(0)
  })

  it('lists hidden nodes only on request, never erlscope itself', async () => {
    const hidden = await startNode({
      cookie: cluster.cookie,
      args: ['-hidden'],
      bootEval: `true = net_kernel:connect_node('${cluster.entry.name}')`
    })
    try {
      const deadline = Date.now() + 30_000
      let seen = await readCluster(entry, { hidden: true })
      while (!seen.members.some((m) => m.node === hidden.name) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200))
        seen = await readCluster(entry, { hidden: true })
      }
      expect(seen.members.find((m) => m.node === hidden.name)).toMatchObject({
        visibility: 'hidden',
        up: true
      })
      expect(seen.members.map((m) => m.node)).not.toContain(entry.localName)
      expect(seen.members.filter((m) => m.up)).toHaveLength(cluster.all.length + 1)
      const plain = await readCluster(entry)
      expect(plain.members.map((m) => m.node)).not.toContain(hidden.name)
    } finally {
      await hidden.stop()
    }
  })

  it('erlscope cluster --json prints each node with the documented keys', async () => {
    const [cmd] = makeClusterCommands(connector)
    const r = await cli(cmd, [cluster.entry.name, '--cookie', cluster.cookie, '--json'])
    expect(r.code).toBe(0)
    const parsed = JSON.parse(r.out) as { nodes: Record<string, unknown>[] }
    expect(parsed.nodes).toHaveLength(cluster.all.length)
    for (const n of parsed.nodes) {
      expect(n).toMatchObject({ state: 'up' })
      for (const k of ['node', 'otpRelease', 'uptimeMs', 'processCount', 'memory'])
        expect(n).toHaveProperty(k)
      expect(Object.keys(n.memory as object).sort()).toEqual([...memoryCategories].sort())
    }
    expect(parsed.nodes[0].node).toBe(cluster.members[1].name)
    const text = await cli(cmd, [cluster.entry.name, '--cookie', cluster.cookie])
    expect(text.out).toContain(`${cluster.entry.name} (entry)`)
    expect(text.out).toContain(`${cluster.all.length} nodes (0 not answering)`)
  })

  it('runs every collector on a member through the entry, and the CLI with --through', async () => {
    const target = cluster.members[1]
    const via = await connector({
      node: target.name,
      cookie: cluster.cookie,
      through: cluster.entry.name,
      timeoutMs: 20_000
    })
    try {
      expect(via.peer).toBe(target.name)
      expect(via.entry).toBe(cluster.entry.name)
      expect((await C.system(via)).node).toBe(target.name)
      const mem = await C.memory(via, 10_000)
      expect(mem.binary).toBeGreaterThan(BIG_BINARY_MB * MB)
      const page = await C.processes(via, { sortBy: 'binary_memory', limit: 5, offset: 0 })
      expect(page.rows[0].registeredName).toBe('big_holder')
      const detail = await C.process(via, page.rows[0].pid)
      expect(detail?.registeredName).toBe('big_holder')
      expect(detail?.binaryMemory).toBeGreaterThanOrEqual(BIG_BINARY_MB * MB)
      const alloc = await C.allocators(via)
      expect(alloc.instances.length).toBeGreaterThan(0)
      expect(alloc.memoryTotal).toBeGreaterThan(BIG_BINARY_MB * MB)
    } finally {
      await via.close()
    }

    const [top] = makeLiveCommands(connector)
    const r = await cli(top, [
      target.name,
      '--through',
      cluster.entry.name,
      '--cookie',
      cluster.cookie,
      '--by',
      'memory',
      '--limit',
      '50',
      '--json'
    ])
    expect(r.code).toBe(0)
    expect(JSON.stringify(JSON.parse(r.out))).toContain('big_holder')

    const direct = await connectNode({
      node: target.name,
      through: cluster.entry.name,
      cookie: cluster.cookie,
      timeoutMs: 20_000
    })
    try {
      expect(await direct.rpc('erlang', 'node', [])).toEqual(atom(target.name))
      expect(direct.entryName).toBe(cluster.entry.name)
      await expect(direct.rpc('erlang', 'binary_to_atom', [atom('x')])).rejects.toMatchObject({
        code: 'badrpc',
        message: expect.stringContaining('badarg')
      })
    } finally {
      direct.close()
    }
  })

  it('refuses a node the entry is not connected to, naming the ones it is', async () => {
    const loner = await startNode({ cookie: cluster.cookie })
    try {
      await expect(
        connectNode({
          node: loner.name,
          through: cluster.entry.name,
          cookie: cluster.cookie,
          timeoutMs: 20_000
        })
      ).rejects.toMatchObject({
        code: 'node_not_found',
        message: expect.stringContaining(`${loner.name} is not connected to ${cluster.entry.name}`)
      })
      // and the entry did not dial it
      const seen = await readCluster(entry)
      expect(seen.members.map((m) => m.node)).not.toContain(loner.name)
    } finally {
      await loner.stop()
    }
  })

  it('a handler table watches the cluster and opens a member through the entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'erlscope-cluster-'))
    const samples: ClusterSample[] = []
    const table = createNodeHandlers({
      emit: (e, p) => {
        if (e === 'cluster:sample') samples.push((p as { sample: ClusterSample }).sample)
      },
      userDataDir: dir,
      secrets: testSecretStore(dir),
      connector
    })
    try {
      const s = await table.handlers['node:connect']({ node: cluster.entry.name, cookie: cluster.cookie })
      const first = await table.handlers['cluster:watch'](s.sessionId, { intervalMs: 1000 })
      expect(first.members).toHaveLength(cluster.all.length)
      expect(first.entry).toBe(cluster.entry.name)
      const deadline = Date.now() + 30_000
      while (samples.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      const last = samples[samples.length - 1]
      expect(last.members.every((m) => m.history.length >= 3)).toBe(true)
      expect(last.members.every((m) => m.growthPerSecond !== null)).toBe(true)
      await table.handlers['cluster:unwatch'](s.sessionId)

      const member = cluster.members[0].name
      const opened = await table.handlers['cluster:open'](s.sessionId, member)
      expect(opened).toMatchObject({ node: member, through: cluster.entry.name, state: 'connected' })
      expect((await table.handlers['node:system'](opened.sessionId)).node).toBe(member)
      const again = await table.handlers['cluster:open'](s.sessionId, member)
      expect(again.sessionId).toBe(opened.sessionId)
    } finally {
      await table.dispose()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a member that hangs or is killed mid-sample shows as down without stalling the others', async () => {
    const victim = cluster.members[2]
    const pid = victim.process.pid ?? 0
    process.kill(pid, 'SIGSTOP')
    await stopped(pid)
    try {
      const hung = await readCluster(entry, { memberTimeoutMs: 1500 })
      expect(hung.members.find((m) => m.node === victim.name)).toMatchObject({ up: false, error: 'timeout' })
      expect(hung.members.filter((m) => m.up)).toHaveLength(cluster.all.length - 1)

      // with a budget far beyond the test's, only the kill can end the wait on the victim
      const pending = readCluster(entry, { memberTimeoutMs: 600_000 })
      await new Promise((r) => setTimeout(r, 1000))
      victim.kill()
      const after = await pending
      expect(after.members.find((m) => m.node === victim.name)).toMatchObject({
        up: false,
        error: 'noconnection'
      })
      const up = after.members.filter((m) => m.up)
      expect(up.map((m) => m.node).sort()).toEqual(
        cluster.all
          .filter((n) => n !== victim)
          .map((n) => n.name)
          .sort()
      )
      expect(up.every((m) => (m.memory?.total ?? 0) > 0)).toBe(true)
    } finally {
      try {
        process.kill(pid, 'SIGCONT')
      } catch {
        // already gone
      }
    }
  })
})

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MemorySample, NodeStatusEvent } from '../../../src/shared/contract/node'
import type { RouteSpec } from '../../../src/shared/contract/route'
import * as C from '../../../src/main/node/collectors'
import { connectorFrom } from '../../../src/main/node/dist-adapter'
import type { Connector } from '../../../src/main/node/live-client'
import { Session } from '../../../src/main/node/session'
import { runCli } from '../../support/cli-runner'
import { netnsUnavailable, startProductionHost, type ProductionHost } from '../../support/netns-host'

const skip = netnsUnavailable()
if (skip) console.warn(`SSH production-host tests skipped: ${skip}`)

const MB = 1024 * 1024

describe.skipIf(skip !== undefined)('erlscope reaches a production host in a network namespace', () => {
  let host: ProductionHost
  let dir: string
  beforeAll(async () => {
    host = await startProductionHost()
    dir = mkdtempSync(join(tmpdir(), 'erlscope-netns-ssh-'))
  }, 120_000)
  afterAll(async () => {
    await host?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const keys = (knownHosts = host.knownHosts): string[] => [
    '--ssh-key',
    host.keyFile,
    '--ssh-known-hosts',
    knownHosts,
    '--cookie',
    host.cookie
  ]
  const oneHop = (knownHosts?: string): string[] => ['--ssh', `root@${host.sshHost}`, ...keys(knownHosts)]
  const twoHops = (): string[] => [
    '--ssh',
    `root@${host.jumpHost}`,
    '--ssh',
    `root@${host.prodFromJump}`,
    ...keys()
  ]
  const route = (): RouteSpec => ({
    ssh: {
      hops: [{ user: 'root', host: host.sshHost }],
      keyFile: host.keyFile,
      knownHostsFile: host.knownHosts
    }
  })
  const own = async (node = host.app, k = 'total'): Promise<number> =>
    Number(await host.eval(node, `erlang:memory(${k})`))

  it('cannot reach the node directly', async () => {
    const r = await runCli(['memory', host.app.name, '--cookie', host.cookie, '--timeout', '5000'])
    expect(r.code).toBe(1)
    // app@127.0.0.1 from here is this machine's loopback, where no such node is registered
    expect(r.errorCode).toMatch(/^(node_not_found|epmd_unreachable)$/)
    const byAddress = await runCli([
      'memory',
      host.app.name,
      '--address',
      host.sshHost,
      '--cookie',
      host.cookie,
      '--timeout',
      '5000'
    ])
    expect(byAddress.code).toBe(1)
    expect(byAddress.errorCode).toBe('epmd_unreachable')
  })

  it('lists EPMD, reads memory, top and allocators through one SSH hop', async () => {
    const names = await runCli([
      'nodes',
      '--ssh',
      `root@${host.sshHost}`,
      '--ssh-key',
      host.keyFile,
      '--ssh-known-hosts',
      host.knownHosts,
      '--json'
    ])
    expect(names.err).toBe('')
    const listed = (JSON.parse(names.out) as { name: string }[]).map((n) => n.name)
    expect(listed).toEqual(expect.arrayContaining([host.app.alive, host.worker.alive]))

    const mem = await runCli(['memory', host.app.name, ...oneHop(), '--json'])
    expect(mem.err).toBe('')
    const total = (JSON.parse(mem.out) as { total: number }).total
    const mine = await own()
    expect(Math.abs(total - mine)).toBeLessThanOrEqual(Math.max(mine * 0.1, 2 * MB))

    const top = await runCli(['top', host.app.name, ...oneHop(), '--limit', '5', '--json'])
    expect(top.err).toBe('')
    expect((JSON.parse(top.out) as { rows: unknown[] }).rows).toHaveLength(5)

    const alloc = await runCli(['allocators', host.app.name, ...oneHop(), '--json'])
    expect(alloc.err).toBe('')
    expect((JSON.parse(alloc.out) as { instances: unknown[] }).instances.length).toBeGreaterThan(0)
  })

  it('pages processes and opens one through the route (collectors over the connect API)', async () => {
    const client = await connectorFrom()({
      node: host.app.name,
      cookie: host.cookie,
      route: route(),
      timeoutMs: 20_000
    })
    try {
      const page = await C.processes(client, { sortBy: 'memory', limit: 20, offset: 0 })
      expect(page.rows).toHaveLength(20)
      const detail = await C.process(client, page.rows[0].pid)
      expect(detail?.pid).toBe(page.rows[0].pid)
      expect((await C.system(client)).node).toBe(host.app.name)
    } finally {
      await client.close()
    }
  })

  it('reads memory and top through two hops (the jump host, then prod)', async () => {
    // prod's jump-side address is out of reach from here: only the jump can get there
    const alone = await runCli([
      'memory',
      host.app.name,
      '--ssh',
      `root@${host.prodFromJump}`,
      ...keys(),
      '--timeout',
      '5000'
    ])
    expect(alone.code).toBe(1)
    const mem = await runCli(['memory', host.app.name, ...twoHops(), '--json'])
    expect(mem.err).toBe('')
    expect((JSON.parse(mem.out) as { total: number }).total).toBeGreaterThan(MB)
    const top = await runCli(['top', host.worker.name, ...twoHops(), '--limit', '3', '--json'])
    expect(top.err).toBe('')
    expect((JSON.parse(top.out) as { rows: unknown[] }).rows).toHaveLength(3)
  })

  it('refuses a changed host key, and an unknown one unless told to accept it', async () => {
    const changed = await runCli(['memory', host.app.name, ...oneHop(host.wrongKnownHosts)])
    expect(changed.code).toBe(1)
    expect(changed.errorCode).toBe('host_key_changed')

    const empty = join(dir, 'known_hosts.empty')
    writeFileSync(empty, '')
    const unknown = await runCli(['memory', host.app.name, ...oneHop(empty)])
    expect(unknown.code).toBe(1)
    expect(unknown.errorCode).toBe('host_key_unknown')
    const accepted = await runCli(['memory', host.app.name, ...oneHop(empty), '--ssh-accept-new', '--json'])
    expect(accepted.err).toBe('')
    expect(readFileSync(empty, 'utf8')).toContain(host.sshHost)
  })

  it('shows the cluster of both nodes through the one it reached, and opens the other through it', async () => {
    const r = await runCli(['cluster', host.app.name, ...oneHop(), '--json'])
    expect(r.err).toBe('')
    const nodes = (
      JSON.parse(r.out) as { nodes: { node: string; state: string; memory: { total: number } }[] }
    ).nodes
    expect(nodes.map((n) => n.node).sort()).toEqual([host.app.name, host.worker.name].sort())
    expect(nodes.every((n) => n.state === 'up')).toBe(true)
    const worker = nodes.find((n) => n.node === host.worker.name)
    const mine = await own(host.worker)
    expect(Math.abs((worker?.memory.total ?? 0) - mine)).toBeLessThanOrEqual(Math.max(mine * 0.1, 2 * MB))

    const via = await runCli(['eval', host.worker.name, 'node()', '--through', host.app.name, ...oneHop()])
    expect(via.err).toBe('')
    expect(via.out.trim()).toBe(`'${host.worker.name}'`)
  })

  it('runs through a proxy command (ssh -W %h:%p)', async () => {
    const proxy = `ssh ${host.sshArgs().join(' ')} -W %h:%p root@${host.sshHost}`
    const r = await runCli([
      'memory',
      host.app.name,
      '--proxy-command',
      proxy,
      '--cookie',
      host.cookie,
      '--json'
    ])
    expect(r.err).toBe('')
    expect((JSON.parse(r.out) as { total: number }).total).toBeGreaterThan(MB)
  })

  it('keeps a live session over SSH and reconnects after the node restarts', async () => {
    const base = connectorFrom()
    const connect: Connector = (opts) => base({ ...opts, route: route() })
    const samples: MemorySample[] = []
    const states: NodeStatusEvent[] = []
    const session = await Session.open({
      node: host.app.name,
      cookie: host.cookie,
      intervalMs: 300,
      connect,
      emit: (event, payload) => {
        if (event === 'node:sample') samples.push((payload as { sample: MemorySample }).sample)
        if (event === 'node:status') states.push(payload as NodeStatusEvent)
      },
      backoffMs: { first: 200, max: 1000 }
    })
    const until = async (check: () => boolean, what: string): Promise<void> => {
      const deadline = Date.now() + 90_000
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    try {
      await until(() => samples.length >= 3, 'samples through SSH')
      const pidBefore = await host.eval(host.app, 'os:getpid()')
      await host.restart(host.app)
      expect(await host.eval(host.app, 'os:getpid()')).not.toBe(pidBefore)
      await until(() => states.some((s) => s.state === 'reconnecting'), 'the session to notice')
      const lostAt = states.findIndex((s) => s.state === 'reconnecting')
      const count = samples.length
      await until(
        () => states.slice(lostAt).some((s) => s.state === 'connected') && samples.length >= count + 3,
        'the session to come back with new samples'
      )
      expect(session.info().state).toBe('connected')
    } finally {
      await session.close()
    }
  })
})

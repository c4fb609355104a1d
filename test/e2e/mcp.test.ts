import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomAlive, shortHost, startNode, type ErlNode } from '../support/erl-node'
import { CULPRITS, seedStuckSocket } from '../support/seeded-categories'
import { SEEDED, pidOf, seedBigHeap, seedMailbox } from '../support/seeded-node'
import { RICH, writeDump } from '../support/dump-writer'

/**
 * The built `erlscope mcp` (bin/erlscope under the Node that runs the tests, not Electron), driven
 * over stdio by the SDK's own client, against real nodes and a dump written by a real erl.
 */
const BIN = resolve(__dirname, '../../bin/erlscope')
const MCP_TABLE = 'erlscope_mcp_table'

let n: ErlNode
let other: ErlNode
let dir: string
let dump: string

async function connect(env: Record<string, string>, extra: string[] = []): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', ...extra],
    env: { PATH: process.env.PATH ?? '', HOME: dir, ERLSCOPE_USER_DATA: join(dir, 'user-data'), ...env },
    stderr: 'pipe'
  })
  const client = new Client({ name: 'erlscope-test', version: '1.0.0' })
  await client.connect(transport)
  return client
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args }, undefined, { timeout: 90_000 })) as CallToolResult
}

function data<T>(r: CallToolResult): T {
  expect(r.isError ?? false, JSON.stringify(r.content)).toBe(false)
  return r.structuredContent as T
}

function errorOf(r: CallToolResult): { code: string; message: string } {
  expect(r.isError).toBe(true)
  return (r.structuredContent as { error: { code: string; message: string } }).error
}

let client: Client
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-mcp-'))
  ;[n, other] = await Promise.all([startNode(), startNode()])
  await Promise.all([seedBigHeap(n, 300_000), seedMailbox(n, 200, 1)])
  dump = (await writeDump(dir, 'mcp', RICH)).dump
  client = await connect({ ERLSCOPE_COOKIE: n.cookie })
})
afterAll(async () => {
  await client?.close()
  await Promise.all([n?.stop(), other?.stop()])
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('erlscope mcp', () => {
  it('lists read-only tools; no schema mentions a cookie; no eval without --allow-eval', async () => {
    const { tools } = await client.listTools()
    const names = tools.map((t) => t.name).sort()
    expect(names).toEqual(
      [
        'allocators',
        'cluster_overview',
        'dump_process',
        'dump_processes',
        'dump_report',
        'dump_section',
        'ets_tables',
        'list_nodes',
        'node_memory',
        'ports',
        'process',
        'top_processes'
      ].sort()
    )
    for (const t of tools) {
      expect(JSON.stringify(t.inputSchema).toLowerCase()).not.toMatch(/cookie|secret|key"/)
      expect(t.annotations?.readOnlyHint).toBe(true)
    }
  })

  it('lists the node in EPMD', async () => {
    const r = data<{ epmdNodes: { node: string }[] }>(await call(client, 'list_nodes', {}))
    expect(r.epmdNodes.map((x) => x.node)).toContain(n.name)
  })

  it('node_memory gives erlang:memory() in bytes, with the history kept while the server runs', async () => {
    const r = data<{ node: string; memoryBytes: Record<string, number>; history: unknown[] }>(
      await call(client, 'node_memory', { node: n.name })
    )
    expect(r.node).toBe(n.name)
    expect(r.memoryBytes.total).toBeGreaterThan(r.memoryBytes.processes)
    expect(r.memoryBytes.binary).toBeGreaterThan(0)
    expect(r.history.length).toBeGreaterThanOrEqual(1)
    const text = (await call(client, 'node_memory', { node: n.alive })).content
    expect(JSON.stringify(text)).toContain('total')
  })

  it('top_processes by memory finds the seeded big heap; process shows it; messages only when asked', async () => {
    const top = data<{ rows: { pid: string; registeredName: string | null; memoryBytes: number }[] }>(
      await call(client, 'top_processes', { node: n.name, by: 'memory', limit: 5 })
    )
    const big = await pidOf(n, SEEDED.bigHeap)
    expect(top.rows[0].pid).toBe(big)
    expect(top.rows[0].registeredName).toBe(SEEDED.bigHeap)
    expect(top.rows[0].memoryBytes).toBeGreaterThan(1_000_000)

    const sink = await pidOf(n, SEEDED.mailbox)
    const p = data<{ pid: string; stack: unknown[]; messages?: unknown[]; messageQueueLength: number }>(
      await call(client, 'process', { node: n.name, pid: sink })
    )
    expect(p.pid).toBe(sink)
    expect(p.stack.length).toBeGreaterThan(0)
    expect(p.messages).toBeUndefined()
    expect(p.messageQueueLength).toBeGreaterThanOrEqual(200)
    const withMessages = data<{ messages: { text: string; sizeBytes: number }[] }>(
      await call(client, 'process', { node: n.name, pid: sink, messages: 3 })
    )
    expect(withMessages.messages).toHaveLength(3)
    expect(withMessages.messages[0].text).toContain('job')
    // more than the cap is refused by the schema
    expect((await call(client, 'process', { node: n.name, pid: sink, messages: 5000 })).isError).toBe(true)
  })

  it('ets_tables and ports rank on the node and name the owner of the seeded table and socket', async () => {
    await n.eval(`
      Self = self(),
      P = spawn(fun() ->
        T = ets:new(${MCP_TABLE}, [named_table, public, set]),
        ets:insert(T, [{I, lists:seq(1, 50)} || I <- lists:seq(1, 20000)]),
        Self ! {ready, self()},
        receive never -> ok end
      end),
      receive {ready, P} -> ok end,
      register(${MCP_TABLE}_owner, P),
      ok`)
    await seedStuckSocket(n, 64 * 1024, 2 * 1024 * 1024)
    const owner = await pidOf(n, `${MCP_TABLE}_owner`)
    const sender = await pidOf(n, CULPRITS.tcpSender)

    type EtsAnswer = {
      node: string
      by: string
      tableCount: number
      tablesBytes: number
      memoryEtsBytes: number
      rows: { name: string; owner: { pid: string } | null; size: number; memoryBytes: number }[]
    }
    const etsResult = await call(client, 'ets_tables', { node: n.name, by: 'size', limit: 3 })
    const ets = data<EtsAnswer>(etsResult)
    expect(ets.node).toBe(n.name)
    expect(ets.by).toBe('size')
    expect(ets.rows).toHaveLength(3)
    expect(ets.rows[0]).toMatchObject({ name: MCP_TABLE, size: 20000, owner: { pid: owner } })
    expect(ets.tableCount).toBeGreaterThan(3)
    expect(ets.tablesBytes).toBeGreaterThanOrEqual(ets.rows[0].memoryBytes)
    expect(ets.memoryEtsBytes).toBeGreaterThan(0)
    expect(JSON.stringify(etsResult.content)).toContain(`ETS tables on ${n.name} hold`)
    expect(JSON.stringify(etsResult.content)).toContain('3 shown by size')
    const growing = data<EtsAnswer>(
      await call(client, 'ets_tables', { node: n.name, by: 'growth', windowMs: 200, limit: 1 })
    )
    expect(growing.by).toBe('growth')
    expect(growing.rows).toHaveLength(1)

    type PortAnswer = {
      node: string
      by: string
      portCount: number
      socketCount: number
      rows: { kind: string; owner: { pid: string } | null; queueBytes: number }[]
    }
    let ports = data<PortAnswer>(await call(client, 'ports', { node: n.name, by: 'queue', limit: 2 }))
    for (let i = 0; ports.rows[0]?.owner?.pid !== sender && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 200))
      ports = data<PortAnswer>(await call(client, 'ports', { node: n.name, by: 'queue', limit: 2 }))
    }
    expect(ports.node).toBe(n.name)
    expect(ports.by).toBe('queue')
    expect(ports.rows).toHaveLength(2)
    expect(ports.rows[0]).toMatchObject({ kind: 'tcp_inet', owner: { pid: sender } })
    expect(ports.rows[0].queueBytes).toBeGreaterThan(0)
    expect(ports.portCount).toBeGreaterThan(2)
    expect(ports.socketCount).toBeGreaterThanOrEqual(0)
    const byDefault = await call(client, 'ports', { node: n.name })
    expect(data<PortAnswer>(byDefault).by).toBe('memory')
    expect(JSON.stringify(byDefault.content)).toMatch(
      /\d+ ports and \d+ sockets on .*; \d+ shown by memory\./
    )
  })

  it('answers the contract codes for a wrong cookie and an unknown node', async () => {
    const wrong = errorOf(await call(client, 'node_memory', { node: other.name }))
    expect(wrong.code).toBe('cookie_rejected')
    const unknown = errorOf(
      await call(client, 'node_memory', { node: `${randomAlive('nosuch')}@${shortHost()}` })
    )
    expect(unknown.code).toBe('node_not_found')
    expect(unknown.message.length).toBeGreaterThan(10)
  })

  it('sends the cookie to no other host unless the operator named it with --allow-node', async () => {
    // a model picks the node; a relay posing as it could pass our handshake on to the real cluster
    const away = errorOf(await call(client, 'node_memory', { node: 'shop@203.0.113.7' }))
    expect(away.code).toBe('invalid_request')
    expect(away.message).toContain('--allow-node shop@203.0.113.7')
  })

  it('dump_report and dump_processes read a real crash dump', async () => {
    const rep = data<{ slogan: string; memoryBytes: Record<string, number>; counts: { processes: number } }>(
      await call(client, 'dump_report', { path: dump })
    )
    expect(rep.slogan).toContain('rich scenario')
    expect(rep.memoryBytes.total).toBeGreaterThan(0)
    expect(rep.counts.processes).toBeGreaterThan(3000)
    // the Summary's groups, holders and atoms, as data beside the findings
    const more = rep as unknown as {
      atoms: { count: number; limit: number; share: number }
      initialCalls: { call: string | null; count: number }[]
      parents: { parent: string | null; count: number }[]
      binaryHolders: { pid: string; binaryBytes: number }[]
      groupReads: { dictionaryCap: number }
      findings: string[]
    }
    expect(more.atoms.limit).toBe(1048576)
    expect(more.atoms.share).toBeCloseTo(more.atoms.count / 1048576, 10)
    expect(more.initialCalls[0].count).toBeGreaterThanOrEqual(3000)
    expect(more.parents[0].count).toBeGreaterThanOrEqual(3000)
    expect(more.binaryHolders.length).toBeGreaterThan(0)
    expect(more.groupReads.dictionaryCap).toBe(5000)
    expect(Array.isArray(more.findings)).toBe(true)
    const page = data<{ total: number; rows: { pid: string; name: string | null }[] }>(
      await call(client, 'dump_processes', { path: dump, sortBy: 'messageQueueLength', limit: 3 })
    )
    expect(page.rows).toHaveLength(3)
    expect(page.rows[0].name).toBe('mailbox_victim')
    const next = data<{ offset: number; rows: unknown[] }>(
      await call(client, 'dump_processes', { path: dump, offset: 3, limit: 3 })
    )
    expect(next.offset).toBe(3)
    const victim = data<{ pid: string; messagesTotal: number; messages: unknown[] }>(
      await call(client, 'dump_process', { path: dump, pid: page.rows[0].pid, messages: 2 })
    )
    expect(victim.messagesTotal).toBeGreaterThan(1500)
    expect(victim.messages).toHaveLength(2)
  })

  it('offers eval (capped) only when started with --allow-eval', async () => {
    const evalClient = await connect({ ERLSCOPE_COOKIE: n.cookie }, ['--allow-eval'])
    try {
      const { tools } = await evalClient.listTools()
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['eval', 'bin_leak']))
      for (const t of tools) expect(JSON.stringify(t.inputSchema).toLowerCase()).not.toContain('cookie')
      const r = data<{ result: string; truncated: boolean }>(
        await call(evalClient, 'eval', { node: n.name, expression: '6 * 7.' })
      )
      expect(r.result).toBe('42')
      const big = data<{ result: string; truncated: boolean; resultChars: number }>(
        await call(evalClient, 'eval', { node: n.name, expression: 'lists:seq(1, 20000).' })
      )
      expect(big.truncated).toBe(true)
      expect(big.result.length).toBeLessThan(big.resultChars)
    } finally {
      await evalClient.close()
    }
  })
})

describe('erlscope watch (the built command)', () => {
  it('prints JSON Lines until SIGINT, then exits 0', async () => {
    const { spawn } = await import('node:child_process')
    const child = spawn(process.execPath, [BIN, 'watch', n.name, '--interval', '300', '--json'], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, ERLSCOPE_COOKIE: n.cookie }
    })
    let out = ''
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString()
        if (out.split('\n').filter((l) => l.trim()).length >= 2) resolve()
      })
      child.once('exit', (code) => reject(new Error(`watch exited early (${code}): ${out}`)))
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    child.kill('SIGINT')
    expect(await exited).toBe(0)
    const first = JSON.parse(out.split('\n')[0]) as { node: string; memoryBytes: { binary: number } }
    expect(first.node).toBe(n.name)
    expect(first.memoryBytes.binary).toBeGreaterThan(0)
  })
})

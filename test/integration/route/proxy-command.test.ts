import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MEMORY_KEYS } from '../../../src/main/cli/node-commands'
import { epmdNames, startNode, type ErlNode } from '../../support/erl-node'
import { runCli } from '../../support/cli-runner'
import { expectRefused } from '../../support/route-cli'

let node: ErlNode
beforeAll(async () => {
  node = await startNode()
})
afterAll(async () => {
  await node?.stop()
})

describe('proxy command route (socat - TCP:%h:%p)', () => {
  it('runs one child per stream (EPMD, then the distribution port) and evaluates on the node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'erlscope-proxy-'))
    const log = join(dir, 'streams.log')
    const r = await runCli([
      'eval',
      node.name,
      'list_to_integer(os:getpid())',
      '--cookie',
      node.cookie,
      '--proxy-command',
      `echo %h:%p >> ${log}; exec socat - TCP:%h:%p`
    ])
    expect(r.err).toBe('')
    expect(r.out.trim()).toBe(String(node.process.pid))
    const streams = readFileSync(log, 'utf8').trim().split('\n')
    const distPort = Number(
      /at port (\d+)/.exec(
        epmdNames()
          .split('\n')
          .find((l) => l.includes(` ${node.alive} `)) ?? ''
      )?.[1]
    )
    expect(streams).toEqual([`${node.host}:4369`, `${node.host}:${distPort}`])
    rmSync(dir, { recursive: true, force: true })
  })

  it('reads erlang:memory() with its nine categories', async () => {
    const r = await runCli([
      'memory',
      node.name,
      '--cookie',
      node.cookie,
      '--json',
      '--proxy-command',
      'socat - TCP:%h:%p'
    ])
    expect(r.code).toBe(0)
    expect(Object.keys(JSON.parse(r.out) as object)).toEqual(expect.arrayContaining([...MEMORY_KEYS]))
  })

  it('lists EPMD names through the proxy', async () => {
    const r = await runCli(['nodes', '--host', node.host, '--json', '--proxy-command', 'socat - TCP:%h:%p'])
    expect(r.code).toBe(0)
    const rows = JSON.parse(r.out) as Array<{ name: string }>
    expect(rows.map((x) => x.name)).toContain(node.alive)
  })

  it("puts the command's stderr into the error when it fails", async () => {
    const r = await runCli([
      'memory',
      node.name,
      '--cookie',
      node.cookie,
      '--proxy-command',
      'echo tunnel-down-%h-%p >&2; exit 3'
    ])
    expectRefused(r, 'epmd_unreachable', `tunnel-down-${node.host}-4369`, 'exited with code 3')
  })

  it('refuses --ssh together with --proxy-command', async () => {
    const r = await runCli(['memory', node.name, '--ssh', 'bastion', '--proxy-command', 'socat - TCP:%h:%p'])
    expectRefused(r, 'invalid_request')
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../support/cli-runner'
import { expectRefused } from '../../support/route-cli'
import { startIpv6Node, startNodeWithoutEpmd, type RouteNode } from '../../support/route-nodes'
import { epmdNames } from '../../support/erl-node'

let bare: RouteNode & { port: number }
let v6: RouteNode

beforeAll(async () => {
  ;[bare, v6] = await Promise.all([startNodeWithoutEpmd(), startIpv6Node()])
})
afterAll(async () => {
  await Promise.all([bare?.stop(), v6?.stop()])
})

const pid = (n: RouteNode): string[] => ['eval', n.name, 'list_to_integer(os:getpid())', '--cookie', n.cookie]

describe('a node without EPMD (-start_epmd false -erl_epmd_port N)', () => {
  it('is not in EPMD, so the name alone fails with the names EPMD has', async () => {
    expect(epmdNames()).not.toContain(bare.alive)
    const r = await runCli(pid(bare))
    expectRefused(r, 'node_not_found')
  })

  it('is reached with --dist-port, EPMD skipped', async () => {
    const r = await runCli([...pid(bare), '--dist-port', String(bare.port)])
    expect(r.err).toBe('')
    expect(r.out.trim()).toBe(String(bare.process.pid))
  })

  it('--address dials another host while the handshake keeps the node name', async () => {
    const r = await runCli([...pid(bare), '--dist-port', String(bare.port), '--address', '127.0.0.1'])
    expect(r.err).toBe('')
    expect(r.out.trim()).toBe(String(bare.process.pid))
    const wrong = await runCli([
      ...pid(bare),
      '--dist-port',
      String(bare.port),
      '--address',
      'no-such-host.invalid'
    ])
    expect(wrong.code).toBe(1)
    expect(wrong.err).toContain('no-such-host.invalid')
  })

  it('a wrong --dist-port says the node is not listening there', async () => {
    const r = await runCli([...pid(bare), '--dist-port', '1', '--timeout', '5000'])
    expect(r.code).toBe(1)
    expect(r.err).toContain('no EPMD')
  })
})

describe('IPv6 (-proto_dist inet6_tcp, name@::1)', () => {
  it('connects to name@::1 over IPv6 loopback', async () => {
    const r = await runCli([...pid(v6)])
    expect(r.err).toBe('')
    expect(r.out.trim()).toBe(String(v6.process.pid))
  })

  it('the peer sees us at an IPv6 address', async () => {
    const r = await runCli([
      'eval',
      v6.name,
      '[atom_to_list(N) || N <- nodes(hidden)]',
      '--cookie',
      v6.cookie
    ])
    expect(r.err).toBe('')
    expect(r.out).toMatch(/erlscope_[0-9a-f]+@::1/)
  })
})

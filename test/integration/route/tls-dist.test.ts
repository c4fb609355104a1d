import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { shortHost } from '../../support/erl-node'
import { runCli } from '../../support/cli-runner'
import { expectRefused, tlsFlags } from '../../support/route-cli'
import { startTlsNode, type RouteNode } from '../../support/route-nodes'
import { makeTlsCerts, type TlsCerts } from '../../support/tls-certs'

let dir: string
let certs: TlsCerts
let otherCa: TlsCerts
let node: RouteNode

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-tls-test-'))
  certs = makeTlsCerts(dir, [shortHost(), 'localhost', '127.0.0.1'])
  otherCa = makeTlsCerts(dir, [shortHost()], 'other-')
  node = await startTlsNode(dir, certs)
})
afterAll(async () => {
  await node?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const base = (): string[] => ['eval', node.name, 'list_to_integer(os:getpid())', '--cookie', node.cookie]

describe('TLS distribution (-proto_dist inet_tls, verify_peer + fail_if_no_peer_cert)', () => {
  it('connects with a client certificate from the node’s CA', async () => {
    const r = await runCli([...base(), ...tlsFlags(certs.caCert, certs)])
    expect(r.err).toBe('')
    expect(r.out.trim()).toBe(String(node.process.pid))
  })

  it('without a client certificate: a clear error', async () => {
    const r = await runCli([...base(), ...tlsFlags(certs.caCert)])
    expectRefused(r, 'tls_failed', /client certificate/)
  })

  it('with a CA that did not sign the node’s certificate: a clear error', async () => {
    const r = await runCli([...base(), ...tlsFlags(otherCa.caCert, certs)])
    expectRefused(r, 'tls_failed', 'not signed by the CA you gave')
  })

  it('with a client certificate the node does not trust: a clear error', async () => {
    const r = await runCli([...base(), ...tlsFlags(certs.caCert, otherCa)])
    expectRefused(r, 'tls_failed', 'does not trust our client certificate')
  })

  it('checks the server name against the certificate', async () => {
    const r = await runCli([
      ...base(),
      ...tlsFlags(certs.caCert, certs),
      '--tls-server-name',
      'db.example.com'
    ])
    expectRefused(r, 'tls_failed', 'db.example.com')
  })

  it('plain TCP to a TLS node fails instead of hanging', async () => {
    const r = await runCli([...base(), '--timeout', '8000'])
    expectRefused(r, 'name_style_mismatch', 'TLS distribution')
  })
})

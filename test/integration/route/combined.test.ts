import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { shortHost } from '../../support/erl-node'
import { runCli } from '../../support/cli-runner'
import { sshFlags, tlsFlags } from '../../support/route-cli'
import { startTlsNode, type RouteNode } from '../../support/route-nodes'
import { makeSshKey, startSshServer, type SshServer } from '../../support/ssh-server'
import { makeTlsCerts, type TlsCerts } from '../../support/tls-certs'

let dir: string
let certs: TlsCerts
let tlsNode: RouteNode
let sshd: SshServer
let keyFile: string
let knownHosts: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-combined-'))
  certs = makeTlsCerts(dir, [shortHost(), 'localhost', '127.0.0.1'])
  const key = makeSshKey(dir, 'id_test')
  keyFile = key.privatePath
  ;[tlsNode, sshd] = await Promise.all([
    startTlsNode(dir, certs),
    startSshServer({ authorizedKeys: [key.publicLine] })
  ])
  knownHosts = join(dir, 'known_hosts')
  writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`)
})
afterAll(async () => {
  await Promise.all([tlsNode?.stop(), sshd?.stop()])
  rmSync(dir, { recursive: true, force: true })
})

describe('routes combine', () => {
  it('TLS distribution inside an SSH channel', async () => {
    const r = await runCli([
      'eval',
      tlsNode.name,
      'list_to_integer(os:getpid())',
      '--cookie',
      tlsNode.cookie,
      ...sshFlags([sshd], keyFile, knownHosts),
      ...tlsFlags(certs.caCert, certs)
    ])
    expect(r.err).toBe('')
    expect(r.out.trim()).toBe(String(tlsNode.process.pid))
  })
})

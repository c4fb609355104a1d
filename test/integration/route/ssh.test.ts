import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectNode } from '../../../src/main/erldist/client'
import { AppError } from '../../../src/main/app-error'
import type { RouteAsker } from '../../../src/main/route/asker'
import { epmdNames, startNode, type ErlNode } from '../../support/erl-node'
import { runCli } from '../../support/cli-runner'
import { expectRefused, sshFlags } from '../../support/route-cli'
import { makeSshKey, startSshServer, type SshKeyPair, type SshServer } from '../../support/ssh-server'

let dir: string
let node: ErlNode
let key: SshKeyPair
let locked: SshKeyPair
let stranger: SshKeyPair
let jump: SshServer
let inner: SshServer
let knownHosts: string

const distPort = (): number =>
  Number(
    /at port (\d+)/.exec(
      epmdNames()
        .split('\n')
        .find((l) => l.includes(` ${node.alive} `)) ?? ''
    )?.[1]
  )

/** What sshd (LogLevel DEBUG1) says about direct-tcpip channels it opened: `host:port` list. */
const forwarded = (s: SshServer): string[] =>
  [
    ...s.log().matchAll(/server_request_direct_tcpip: originator [^ ]+ port \d+, target ([^ ]+) port (\d+)/g)
  ].map((m) => `${m[1]}:${m[2]}`)

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-ssh-test-'))
  key = makeSshKey(dir, 'id_test')
  locked = makeSshKey(dir, 'id_locked', 'correct horse')
  stranger = makeSshKey(dir, 'id_stranger')
  const authorizedKeys = [key.publicLine, locked.publicLine]
  ;[jump, inner] = await Promise.all([
    startSshServer({ authorizedKeys, extraConfig: ['LogLevel DEBUG1'] }),
    startSshServer({ authorizedKeys, extraConfig: ['LogLevel DEBUG1'] })
  ])
  knownHosts = join(dir, 'known_hosts')
  writeFileSync(knownHosts, `${jump.knownHostsLine}\n${inner.knownHostsLine}\n`)
  node = await startNode()
})
afterAll(async () => {
  await Promise.all([node?.stop(), jump?.stop(), inner?.stop()])
  rmSync(dir, { recursive: true, force: true })
})

/** `erlscope memory NODE --cookie C FLAGS` against the test node. */
const memory = (...flags: string[]): ReturnType<typeof runCli> =>
  runCli(['memory', node.name, '--cookie', node.cookie, ...flags])

describe('SSH route (a real sshd on 127.0.0.1)', () => {
  it('one hop: EPMD and the distribution link are channels from the hop', async () => {
    const r = await runCli([
      'eval',
      node.name,
      'list_to_integer(os:getpid())',
      '--cookie',
      node.cookie,
      ...sshFlags([jump], key.privatePath, knownHosts)
    ])
    expect(r.err).toBe('')
    expect(r.out.trim()).toBe(String(node.process.pid))
    expect(forwarded(jump)).toEqual(
      expect.arrayContaining([`${node.host}:4369`, `${node.host}:${distPort()}`])
    )
  })

  it('two hops: the second sshd is reached through the first, the node from the second', async () => {
    const before = forwarded(inner).length
    const r = await runCli([
      'memory',
      node.name,
      '--json',
      '--cookie',
      node.cookie,
      ...sshFlags([jump, inner], key.privatePath, knownHosts)
    ])
    expect(r.err).toBe('')
    expect(Object.keys(JSON.parse(r.out) as object)).toContain('binary')
    expect(forwarded(jump)).toContain(`${inner.host}:${inner.port}`)
    expect(forwarded(inner).slice(before)).toEqual([`${node.host}:4369`, `${node.host}:${distPort()}`])
  })

  it('lists EPMD names through the hop', async () => {
    const r = await runCli([
      'nodes',
      '--host',
      node.host,
      '--json',
      ...sshFlags([jump], key.privatePath, knownHosts)
    ])
    expect(r.code).toBe(0)
    expect((JSON.parse(r.out) as Array<{ name: string }>).map((x) => x.name)).toContain(node.alive)
  })

  it('reads HostName, Port, User, IdentityFile and ProxyJump from an ssh_config', async () => {
    const config = join(dir, 'ssh_config')
    writeFileSync(
      config,
      [
        'Host bastion',
        `  HostName ${jump.host}`,
        `  Port ${jump.port}`,
        '  User root',
        `  IdentityFile ${key.privatePath}`,
        'Host app-host',
        `  HostName ${inner.host}`,
        `  Port=${inner.port}`,
        '  User root',
        `  IdentityFile ${key.privatePath}`,
        '  ProxyJump bastion'
      ].join('\n')
    )
    const before = forwarded(inner).length
    const r = await memory('--ssh', 'app-host', '--ssh-config', config, '--ssh-known-hosts', knownHosts)
    expect(r.err).toBe('')
    expect(r.out).toContain(`Memory of ${node.name}`)
    expect(forwarded(inner).slice(before)).toContain(`${node.host}:4369`)
  })

  it('refuses an unknown host key without --ssh-accept-new, showing its fingerprint', async () => {
    const empty = join(dir, 'known_hosts_empty')
    writeFileSync(empty, '')
    const r = await memory(...sshFlags([jump], key.privatePath, empty))
    expectRefused(r, 'host_key_unknown', jump.fingerprint, '--ssh-accept-new')
    expect(readFileSync(empty, 'utf8')).toBe('')
  })

  it('with --ssh-accept-new records the new key in known_hosts and connects', async () => {
    const fresh = join(dir, 'known_hosts_fresh')
    writeFileSync(fresh, '')
    const r = await memory(...sshFlags([jump], key.privatePath, fresh), '--ssh-accept-new')
    expect(r.err).toBe('')
    expect(readFileSync(fresh, 'utf8').trim()).toBe(jump.knownHostsLine)
  })

  it('always refuses a changed host key, even with --ssh-accept-new', async () => {
    const lying = join(dir, 'known_hosts_changed')
    const otherKey = inner.knownHostsLine.split(' ').slice(1).join(' ')
    writeFileSync(lying, `[${jump.host}]:${jump.port} ${otherKey}\n`)
    const r = await memory(...sshFlags([jump], key.privatePath, lying), '--ssh-accept-new')
    expectRefused(r, 'host_key_changed', 'CHANGED', jump.fingerprint, inner.fingerprint)
  })

  it('says which SSH host could not be reached', async () => {
    const r = await memory(...sshFlags(['root@127.0.0.1:1'], key.privatePath, knownHosts))
    expectRefused(r, 'route_failed', '127.0.0.1:1: ECONNREFUSED')
  })

  it('says which keys the server refused', async () => {
    const r = await memory(...sshFlags([jump], stranger.privatePath, knownHosts))
    expectRefused(r, 'ssh_auth_failed', stranger.privatePath)
  })

  it('asks for the passphrase of an encrypted key, and skips the key when none is given', async () => {
    const asked: string[] = []
    const route = {
      ssh: {
        hops: [{ user: 'root', host: jump.host, port: jump.port }],
        keyFile: locked.privatePath,
        knownHostsFile: knownHosts
      }
    }
    const connect = (passphrase: RouteAsker['passphrase']): ReturnType<typeof connectNode> =>
      connectNode({
        node: node.name,
        cookie: node.cookie,
        route,
        routeEnv: { env: {}, home: dir },
        asker: { hostKey: async () => false, passphrase }
      })
    const client = await connect(async (q) => {
      asked.push(q.keyFile)
      return q.retry ? null : 'correct horse'
    })
    expect(client.peerName).toBe(node.name)
    client.close()
    expect(asked).toEqual([locked.privatePath])
    const refused = await connect(async () => null).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(AppError)
    expect((refused as AppError).code).toBe('ssh_auth_failed')
  })
})

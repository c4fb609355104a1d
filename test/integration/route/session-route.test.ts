import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NodeStatusEvent } from '../../../src/shared/contract/node'
import type { RouteAskEvent, RouteSpec } from '../../../src/shared/contract/route'
import { createNodeHandlers } from '../../../src/main/node/handlers'
import { startNode, type ErlNode } from '../../support/erl-node'
import { makeSshKey, startSshServer, type SshServer } from '../../support/ssh-server'
import { testSecretStore } from '../../support/test-secrets'

async function until(check: () => boolean, what: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** SSH sessions sshd accepted so far. */
const logins = (s: SshServer): number => s.log().split('Accepted publickey').length - 1

describe('a live session over an SSH route', () => {
  const home = mkdtempSync(join(tmpdir(), 'erlscope-session-route-'))
  const userData = join(home, 'userData')
  let sshd: SshServer
  let node: ErlNode
  let again: ErlNode | undefined
  let route: RouteSpec

  beforeAll(async () => {
    mkdirSync(join(home, '.ssh'), { recursive: true })
    mkdirSync(userData, { recursive: true })
    const key = makeSshKey(home, 'id_test')
    sshd = await startSshServer({ authorizedKeys: [key.publicLine] })
    writeFileSync(join(home, '.ssh', 'known_hosts'), `${sshd.knownHostsLine}\n`)
    node = await startNode()
    route = { ssh: { hops: [{ user: 'root', host: sshd.host, port: sshd.port }], keyFile: key.privatePath } }
  })
  afterAll(async () => {
    await Promise.all([node?.stop(), again?.stop(), sshd?.stop()])
    rmSync(home, { recursive: true, force: true })
  })

  it('saves the route (paths only, no acceptNew from the window) and rebuilds it on reconnect', async () => {
    const statuses: NodeStatusEvent[] = []
    let samples = 0
    const api = createNodeHandlers({
      emit: (event, payload) => {
        if (event === 'node:status') statuses.push(payload as NodeStatusEvent)
        if (event === 'node:sample') samples++
      },
      userDataDir: userData,
      secrets: testSecretStore(userData),
      backoffMs: { first: 200, max: 1000 },
      routeEnv: { home, env: {} },
      askUser: async () => false
    })
    try {
      const saved = await api.handlers['connections:save']({
        name: 'behind the hop',
        node: node.name,
        cookie: node.cookie,
        route: { ...route, ssh: { ...route.ssh!, acceptNew: true } }
      })
      expect(saved.route).toEqual(route)

      const before = logins(sshd)
      const info = await api.handlers['node:connect']({ node: node.name, savedId: saved.id, intervalMs: 300 })
      expect(info.route).toBe(`SSH root@${sshd.host}:${sshd.port}`)
      expect(logins(sshd)).toBe(before + 1)
      await until(() => samples >= 2, 'two samples')

      node.kill()
      await until(() => statuses.some((s) => s.state === 'reconnecting'), 'reconnecting')
      again = await startNode({ alive: node.alive, cookie: node.cookie })
      const seen = statuses.length
      await until(() => statuses.slice(seen).some((s) => s.state === 'connected'), 'connected again')
      const n = samples
      await until(() => samples > n, 'a sample after the reconnect')
      // the reconnect built the route again: a new SSH session
      expect(logins(sshd)).toBeGreaterThan(before + 1)
      expect((await api.handlers['node:sessions']())[0].route).toBe(info.route)
    } finally {
      await api.dispose()
    }
  })
})

describe('a remembered SSH key passphrase', () => {
  const home = mkdtempSync(join(tmpdir(), 'erlscope-passphrase-'))
  const userData = join(home, 'userData')
  let sshd: SshServer
  let node: ErlNode

  beforeAll(async () => {
    mkdirSync(join(home, '.ssh'), { recursive: true })
    mkdirSync(userData, { recursive: true })
    const key = makeSshKey(home, 'id_locked', 'a long passphrase')
    sshd = await startSshServer({ authorizedKeys: [key.publicLine] })
    writeFileSync(join(home, '.ssh', 'known_hosts'), `${sshd.knownHostsLine}\n`)
    node = await startNode()
  })
  afterAll(async () => {
    await Promise.all([node?.stop(), sshd?.stop()])
    rmSync(home, { recursive: true, force: true })
  })

  it('is stored encrypted with the saved connection and used without asking again', async () => {
    const route: RouteSpec = {
      ssh: { hops: [{ user: 'root', host: sshd.host, port: sshd.port }], keyFile: join(home, 'id_locked') }
    }
    const asks: RouteAskEvent[] = []
    const open = (): ReturnType<typeof createNodeHandlers> => {
      const api: ReturnType<typeof createNodeHandlers> = createNodeHandlers({
        emit: (event, payload) => {
          if (event !== 'route:ask') return
          const ask = payload as RouteAskEvent
          asks.push(ask)
          void api.handlers['route:answer'](ask.askId, { passphrase: 'a long passphrase', remember: true })
        },
        userDataDir: userData,
        secrets: testSecretStore(userData),
        routeEnv: { home, env: {} }
      })
      return api
    }
    const first = open()
    const saved = await first.handlers['connections:save']({
      name: 'locked',
      node: node.name,
      cookie: node.cookie,
      route
    })
    const s1 = await first.handlers['node:connect']({ node: node.name, savedId: saved.id })
    expect(s1.state).toBe('connected')
    expect(asks).toHaveLength(1)
    expect(asks[0]).toMatchObject({ keyFile: join(home, 'id_locked'), canRemember: true })
    await first.dispose()
    expect(readFileSync(join(userData, 'connections.json'), 'utf8')).not.toContain('a long passphrase')

    const second = open()
    const s2 = await second.handlers['node:connect']({ node: node.name, savedId: saved.id })
    expect(s2.state).toBe('connected')
    expect(asks).toHaveLength(1)
    await second.dispose()
  })
})

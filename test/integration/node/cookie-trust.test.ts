import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/main/app-error'
import type { AskUser, Question } from '../../../src/main/ask-user'
import { createNodeHandlers, type NodeHandlers } from '../../../src/main/node/handlers'
import type { ConnectOptions, Connector } from '../../../src/main/node/live-client'
import { unavailableSecretStore } from '../../../src/main/store/secrets'
import { startNode, type ErlNode } from '../../support/erl-node'
import { testSecretStore } from '../../support/test-secrets'
import { liveConnector } from './live-connector'

/**
 * The real distribution client, recording which cookie main hands it for which node. It dials
 * only the test's own node: any other node (a stand-in for a relay) is refused before dialling.
 */
function recordingConnector(allowed: () => string): { connector: Connector; sent: ConnectOptions[] } {
  const real = liveConnector()
  if (!real) throw new Error('these tests need the real distribution client')
  const sent: ConnectOptions[] = []
  const connector: Connector = async (options) => {
    sent.push(options)
    if (options.node !== allowed())
      throw new AppError('node_not_found', `test: ${options.node} is not dialled`)
    return real(options)
  }
  return { connector, sent }
}

function answering(answer: boolean): { ask: AskUser; asked: Question[] } {
  const asked: Question[] = []
  return { asked, ask: async (q) => (asked.push(q), answer) }
}

let node: ErlNode
const dirs: string[] = []
const tables: NodeHandlers[] = []
beforeAll(async () => {
  node = await startNode()
})
afterAll(async () => {
  await Promise.all(tables.map((t) => t.dispose()))
  await node?.stop()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function table(extra: Partial<Parameters<typeof createNodeHandlers>[0]> = {}): {
  h: NodeHandlers['handlers']
  sent: ConnectOptions[]
} {
  const dir = mkdtempSync(join(tmpdir(), 'erlscope-cookie-'))
  dirs.push(dir)
  const { connector, sent } = recordingConnector(() => node.name)
  const t = createNodeHandlers({
    emit: () => undefined,
    userDataDir: dir,
    secrets: testSecretStore(dir),
    connector,
    ...extra
  })
  tables.push(t)
  return { h: t.handlers, sent }
}

describe('a cookie goes only to the node it belongs to', () => {
  it('a saved connection never sends its cookie to another node, whatever node the renderer names', async () => {
    const { h, sent } = table()
    const saved = await h['connections:save']({ name: 'prod', node: node.name, cookie: node.cookie })
    await expect(h['node:connect']({ node: 'relay@127.0.0.1', savedId: saved.id })).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining(`is for ${node.name}`)
    })
    expect(sent).toEqual([])
    const info = await h['node:connect']({ node: node.name, savedId: saved.id })
    expect(info.node).toBe(node.name)
    expect(sent.map((s) => [s.node, s.cookie])).toEqual([[node.name, node.cookie]])
    await h['node:disconnect'](info.sessionId)
  })

  it('renaming a saved node drops its cookie unless a new one is given', async () => {
    const { h, sent } = table({ readDefaultCookie: () => undefined })
    const saved = await h['connections:save']({ name: 'prod', node: node.name, cookie: node.cookie })
    const moved = await h['connections:save']({ id: saved.id, name: 'prod', node: 'relay@127.0.0.1' })
    expect(moved.hasCookie).toBe(false)
    // back to the right name: the old cookie is gone for good
    const back = await h['connections:save']({ id: saved.id, name: 'prod', node: node.name })
    expect(back.hasCookie).toBe(false)
    await expect(h['node:connect']({ node: node.name, savedId: saved.id })).rejects.toMatchObject({
      code: 'invalid_request'
    })
    expect(sent).toEqual([])
  })

  it('~/.erlang.cookie goes to nodes on this machine without a question', async () => {
    const { ask, asked } = answering(false)
    const { h, sent } = table({ askUser: ask, readDefaultCookie: () => node.cookie })
    const info = await h['node:connect']({ node: node.name })
    expect(info.node).toBe(node.name)
    expect(asked).toEqual([])
    expect(sent.map((s) => s.cookie)).toEqual([node.cookie])
    await h['node:disconnect'](info.sessionId)
  })

  it('for another host main asks once per node; no means the cookie is not sent', async () => {
    const { ask, asked } = answering(false)
    const { h, sent } = table({ askUser: ask, readDefaultCookie: () => 'the-default-cookie' })
    for (let i = 0; i < 2; i++)
      await expect(h['node:connect']({ node: 'app@db1.example.net' })).rejects.toMatchObject({
        code: 'invalid_request',
        message: expect.stringContaining('was not sent to app@db1.example.net')
      })
    expect(asked).toHaveLength(1)
    expect(asked[0].message).toContain('app@db1.example.net')
    expect(sent).toEqual([])
    // a typed cookie is the user's own choice: no question
    await expect(h['node:connect']({ node: 'app@db1.example.net', cookie: 'typed' })).rejects.toMatchObject({
      code: 'node_not_found'
    })
    expect(sent.map((s) => s.cookie)).toEqual(['typed'])
    expect(asked).toHaveLength(1)
  })

  it('for another host, yes sends the default cookie (and is remembered for that node)', async () => {
    const { ask, asked } = answering(true)
    const { h, sent } = table({ askUser: ask, readDefaultCookie: () => 'the-default-cookie' })
    for (let i = 0; i < 2; i++)
      await expect(h['node:connect']({ node: 'app@10.0.0.9' })).rejects.toMatchObject({
        code: 'node_not_found'
      })
    expect(asked).toHaveLength(1)
    expect(sent.map((s) => s.cookie)).toEqual(['the-default-cookie', 'the-default-cookie'])
  })

  it('without a keychain, storing a cookie unencrypted is decided by asking the user, not by the request', async () => {
    const no = answering(false)
    const { h } = table({ secrets: unavailableSecretStore, askUser: no.ask })
    const sneaky = { name: 'p', node: node.name, cookie: 'c', storePlaintext: true }
    await expect(h['connections:save'](sneaky)).rejects.toMatchObject({ code: 'encryption_unavailable' })
    expect(no.asked).toHaveLength(1)
    expect(await h['connections:list']()).toEqual([])
    // without a cookie there is nothing to ask about
    expect((await h['connections:save']({ name: 'p', node: node.name })).hasCookie).toBe(false)
    expect(no.asked).toHaveLength(1)

    const yes = answering(true)
    const t2 = table({ secrets: unavailableSecretStore, askUser: yes.ask })
    const saved = await t2.h['connections:save']({ name: 'p', node: node.name, cookie: node.cookie })
    expect(saved).toMatchObject({ hasCookie: true, cookiePlaintext: true })
    expect(yes.asked[0].yes).toBe('Store unencrypted')
  })
})

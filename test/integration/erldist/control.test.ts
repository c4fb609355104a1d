import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNode, type ErlNode } from '../../support/erl-node'
import { atom, connectNode, type NodeClient, type PidTerm } from '../../../src/main/erldist/client'
import type { IncomingExit, IncomingMessage } from '../../../src/main/erldist/connection'

let node: ErlNode
let c: NodeClient
beforeAll(async () => {
  node = await startNode()
  c = await connectNode({ node: node.name, cookie: node.cookie })
})
afterAll(async () => {
  c?.close()
  await node?.stop()
})

describe('control messages a hidden node receives', () => {
  it('a plain send to our pid arrives as a message', async () => {
    const got = new Promise<IncomingMessage>((r) => {
      const on = (m: IncomingMessage): void => {
        if (m.message.kind === 'tuple' && m.message.elements[0].kind === 'atom') {
          c.connection.off('message', on)
          r(m)
        }
      }
      c.connection.on('message', on)
    })
    await c.eval('Self ! {hello, self()}, ok', { Self: c.connection.self })
    const m = await got
    expect(c.format(m.message)).toMatch(/^\{hello,<0\.\d+\.0>\}$/)
    expect(m.to).toEqual(c.connection.self)
  })

  it('link then unlink: UNLINK_ID is acknowledged and the link stays up', async () => {
    const r = await c.eval('true = link(Self), true = unlink(Self), ok', { Self: c.connection.self })
    expect(r).toEqual(atom('ok'))
    expect(await c.rpc('erlang', 'node', [])).toEqual(atom(node.name))
  })

  it('a linked process that dies sends us an exit signal with its reason', async () => {
    const got = new Promise<IncomingExit>((r) => c.connection.once('exit', r))
    await c.eval('spawn(fun() -> link(Self), exit(boom) end), ok', { Self: c.connection.self })
    const e = await got
    expect(e.reason).toEqual(atom('boom'))
    expect(e.from.kind).toBe('pid')
  })

  it('monitoring a pid of ours that does not exist gives noproc', async () => {
    const ghost: PidTerm = { ...c.connection.self, id: 4242 }
    const r = await c.eval(
      "R = erlang:monitor(process, P), receive {'DOWN', R, process, _, Why} -> Why after 5000 -> no_down end",
      { P: ghost }
    )
    expect(r).toEqual(atom('noproc'))
  })

  it('monitoring our own pid is accepted silently, and demonitor works', async () => {
    const r = await c.eval('R = erlang:monitor(process, P), true = erlang:demonitor(R), ok', {
      P: c.connection.self
    })
    expect(r).toEqual(atom('ok'))
    expect(c.connected).toBe(true)
  })
})

import { afterAll, beforeAll, expect, it } from 'vitest'
import { startNode, type ErlNode } from '../../support/erl-node'
import { connectNode } from '../../../src/main/dist/client'

let node: ErlNode
beforeAll(async () => {
  node = await startNode()
})
afterAll(async () => {
  await node?.stop()
})

it('smoke', async () => {
  const c = await connectNode({ node: node.name, cookie: node.cookie })
  console.log(c.otpRelease, c.peerName, c.localName)
  console.log(c.format(await c.rpc('erlang', 'memory', [])))
  console.log(c.format(await c.eval('{self(), X + 1, <<"a">>, #{a => 1}}', { X: { kind: 'integer', value: 41 } })))
  console.log(await node.eval('nodes(hidden)'))
  c.close()
})

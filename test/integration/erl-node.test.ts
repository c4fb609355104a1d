import { afterAll, describe, expect, it } from 'vitest'
import { epmdNames, startNode, type ErlNode } from '../support/erl-node'

describe('test support: real erl nodes', () => {
  const nodes: ErlNode[] = []
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()))
  })

  it('starts a node that registers in EPMD, answers, and is gone after stop', async () => {
    const node = await startNode()
    nodes.push(node)
    expect(epmdNames()).toContain(`name ${node.alive} at port`)
    expect(await node.eval('node()')).toBe(node.name)
    await node.stop()
    await new Promise((r) => setTimeout(r, 300))
    expect(epmdNames()).not.toContain(`name ${node.alive} at port`)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectNode, type NodeClient } from '../../../src/main/erldist/client'
import {
  atom,
  binary,
  charlist,
  encode,
  int,
  isAtom,
  list,
  tuple,
  type Term
} from '../../../src/main/erldist/etf'
import { inFun } from '../../../src/main/erldist/remote-eval'
import { MESSAGES } from '../../../src/main/node/exprs'
import { pidOf, SEEDED, seedMailbox } from '../../support/seeded-node'
import { startNode, type ErlNode } from '../../support/erl-node'

/**
 * What actually crosses the wire: `erl_eval:exprs/2` answers `{value, V, Bindings}` and rex sends
 * all of it, so this reads the whole reply (not only V) for the message collector.
 */
describe('replies stay bounded on the wire', () => {
  let node: ErlNode
  let client: NodeClient
  beforeAll(async () => {
    node = await startNode()
    await seedMailbox(node, 20_000, 0)
    client = await connectNode({ node: node.name, cookie: node.cookie })
  })
  afterAll(async () => {
    client?.close()
    await node?.stop()
  })

  async function wholeReply(source: string, bindings: Record<string, Term>, wrap: boolean): Promise<Term> {
    const scanned = await client.rpc('erl_scan', 'string', [charlist(source.trim().replace(/\.?$/, '.'))])
    const parsed = await client.rpc('erl_parse', 'parse_exprs', [
      (scanned as { elements: Term[] }).elements[1]
    ])
    const forms = (parsed as { elements: Term[] }).elements[1]
    const bs = list(Object.entries(bindings).map(([k, v]) => tuple(atom(k), v)))
    return client.rpc('erl_eval', 'exprs', [wrap ? inFun(forms) : forms, bs])
  }

  it('a confirmed mailbox read of 20,000 messages sends only the first K', async () => {
    const pid = await pidOf(node, SEEDED.mailbox)
    const bindings = {
      PidText: binary(pid),
      Limit: int(10),
      MaxLen: int(100_000),
      Depth: int(12),
      MaxChars: int(8000)
    }
    const reply = await wholeReply(MESSAGES, bindings, true) // what RemoteEval sends
    expect(reply.kind === 'tuple' && isAtom(reply.elements[0], 'value')).toBe(true)
    const bytes = encode(reply).length
    // 10 printed messages plus the echoed inputs; the queue itself is ~1.2 MB in external format
    expect(bytes).toBeLessThan(8_000)
    // without the scoping fun the same expression returns its bindings, mailbox copy included
    const unscoped = encode(await wholeReply(MESSAGES, bindings, false)).length
    expect(unscoped).toBeGreaterThan(100 * bytes)
  })
})

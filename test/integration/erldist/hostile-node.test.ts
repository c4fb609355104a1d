import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectNode, type NodeClient } from '../../../src/main/erldist/client'
import { startHostilePeer, type HostilePeer } from '../../support/hostile-peer'

const MiB = 1024 * 1024
/** What one call may add to this process's resident memory while a hostile node answers it. */
const BOUND = 96 * MiB

let peer: HostilePeer
beforeAll(async () => {
  peer = await startHostilePeer()
})
afterAll(() => peer?.stop())

const connect = (): Promise<NodeClient> =>
  connectNode({ node: peer.node, cookie: peer.cookie, epmdPort: peer.epmdPort, timeoutMs: 20_000 })

/**
 * Runs `work` while sampling this process's memory (resident set, and JS heap + buffers, which
 * count even pages the kernel has not touched yet); returns the outcome and the largest growth.
 */
async function measured<T>(
  work: () => Promise<T>
): Promise<{ outcome: PromiseSettledResult<T>; grew: number }> {
  const usage = (): { rss: number; js: number } => {
    const m = process.memoryUsage()
    return { rss: m.rss, js: m.heapUsed + m.external }
  }
  const before = usage()
  let grew = 0
  const sample = (): void => {
    const now = usage()
    grew = Math.max(grew, now.rss - before.rss, now.js - before.js)
  }
  const timer = setInterval(sample, 5)
  try {
    const [outcome] = await Promise.allSettled([work()])
    sample()
    return { outcome, grew }
  } finally {
    clearInterval(timer)
  }
}

function rejection(outcome: PromiseSettledResult<unknown>): { code?: string; message?: string } {
  expect(outcome.status).toBe('rejected')
  return (outcome as PromiseRejectedResult).reason as { code?: string; message?: string }
}

describe('a hostile node cannot make erlscope hold its replies', () => {
  it.each([
    // the bomb first: memory freed by an earlier case would hide what inflating it costs
    ['bomb', 'a compressed term (tag 80) that inflates to 250 MiB'],
    ['many_terms', 'a 3 MB list of 3 million terms'],
    ['big_binary', 'a 200 MiB binary reply'],
    ['huge_prefix', 'a 1 GiB length prefix followed by 900 MiB']
  ])('%s (%s): the call fails with reply_too_large and memory stays bounded', async (fun) => {
    const client = await connect()
    try {
      // a long call timeout: a rejection that waited for it would fail the test by its own timeout
      const { outcome, grew } = await measured(() => client.rpc('hostile', fun, [], 600_000))
      const error = rejection(outcome)
      expect(error.code).toBe('reply_too_large')
      expect(error.message).toMatch(/limit|at most|more than/)
      expect(grew).toBeLessThan(BOUND)
    } finally {
      client.close()
    }
  })

  it('a compressed term that inflates past its declared size is refused without inflating it', async () => {
    const client = await connect()
    try {
      const { outcome, grew } = await measured(() => client.rpc('hostile', 'lying_bomb', [], 600_000))
      expect(rejection(outcome).code).toBe('decode_error')
      expect(grew).toBeLessThan(BOUND)
    } finally {
      client.close()
    }
  })

  it('an undecodable reply fails its own call at once; the link and other calls carry on', async () => {
    const client = await connect()
    try {
      const [bad, good] = await Promise.allSettled([
        client.rpc('hostile', 'garbage', [], 600_000),
        client.rpc('hostile', 'ok', [], 600_000)
      ])
      expect(rejection(bad)).toMatchObject({
        code: 'decode_error',
        message: expect.stringContaining('garbage')
      })
      expect(good).toMatchObject({ status: 'fulfilled', value: { kind: 'atom', name: 'ok' } })
      expect(client.connected).toBe(true)
    } finally {
      client.close()
    }
  })
})

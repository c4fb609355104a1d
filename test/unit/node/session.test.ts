import { describe, expect, it } from 'vitest'
import type { Events } from '../../../src/shared/api'
import type { NodeStatusEvent } from '../../../src/shared/contract/node'
import { MEMORY_SAMPLE } from '../../../src/main/node/exprs'
import { Session } from '../../../src/main/node/session'
import type { Connector, LiveClient } from '../../../src/main/node/live-client'
import { parseErlang } from './term-text'

const systemWith = (uptimeMs: number): ReturnType<typeof parseErlang> =>
  parseErlang(`[{node,a@h},{otp_release,<<"25">>},{version,<<"13.1.5">>},{system_version,<<"x">>},{uptime,${uptimeMs}},
  {process_count,1},{process_limit,10},{port_count,1},{port_limit,10},{atom_count,1},{atom_limit,10}]`)
const MEMORY = parseErlang('[{total,100},{processes,40},{system,60},{binary,7}]')
/** The background sample: erlang:memory(), atom_count, process_count in one evaluation. */
const SAMPLE = parseErlang('{[{total,100},{processes,40},{system,60},{binary,7}],1234,42}')

/** A fake node: answers the overview and erlang:memory(); `drop()` loses the link; `down` refuses connects. */
function fakeNode() {
  const state = {
    down: false,
    connects: 0,
    cookies: [] as string[],
    /** The handshake's creation (undefined: a client that does not know it). */
    creation: 7 as number | undefined,
    /** The node's uptime as the overview reports it. */
    uptimeMs: 1,
    lose: undefined as undefined | ((why: string) => void)
  }
  const connect: Connector = async ({ cookie }) => {
    state.connects++
    state.cookies.push(cookie)
    if (state.down) throw Object.assign(new Error('node_not_found'), { code: 'node_not_found' })
    const client: LiveClient = {
      peer: 'a@h',
      creation: state.creation,
      evaluate: async (source) => (source === MEMORY_SAMPLE ? SAMPLE : systemWith(state.uptimeMs)),
      call: async () => MEMORY,
      onLost: (l) => (state.lose = l),
      close: async () => undefined
    }
    return client
  }
  return { state, connect, drop: (why: string) => state.lose?.(why) }
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
  if (!check()) throw new Error('condition never held')
}

describe('session', () => {
  it('samples, reconnects with backoff after a loss keeping history, and closes', async () => {
    const node = fakeNode()
    const statuses: NodeStatusEvent[] = []
    let samples = 0
    const emitted: unknown[] = []
    const session = await Session.open({
      node: 'a@h',
      cookie: 'SECRET',
      intervalMs: 200,
      connect: node.connect,
      backoffMs: { first: 10, max: 40 },
      historyCapacity: 100,
      emit: <E extends keyof Events>(event: E, payload: Events[E]) => {
        emitted.push(payload)
        if (event === 'node:status') statuses.push(payload as NodeStatusEvent)
        if (event === 'node:sample') samples++
      }
    })
    expect(session.info()).toMatchObject({
      state: 'connected',
      otpRelease: '25',
      ertsVersion: '13.1.5',
      intervalMs: 200
    })
    await until(() => samples >= 1)
    expect(session.history.latest()).toMatchObject({
      values: { total: 100 },
      atomCount: 1234,
      processCount: 42
    })

    node.state.down = true
    node.drop('socket closed')
    expect(session.info().state).toBe('reconnecting')
    expect(() => session.live()).toThrow(expect.objectContaining({ code: 'not_connected' }))
    await until(() => node.state.connects >= 4)
    const retries = statuses.filter((s) => s.state === 'reconnecting').map((s) => s.retryInMs)
    expect(retries.slice(0, 4)).toEqual([10, 20, 40, 40])
    expect(statuses.at(-1)?.error).toMatch(/Reconnect failed/)

    const kept = session.history.size
    node.state.down = false
    await until(() => session.info().state === 'connected')
    await until(() => session.history.size > kept)
    expect(statuses.at(-1)?.state).toBe('connected')
    expect(node.state.cookies.every((c) => c === 'SECRET')).toBe(true)

    await session.close()
    expect(session.info().state).toBe('closed')
    expect(statuses.at(-1)?.state).toBe('closed')
    const after = samples
    await new Promise((r) => setTimeout(r, 300))
    expect(samples).toBe(after)
    expect(JSON.stringify(emitted)).not.toContain('SECRET')
  })

  async function openOn(
    node: ReturnType<typeof fakeNode>,
    statuses: NodeStatusEvent[] = []
  ): Promise<Session> {
    return Session.open({
      node: 'a@h',
      cookie: 'c',
      intervalMs: 50,
      connect: node.connect,
      backoffMs: { first: 10, max: 20 },
      historyCapacity: 1000,
      emit: <E extends keyof Events>(event: E, payload: Events[E]) => {
        if (event === 'node:status') statuses.push(payload as NodeStatusEvent)
      }
    })
  }

  async function dropAndReturn(session: Session, node: ReturnType<typeof fakeNode>): Promise<void> {
    node.drop('socket closed')
    expect(session.info().state).toBe('reconnecting')
    await until(() => session.info().state === 'connected')
    const n = session.history.size
    await until(() => session.history.size > n)
  }

  it('a reconnect to the same VM keeps the incarnation', async () => {
    const node = fakeNode()
    node.state.uptimeMs = 3_600_000
    const session = await openOn(node)
    await until(() => session.history.size >= 2)
    node.state.uptimeMs = 3_700_000
    await dropAndReturn(session, node)
    expect(session.info().incarnation).toBe(1)
    expect(new Set(session.history.since().map((s) => s.incarnation))).toEqual(new Set([1]))
    await session.close()
  })

  it('a new creation in the handshake is a new incarnation: samples after it carry it', async () => {
    const node = fakeNode()
    node.state.uptimeMs = 3_600_000
    const statuses: NodeStatusEvent[] = []
    const session = await openOn(node, statuses)
    await until(() => session.history.size >= 2)
    const before = session.history.size
    node.state.creation = 8
    node.state.uptimeMs = 3_700_000
    await dropAndReturn(session, node)
    expect(session.info().incarnation).toBe(2)
    expect(statuses.at(-1)).toMatchObject({ state: 'connected', incarnation: 2 })
    const list = session.history.since()
    expect(list.slice(0, before).every((s) => s.incarnation === 1)).toBe(true)
    expect(list.slice(before).every((s) => s.incarnation === 2)).toBe(true)
    await session.close()
  })

  it('uptime going backwards is a new incarnation even without a creation', async () => {
    const node = fakeNode()
    node.state.creation = undefined
    node.state.uptimeMs = 3_600_000
    const session = await openOn(node)
    await until(() => session.history.size >= 2)
    node.state.uptimeMs = 2000
    await dropAndReturn(session, node)
    expect(session.info().incarnation).toBe(2)
    await session.close()
  })

  it('forgets the round trip and says since when while the node is away', async () => {
    const node = fakeNode()
    const statuses: NodeStatusEvent[] = []
    const session = await openOn(node, statuses)
    await until(() => session.info().rttMs !== undefined)
    node.state.down = true
    node.drop('socket closed')
    const info = session.info()
    expect(info.rttMs).toBeUndefined()
    expect(info.lostAt).toBeGreaterThan(0)
    const reconnecting = statuses.filter((s) => s.state === 'reconnecting')
    expect(reconnecting.length).toBeGreaterThan(0)
    expect(reconnecting.every((s) => s.rttMs === undefined && typeof s.lostAt === 'number')).toBe(true)
    node.state.down = false
    await until(() => session.info().state === 'connected')
    expect(session.info().lostAt).toBeUndefined()
    await session.close()
  })
})

describe('session spawn rate', () => {
  it('comes from the sampling pids of one connection: none for the first sample, none across a reconnect', async () => {
    let number = 1000
    let lose: ((why: string) => void) | undefined
    const connect: Connector = async () => ({
      peer: 'a@h',
      creation: 7,
      evaluate: async (source) => {
        if (source !== MEMORY_SAMPLE) return systemWith(1_000_000)
        number += 100
        return parseErlang(`{[{total,100},{processes,40},{system,60},{binary,7}],1,42,{${number},0}}`)
      },
      call: async () => MEMORY,
      onLost: (l) => (lose = l),
      close: async () => undefined
    })
    const session = await Session.open({
      node: 'a@h',
      cookie: 'c',
      intervalMs: 50,
      connect,
      backoffMs: { first: 10, max: 20 },
      historyCapacity: 1000,
      emit: () => undefined
    })
    await until(() => session.history.size >= 4)
    const first = session.history.since()
    expect(first[0].spawnsPerSec).toBeUndefined()
    for (let i = 1; i < first.length; i++) {
      const ms = first[i].t - first[i - 1].t
      expect(first[i].spawnsPerSec).toBeCloseTo((100 * 1000) / ms, 6)
    }
    const before = session.history.size
    lose?.('socket closed')
    await until(() => session.history.size > before)
    // the first sample on the new connection has nothing to count from
    expect(session.history.since()[before].spawnsPerSec).toBeUndefined()
    await session.close()
  })
})

import { createServer, type AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { shortHost, startNode, type ErlNode } from '../../support/erl-node'
import { AppError } from '../../../src/main/app-error'
import {
  atom,
  BadRpcError,
  connectNode,
  int,
  list,
  asNumber,
  type NodeClient,
  type Term
} from '../../../src/main/erldist/client'

const started: ErlNode[] = []
const clients: NodeClient[] = []
async function node(options: Parameters<typeof startNode>[0] = {}): Promise<ErlNode> {
  const n = await startNode(options)
  started.push(n)
  return n
}
async function connect(n: ErlNode, extra: { silenceLimitMs?: number } = {}): Promise<NodeClient> {
  const c = await connectNode({ node: n.name, cookie: n.cookie, ...extra })
  clients.push(c)
  return c
}
afterEach(() => {
  for (const c of clients.splice(0)) c.close()
})
afterAll(async () => {
  await Promise.all(started.map((n) => n.stop()))
})

describe('a local OTP node (25 to 29)', () => {
  let n: ErlNode
  beforeAll(async () => {
    n = await node()
  })

  it('connects as a hidden node: listed in nodes(hidden), not in nodes()', async () => {
    const c = await connect(n)
    // the release the node reports for itself (the docs support 25 to 29), not a pinned one
    const own = (await n.eval('list_to_binary(erlang:system_info(otp_release))')).replace(/^<<"|">>$/g, '')
    expect(own).toMatch(/^2[5-9]$/)
    expect(c.otpRelease).toBe(own)
    expect(c.peerName).toBe(n.name)
    expect(c.localName).toMatch(new RegExp(`^erlscope_[0-9a-f]+@${shortHost()}$`))
    expect(await n.eval('nodes(hidden)')).toContain(c.localName)
    expect(await n.eval('nodes()')).not.toContain(c.localName)
  })

  it('wrong cookie → cookie_rejected, with a sentence about the cookie', async () => {
    await expect(connectNode({ node: n.name, cookie: 'not-the-cookie' })).rejects.toMatchObject({
      code: 'cookie_rejected',
      message: expect.stringMatching(/cookie.*\.erlang\.cookie/)
    })
  })

  it('unknown node → node_not_found listing the names EPMD has', async () => {
    const err = await connectNode({ node: `nobody_here@${shortHost()}`, cookie: n.cookie }).catch(
      (e: unknown) => e
    )
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('node_not_found')
    expect((err as AppError).message).toContain(n.name)
  })

  it('no EPMD → epmd_unreachable naming host:port', async () => {
    const s = createServer()
    const port = await new Promise<number>((r) =>
      s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port))
    )
    await new Promise((r) => s.close(r))
    await expect(connectNode({ node: `x@127.0.0.1`, cookie: 'c', epmdPort: port })).rejects.toMatchObject({
      code: 'epmd_unreachable',
      message: expect.stringContaining(`127.0.0.1:${port}`)
    })
  })

  it('{badrpc, _} is a typed error carrying the reason', async () => {
    const c = await connect(n)
    const err = await c.rpc('erlang', 'error', [atom('boom')]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BadRpcError)
    expect((err as BadRpcError).code).toBe('badrpc')
    expect((err as BadRpcError).message).toContain("{'EXIT',{boom,")
    const undef = await c.rpc('no_such_module', 'f', []).catch((e: unknown) => e)
    expect((undef as AppError).message).toContain('undef')
  })

  it('a call that outlives its timeout rejects with timeout; the link keeps working', async () => {
    const c = await connect(n)
    await expect(c.rpc('timer', 'sleep', [int(2000)], 100)).rejects.toMatchObject({ code: 'timeout' })
    expect(await c.rpc('erlang', 'abs', [int(-5)])).toEqual(int(5))
    expect(c.connected).toBe(true)
  })

  it('200 concurrent rpcs and evals all get their own answers', async () => {
    const c = await connect(n)
    const calls = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0 ? c.rpc('erlang', 'abs', [int(-i)]) : c.eval('X * 3 + 1', { X: int(i) })
    )
    const answers = await Promise.all(calls)
    answers.forEach((a, i) => expect(asNumber(a)).toBe(i % 2 === 0 ? i : i * 3 + 1))
    expect(c.inFlight).toBe(0)
  })

  it('remote eval with bindings; parse errors and runtime errors are typed', async () => {
    const c = await connect(n)
    const r = await c.eval('lists:sum([X || X <- L, X > Min])', {
      L: list([int(1), int(5), int(10)]),
      Min: int(2)
    })
    expect(r).toEqual(int(15))
    expect(c.format(await c.eval('{self(), <<"a">>, #{a => 1}}'))).toMatch(
      /^\{<0\.\d+\.0>,<<"a">>,#\{a => 1\}\}$/
    )
    await expect(c.eval('1 +')).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('syntax error')
    })
    await expect(c.eval('X + 1', { X: atom('a') })).rejects.toMatchObject({
      code: 'badrpc',
      message: expect.stringContaining('badarith')
    })
  })

  it('the scanned and parsed forms are cached per connection', async () => {
    const c = await connect(n)
    for (let i = 0; i < 5; i++) await c.eval('N * N', { N: int(i) })
    const ev = (c as unknown as { evaluator: { cachedForms: number } }).evaluator
    expect(ev.cachedForms).toBe(1)
  })

  it('close() is clean: close event, no lost event, later calls are refused', async () => {
    const c = await connect(n)
    let lost = false
    c.on('lost', () => (lost = true))
    const closed = new Promise<void>((r) => c.once('close', () => r()))
    c.close()
    await closed
    expect(lost).toBe(false)
    await expect(c.rpc('erlang', 'node', [])).rejects.toMatchObject({ code: 'not_connected' })
  })
})

describe('losing a node', () => {
  it('kill -9 during a call rejects the call and emits lost', async () => {
    const n = await node()
    const c = await connect(n)
    const lost = new Promise<AppError>((r) => c.once('lost', r))
    const call = c.rpc('timer', 'sleep', [int(60_000)]).catch((e: unknown) => e)
    await c.rpc('erlang', 'node', [])
    n.kill()
    const [err, reason] = await Promise.all([call, lost])
    expect((err as AppError).code).toBe('connection_lost')
    expect(reason.code).toBe('connection_lost')
    expect(reason.message).toContain(n.name)
    expect(c.connected).toBe(false)
  })

  it('an idle link outlives a short net_ticktime (ticks are answered)', async () => {
    const n = await node({ args: ['-kernel', 'net_ticktime', '4'] })
    const c = await connect(n)
    let lost: AppError | undefined
    c.on('lost', (e) => (lost = e))
    await new Promise((r) => setTimeout(r, 10_000))
    expect(lost).toBeUndefined()
    expect(await c.rpc('erlang', 'node', [])).toEqual(atom(n.name))
    expect(await n.eval('nodes(hidden)')).toContain(c.localName)
  }, 30_000)
})

describe('long names', () => {
  let n: ErlNode
  beforeAll(async () => {
    n = await node({ longNames: true })
  })

  it('connects with a long name of our own', async () => {
    const c = await connect(n)
    expect(c.peerName).toBe(n.name)
    expect(c.localName).toMatch(/@127\.0\.0\.1$/)
    expect(await c.rpc('erlang', 'node', [])).toEqual(atom(n.name))
  })

  it('addressing a long-name node by a short name → name_style_mismatch', async () => {
    await expect(connectNode({ node: `${n.alive}@${shortHost()}`, cookie: n.cookie })).rejects.toMatchObject({
      code: 'name_style_mismatch'
    })
  })
})

describe('big replies', () => {
  it('a multi-megabyte reply arrives in one piece', async () => {
    const n = await node()
    const c = await connect(n)
    const r: Term = await c.eval('binary:copy(<<"y">>, 8000000)')
    expect(r.kind === 'binary' && r.data.length).toBe(8_000_000)
  })
})

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { DistConnection } from '../../../src/main/erldist/connection'
import { digest } from '../../../src/main/erldist/handshake'
import { FrameParser } from '../../../src/main/erldist/frames'
import * as F from '../../../src/main/erldist/flags'

/** A scripted stand-in for EPMD and a node on 127.0.0.1, to drive the handshake's refusal paths. */
interface Script {
  status?: string
  peerFlags?: bigint
  peerName?: string
  afterReply?: 'close' | 'bad-digest' | 'ok'
  closeAfterName?: boolean
}

const servers: Server[] = []
afterEach(() => {
  for (const s of servers.splice(0)) s.close()
})

function listen(onSocket: (s: Socket) => void): Promise<number> {
  const server = createServer(onSocket)
  servers.push(server)
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  )
}

function msg16(body: Buffer): Buffer {
  const b = Buffer.alloc(2)
  b.writeUInt16BE(body.length)
  return Buffer.concat([b, body])
}

async function fakeNode(script: Script): Promise<{ epmdPort: number }> {
  const cookie = 'right'
  const nodePort = await listen((s) => {
    const p = new FrameParser(2)
    let step = 0
    s.on('data', (d) => {
      for (const body of p.push(d)) {
        if (step === 0) {
          step = 1
          if (script.closeAfterName) return void s.destroy()
          s.write(msg16(Buffer.from('s' + (script.status ?? 'ok'))))
          if ((script.status ?? 'ok') !== 'ok') return void s.end()
          const name = Buffer.from(script.peerName ?? 'fake@127.0.0.1')
          const ch = Buffer.alloc(19)
          ch[0] = 0x4e
          ch.writeBigUInt64BE(script.peerFlags ?? F.MANDATORY_OTP26, 1)
          ch.writeUInt32BE(12345, 9)
          ch.writeUInt32BE(77, 13)
          ch.writeUInt16BE(name.length, 17)
          s.write(msg16(Buffer.concat([ch, name])))
        } else if (step === 1) {
          step = 2
          const ours = body.readUInt32BE(1)
          const ok = body.subarray(5).equals(digest(12345, cookie))
          if (!ok || script.afterReply === 'close') return void s.destroy()
          const d = script.afterReply === 'bad-digest' ? Buffer.alloc(16) : digest(ours, cookie)
          s.write(msg16(Buffer.concat([Buffer.from('a'), d])))
        }
      }
    })
    s.on('error', () => {})
  })
  const epmdPort = await listen((s) => {
    s.once('data', (d) => {
      if (d[2] === 122) {
        const name = Buffer.from('fake')
        const r = Buffer.alloc(14 + name.length)
        r[0] = 119
        r.writeUInt16BE(nodePort, 2)
        r[4] = 77
        r.writeUInt16BE(6, 6)
        r.writeUInt16BE(5, 8)
        r.writeUInt16BE(name.length, 10)
        name.copy(r, 12)
        s.end(r)
      } else s.end(Buffer.from([0, 0, 0x11, 0x11, ...Buffer.from(`name fake at port ${nodePort}\n`)]))
    })
  })
  return { epmdPort }
}

const connect = (epmdPort: number, cookie = 'right', node = 'fake@127.0.0.1') =>
  DistConnection.open({ node, cookie, epmdPort, timeoutMs: 5000 })

describe('handshake against a scripted peer', () => {
  it('completes and checks the ack', async () => {
    const { epmdPort } = await fakeNode({})
    const c = await connect(epmdPort)
    expect(c.peerName).toBe('fake@127.0.0.1')
    expect(c.peerFlags).toBe(F.MANDATORY_OTP26)
    expect(c.localName).toMatch(/^erlscope_[0-9a-f]{8}@127\.0\.0\.1$/)
    c.close()
  })
  it('cookie rejected: the peer closes after our reply', async () => {
    const { epmdPort } = await fakeNode({})
    await expect(connect(epmdPort, 'wrong')).rejects.toMatchObject({
      code: 'cookie_rejected',
      message: expect.stringContaining('.erlang.cookie')
    })
  })
  it('a wrong ack digest is refused', async () => {
    const { epmdPort } = await fakeNode({ afterReply: 'bad-digest' })
    await expect(connect(epmdPort)).rejects.toMatchObject({ code: 'handshake_failed' })
  })
  it('not_allowed → flag_refused', async () => {
    const { epmdPort } = await fakeNode({ status: 'not_allowed' })
    await expect(connect(epmdPort)).rejects.toMatchObject({ code: 'flag_refused' })
  })
  it('a peer missing a mandatory flag is refused, naming the flag', async () => {
    const { epmdPort } = await fakeNode({ peerFlags: F.MANDATORY_OTP25 & ~F.DFLAG_MAP_TAG })
    await expect(connect(epmdPort)).rejects.toMatchObject({
      code: 'flag_refused',
      message: expect.stringContaining('MAP_TAG')
    })
  })
  it('a peer that answers with another name is refused', async () => {
    const { epmdPort } = await fakeNode({ peerName: 'other@127.0.0.1' })
    await expect(connect(epmdPort)).rejects.toMatchObject({
      code: 'handshake_failed',
      message: expect.stringContaining('other@127.0.0.1')
    })
  })
  it('a peer with the other name style → name_style_mismatch', async () => {
    const { epmdPort } = await fakeNode({ peerName: 'fake@somehost' })
    await expect(connect(epmdPort)).rejects.toMatchObject({ code: 'name_style_mismatch' })
  })
  it('a peer that hangs up on our name → name_style_mismatch', async () => {
    const { epmdPort } = await fakeNode({ closeAfterName: true })
    await expect(connect(epmdPort)).rejects.toMatchObject({ code: 'name_style_mismatch' })
  })
  it('an unknown name lists what EPMD has', async () => {
    const { epmdPort } = await fakeNode({})
    const server = await listen((s) =>
      s.once('data', (d) =>
        d[2] === 122
          ? s.end(Buffer.from([119, 1]))
          : s.end(
              Buffer.from([0, 0, 0x11, 0x11, ...Buffer.from('name fake at port 1\nname other at port 2\n')])
            )
      )
    )
    await expect(connect(server, 'right', 'nobody@127.0.0.1')).rejects.toMatchObject({
      code: 'node_not_found',
      message: expect.stringContaining('fake@127.0.0.1, other@127.0.0.1')
    })
    void epmdPort
  })
  it('no EPMD → epmd_unreachable naming host:port', async () => {
    const port = await listen((s) => s.destroy())
    servers.pop()?.close()
    await new Promise((r) => setTimeout(r, 50))
    await expect(connect(port)).rejects.toMatchObject({
      code: 'epmd_unreachable',
      message: expect.stringContaining(`127.0.0.1:${port}`)
    })
  })
})

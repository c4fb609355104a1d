import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { epmdNames, parseNamesReply, portPlease } from '../../../src/main/erldist/epmd'

const servers: Server[] = []
afterEach(() => {
  for (const s of servers.splice(0)) s.close()
})

/** A TCP service on 127.0.0.1 that answers the first bytes it gets with `answer`. */
function service(answer: (s: Socket) => void): Promise<number> {
  const server = createServer((s) => {
    s.on('error', () => {})
    s.once('data', () => answer(s))
  })
  servers.push(server)
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  )
}

const notEpmd = (port: number) => ({
  code: 'epmd_unreachable',
  message: expect.stringContaining(`Something answered on 127.0.0.1:${port} but it is not EPMD`)
})

describe('an answer on the EPMD port that is not EPMD', () => {
  it('an SSH server: said in words, not "no nodes", and its bytes are not quoted', async () => {
    const port = await service((s) => s.end('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'))
    const names = epmdNames('127.0.0.1', { port, timeoutMs: 5000 })
    await expect(names).rejects.toMatchObject(notEpmd(port))
    const error = await epmdNames('127.0.0.1', { port, timeoutMs: 5000 }).catch((e: Error) => e)
    expect(String((error as Error).message)).not.toMatch(/SSH|OpenSSH|Debian/)
    await expect(portPlease('127.0.0.1', 'app', { port, timeoutMs: 5000 })).rejects.toMatchObject(
      notEpmd(port)
    )
  })

  it('a service that answers nothing and hangs up', async () => {
    const port = await service((s) => s.end())
    await expect(epmdNames('127.0.0.1', { port, timeoutMs: 5000 })).rejects.toMatchObject(notEpmd(port))
  })

  it('a service that streams megabytes is cut off, not buffered', async () => {
    const port = await service((s) => {
      const chunk = Buffer.alloc(64 * 1024, 0x41)
      const pump = (): void => {
        while (!s.destroyed && s.write(chunk));
        if (!s.destroyed) s.once('drain', pump)
      }
      pump()
    })
    await expect(epmdNames('127.0.0.1', { port, timeoutMs: 20_000 })).rejects.toMatchObject(notEpmd(port))
  })

  it('a real NAMES reply still reads, including an empty one', () => {
    const head = Buffer.from([0, 0, 0x11, 0x11])
    expect(
      parseNamesReply(Buffer.concat([head, Buffer.from('name a at port 4000\nname b_c at port 4001\n')]))
    ).toEqual({
      epmdPort: 4369,
      nodes: [
        { name: 'a', port: 4000 },
        { name: 'b_c', port: 4001 }
      ]
    })
    expect(parseNamesReply(head)).toEqual({ epmdPort: 4369, nodes: [] })
    expect(parseNamesReply(Buffer.concat([head, Buffer.from('<html>\n')]))).toBeUndefined()
    expect(parseNamesReply(Buffer.from('SSH'))).toBeUndefined()
  })
})

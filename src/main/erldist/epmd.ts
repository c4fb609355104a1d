import { AppError } from '../app-error'
import { Route } from '../route/route'

/** EPMD protocol (erts/epmd/src/epmd_srv.c). */
export const EPMD_DEFAULT_PORT = 4369
export const PORT_PLEASE2_REQ = 122
export const PORT2_RESP = 119
export const NAMES_REQ = 110
/** The most an EPMD answer is read: NAMES for thousands of nodes is well under it. */
export const MAX_EPMD_REPLY = 1024 * 1024

export interface EpmdOptions {
  /** EPMD port; default `$ERL_EPMD_PORT` or 4369. */
  port?: number
  timeoutMs?: number
  /** How to reach the host (default: direct TCP). The host is as seen from the route's far end. */
  route?: Route
}

const directRoute = new Route()

export interface NodePort {
  port: number
  /** 77 = normal Erlang node, 72 = hidden (C node). */
  nodeType: number
  protocol: number
  highestVersion: number
  lowestVersion: number
  name: string
  extra: Buffer
}

export interface EpmdNames {
  epmdPort: number
  nodes: Array<{ name: string; port: number }>
}

export function epmdPort(options: EpmdOptions = {}): number {
  return options.port ?? options.route?.epmdPort ?? (Number(process.env.ERL_EPMD_PORT) || EPMD_DEFAULT_PORT)
}

/** Sends one request and collects everything until EPMD closes the stream. */
function request(host: string, body: Buffer, options: EpmdOptions): Promise<Buffer> {
  const port = epmdPort(options)
  const timeoutMs = options.timeoutMs ?? 5000
  const route = options.route ?? directRoute
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let settled = false
    let destroy = (): void => undefined
    const fail = (why: string): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      destroy()
      reject(
        new AppError(
          'epmd_unreachable',
          `Could not reach EPMD at ${host}:${port}${route.through} (${why}). Is an Erlang node running on ${host}, and is port ${port} reachable from ${route.direct ? 'here' : 'the far end of the route'}?`
        )
      )
    }
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs)
    const whyOf = (e: NodeJS.ErrnoException): string =>
      e.code === 'ENOTFOUND'
        ? `the host name ${host} does not resolve`
        : e.code && e.code !== 'ETIMEDOUT'
          ? e.code
          : e.message
    route.openEpmd(host, port, timeoutMs).then(
      ({ stream }) => {
        if (settled) {
          stream.destroy()
          return
        }
        destroy = () => stream.destroy()
        let received = 0
        stream.on('data', (d: Buffer) => {
          received += d.length
          // EPMD's answers are a few KB; whatever streams more is not EPMD
          if (received > MAX_EPMD_REPLY) {
            clearTimeout(timer)
            if (settled) return
            settled = true
            stream.destroy()
            reject(notEpmd(host, port))
            return
          }
          chunks.push(d)
        })
        stream.on('error', (e: NodeJS.ErrnoException) => fail(whyOf(e)))
        stream.on('close', () => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          resolve(Buffer.concat(chunks))
        })
        const len = Buffer.alloc(2)
        len.writeUInt16BE(body.length)
        stream.write(Buffer.concat([len, body]))
      },
      (e: unknown) => {
        if (e instanceof AppError) {
          if (settled) return
          settled = true
          clearTimeout(timer)
          reject(e)
        } else fail(whyOf(e as NodeJS.ErrnoException))
      }
    )
  })
}

/** Something answered on the EPMD port, but not in EPMD's protocol: said so, its bytes never quoted. */
export function notEpmd(host: string, port: number): AppError {
  return new AppError(
    'epmd_unreachable',
    `Something answered on ${host}:${port} but it is not EPMD (its reply is not in EPMD's protocol): check the host and port, or whether another service took port ${port}.`
  )
}

/**
 * A NAMES_RESP: EPMD's port (4 bytes), then one `name N at port P` line per node; anything else
 * means whatever answered is not EPMD. Undefined when the reply is not one.
 */
export function parseNamesReply(reply: Buffer): EpmdNames | undefined {
  if (reply.length < 4) return undefined
  const nodes: EpmdNames['nodes'] = []
  const text = reply.subarray(4).toString('utf8')
  for (const line of text.split('\n')) {
    if (line === '') continue
    const m = /^name (.+) at port (\d+)$/.exec(line)
    if (!m || Number(m[2]) > 65535) return undefined
    nodes.push({ name: m[1], port: Number(m[2]) })
  }
  if (text !== '' && !text.endsWith('\n')) return undefined
  return { epmdPort: reply.readUInt32BE(0), nodes }
}

/** NAMES_REQ: the nodes registered in EPMD on `host`. */
export async function epmdNames(host: string, options: EpmdOptions = {}): Promise<EpmdNames> {
  const reply = await request(host, Buffer.from([NAMES_REQ]), options)
  const names = parseNamesReply(reply)
  if (!names) throw notEpmd(host, epmdPort(options))
  return names
}

/** Parses a PORT2_RESP; undefined when EPMD has no such name. */
export function parsePort2Resp(reply: Buffer): NodePort | undefined {
  if (reply.length < 2 || reply[0] !== PORT2_RESP) throw new Error(`not a PORT2_RESP (${reply.length} bytes)`)
  if (reply[1] !== 0) return undefined
  if (reply.length < 12) throw new Error('truncated PORT2_RESP')
  const nlen = reply.readUInt16BE(10)
  if (reply.length < 12 + nlen) throw new Error('truncated PORT2_RESP name')
  const name = reply.toString('utf8', 12, 12 + nlen)
  let extra: Buffer = Buffer.alloc(0)
  if (reply.length >= 14 + nlen) {
    const elen = reply.readUInt16BE(12 + nlen)
    extra = reply.subarray(14 + nlen, Math.min(reply.length, 14 + nlen + elen))
  }
  return {
    port: reply.readUInt16BE(2),
    nodeType: reply[4],
    protocol: reply[5],
    highestVersion: reply.readUInt16BE(6),
    lowestVersion: reply.readUInt16BE(8),
    name,
    extra
  }
}

/** PORT_PLEASE2_REQ: the distribution port of `alive` on `host`; `node_not_found` lists who is there. */
export async function portPlease(host: string, alive: string, options: EpmdOptions = {}): Promise<NodePort> {
  const reply = await request(
    host,
    Buffer.concat([Buffer.from([PORT_PLEASE2_REQ]), Buffer.from(alive, 'utf8')]),
    options
  )
  let found: NodePort | undefined
  try {
    found = parsePort2Resp(reply)
  } catch {
    throw notEpmd(host, epmdPort(options))
  }
  if (found) {
    if (found.highestVersion < 6) {
      throw new AppError(
        'handshake_failed',
        `Node ${alive}@${host} speaks distribution version ${found.highestVersion}; erlscope needs 6 (OTP 23 or later).`
      )
    }
    return found
  }
  const { nodes } = await epmdNames(host, options).catch(() => ({ nodes: [] as EpmdNames['nodes'] }))
  const list =
    nodes.length > 0
      ? `EPMD there knows: ${nodes.map((n) => `${n.name}@${host}`).join(', ')}`
      : 'EPMD there has no nodes registered'
  throw new AppError('node_not_found', `No node named '${alive}' is registered on ${host}; ${list}.`)
}

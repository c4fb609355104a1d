import { EventEmitter } from 'node:events'
import type { Duplex } from 'node:stream'
import { randomBytes } from 'node:crypto'
import { AppError } from '../app-error'
import { Route } from '../route/route'
import { isTlsError, tlsErrorText } from '../route/tls-wrap'
import { portPlease } from './epmd'
import type { DecodeOptions } from './etf/decode'
import { encode } from './etf/encode'
import { formatTerm } from './etf/format'
import { atom, int, tuple, type PidTerm, type RefTerm, type Term } from './etf/types'
import { OUR_FLAGS } from './flags'
import { buildDistFrame, FrameParser, parseDistPayload } from './frames'
import {
  buildChallengeReply,
  buildSendName,
  checkPeerFlags,
  digest,
  parseAck,
  parseChallenge,
  parseStatus,
  statusError
} from './handshake'
import { nameStyle, ownNodeName, parseNodeName } from './node-name'

/** Control message operations (`enum dop` in erts/emulator/beam/dist.h). */
export const DOP_LINK = 1
export const DOP_SEND = 2
export const DOP_EXIT = 3
export const DOP_UNLINK = 4
export const DOP_REG_SEND = 6
export const DOP_GROUP_LEADER = 7
export const DOP_EXIT2 = 8
export const DOP_SEND_TT = 12
export const DOP_EXIT_TT = 13
export const DOP_REG_SEND_TT = 16
export const DOP_EXIT2_TT = 18
export const DOP_MONITOR_P = 19
export const DOP_DEMONITOR_P = 20
export const DOP_MONITOR_P_EXIT = 21
export const DOP_SEND_SENDER = 22
export const DOP_SEND_SENDER_TT = 23
export const DOP_PAYLOAD_EXIT = 24
export const DOP_PAYLOAD_EXIT_TT = 25
export const DOP_PAYLOAD_EXIT2 = 26
export const DOP_PAYLOAD_EXIT2_TT = 27
export const DOP_PAYLOAD_MONITOR_P_EXIT = 28
export const DOP_ALIAS_SEND = 33
export const DOP_ALIAS_SEND_TT = 34
export const DOP_UNLINK_ID = 35
export const DOP_UNLINK_ID_ACK = 36

export interface ConnectionOptions {
  /** Target node, `alive@host`. */
  node: string
  cookie: string
  /** Budget for EPMD lookup + TCP connect + handshake (default 10 000 ms). */
  timeoutMs?: number
  /** EPMD port on the target host (default `$ERL_EPMD_PORT` or 4369). */
  epmdPort?: number
  /** How bytes reach the node (default: direct TCP). The caller closes it after the link. */
  route?: Route
  /** Send a tick when we have sent nothing for this long (default 15 000 ms). */
  tickIntervalMs?: number
  /** Declare the link lost when the peer sends nothing for this long (default 120 000 ms). */
  silenceLimitMs?: number
  decode?: DecodeOptions
}

/** A message delivered to one of our pids or names. */
export interface IncomingMessage {
  op: number
  from?: Term
  to: Term
  message: Term
}

/** An exit or monitor-down signal addressed to us. */
export interface IncomingExit {
  op: number
  from: Term
  to: Term
  ref?: Term
  reason: Term
}

export interface DistConnectionEvents {
  message: [IncomingMessage]
  exit: [IncomingExit]
  /** The link went away without `close()`: the reason is an AppError with code connection_lost or timeout. */
  lost: [AppError]
  /** The socket is closed (after `lost`, or after `close()`). */
  close: []
  /** A frame that could not be decoded was dropped (with its bytes, to find whose reply it was). */
  dropped: [AppError, Buffer]
}

/** One hidden-node distribution link: owns the socket, the handshake, ticks and control messages. */
export class DistConnection extends EventEmitter<DistConnectionEvents> {
  readonly self: PidTerm
  private refCounter = 0
  private lastSent = Date.now()
  private lastReceived = Date.now()
  private timer: NodeJS.Timeout | undefined
  private closing = false
  private ended = false

  private constructor(
    private readonly socket: Duplex,
    readonly peerName: string,
    readonly peerFlags: bigint,
    readonly peerCreation: number,
    readonly localName: string,
    readonly creation: number,
    private readonly parser: FrameParser,
    private readonly options: ConnectionOptions
  ) {
    super()
    this.self = { kind: 'pid', node: localName, id: 1, serial: 0, creation }
  }

  /** EPMD lookup, TCP connect and the version-6 handshake. Rejects with an AppError a person can act on. */
  static async open(options: ConnectionOptions): Promise<DistConnection> {
    const target = parseNodeName(options.node)
    const timeoutMs = options.timeoutMs ?? 10_000
    const deadline = Date.now() + timeoutMs
    const route = options.route ?? new Route()
    const dial = route.dialHost(target.host)
    const port =
      route.distPort ??
      (await portPlease(dial, target.alive, { port: options.epmdPort, timeoutMs, route })).port
    const remaining = Math.max(1, deadline - Date.now())
    return handshake(target.full, dial, port, options, remaining, route)
  }

  /** @internal */
  static fromHandshake(
    socket: Duplex,
    peer: { name: string; flags: bigint; creation: number },
    localName: string,
    creation: number,
    rest: Buffer,
    options: ConnectionOptions
  ): DistConnection {
    const c = new DistConnection(
      socket,
      peer.name,
      peer.flags,
      peer.creation,
      localName,
      creation,
      new FrameParser(4),
      options
    )
    c.attach(rest)
    return c
  }

  get closed(): boolean {
    return this.ended
  }

  /** A fresh reference owned by us (first word kept to 18 bits as erts expects). */
  makeRef(): RefTerm {
    this.refCounter = (this.refCounter + 1) & 0x3ffff
    const r = randomBytes(8)
    return {
      kind: 'ref',
      node: this.localName,
      creation: this.creation,
      ids: [this.refCounter, r.readUInt32BE(0), r.readUInt32BE(4)]
    }
  }

  /** Sends a control message (and optional message term). Throws not_connected after the link ended. */
  send(control: Term, message?: Term): void {
    if (this.ended || this.closing)
      throw new AppError('not_connected', `The connection to ${this.peerName} is closed.`)
    const frame = buildDistFrame(encode(control), message === undefined ? undefined : encode(message))
    this.lastSent = Date.now()
    this.socket.write(frame)
  }

  /** `Dest ! Msg` to a registered name on the peer (REG_SEND). */
  sendToName(name: string, message: Term): void {
    this.send(tuple(int(DOP_REG_SEND), this.self, atom(''), atom(name)), message)
  }

  /** Closes the link cleanly; no `lost` event follows. */
  close(): void {
    if (this.ended || this.closing) return
    this.closing = true
    this.socket.end()
    setTimeout(() => this.socket.destroy(), 1000).unref()
  }

  private attach(rest: Buffer): void {
    const s = this.socket
    s.removeAllListeners('data')
    s.removeAllListeners('close')
    s.removeAllListeners('error')
    let lostReason: AppError | undefined
    s.on('data', (chunk: Buffer) => {
      this.lastReceived = Date.now()
      let frames: Buffer[]
      try {
        frames = this.parser.push(chunk)
      } catch (e) {
        lostReason = e instanceof AppError ? e : new AppError('decode_error', String(e))
        s.destroy()
        return
      }
      for (const f of frames) this.onFrame(f)
    })
    s.on('error', (e: NodeJS.ErrnoException) => {
      lostReason ??= new AppError(
        'connection_lost',
        `The connection to ${this.peerName} was lost: ${e.code ?? e.message}.`
      )
    })
    s.on('close', () => {
      this.ended = true
      if (this.timer) clearInterval(this.timer)
      if (!this.closing) {
        const reason =
          lostReason ??
          new AppError(
            'connection_lost',
            `The connection to ${this.peerName} was lost: the node closed it (did it stop or restart?).`
          )
        this.emit('lost', reason)
      }
      this.emit('close')
    })
    const tick = this.options.tickIntervalMs ?? 15_000
    const silence = this.options.silenceLimitMs ?? 120_000
    this.timer = setInterval(
      () => {
        const now = Date.now()
        if (now - this.lastReceived > silence) {
          lostReason = new AppError(
            'timeout',
            `The connection to ${this.peerName} was lost: nothing heard for ${Math.round(silence / 1000)} s (net tick timeout).`
          )
          s.destroy()
          return
        }
        if (now - this.lastSent >= tick) this.writeTick()
      },
      Math.max(250, Math.min(tick, silence) / 4)
    )
    this.timer.unref()
    if (rest.length > 0) setImmediate(() => s.emit('data', rest))
  }

  private writeTick(): void {
    this.lastSent = Date.now()
    this.socket.write(Buffer.alloc(4))
  }

  private onFrame(frame: Buffer): void {
    if (frame.length === 0) {
      this.writeTick()
      return
    }
    let control: Term
    let message: Term | undefined
    try {
      ;({ control, message } = parseDistPayload(frame, this.options.decode))
    } catch (e) {
      this.emit('dropped', e instanceof AppError ? e : new AppError('decode_error', String(e)), frame)
      return
    }
    if (control.kind !== 'tuple' || control.elements.length === 0 || control.elements[0].kind !== 'integer') {
      this.emit(
        'dropped',
        new AppError('decode_error', `Unexpected control message ${formatTerm(control)}.`),
        frame
      )
      return
    }
    const el = control.elements
    const op = Number(el[0].kind === 'integer' ? el[0].value : -1)
    switch (op) {
      case DOP_SEND:
      case DOP_SEND_TT:
        if (message) this.emit('message', { op, to: el[2], message })
        break
      case DOP_REG_SEND:
      case DOP_REG_SEND_TT:
        if (message) this.emit('message', { op, from: el[1], to: el[3], message })
        break
      case DOP_SEND_SENDER:
      case DOP_SEND_SENDER_TT:
      case DOP_ALIAS_SEND:
      case DOP_ALIAS_SEND_TT:
        if (message) this.emit('message', { op, from: el[1], to: el[2], message })
        break
      case DOP_EXIT:
      case DOP_EXIT2:
        this.emit('exit', { op, from: el[1], to: el[2], reason: el[3] })
        break
      case DOP_EXIT_TT:
      case DOP_EXIT2_TT:
        this.emit('exit', { op, from: el[1], to: el[2], reason: el[4] })
        break
      case DOP_PAYLOAD_EXIT:
      case DOP_PAYLOAD_EXIT_TT:
      case DOP_PAYLOAD_EXIT2:
      case DOP_PAYLOAD_EXIT2_TT:
        this.emit('exit', { op, from: el[1], to: el[2], reason: message ?? atom('undefined') })
        break
      case DOP_MONITOR_P_EXIT:
        this.emit('exit', { op, from: el[1], to: el[2], ref: el[3], reason: el[4] })
        break
      case DOP_PAYLOAD_MONITOR_P_EXIT:
        this.emit('exit', { op, from: el[1], to: el[2], ref: el[3], reason: message ?? atom('undefined') })
        break
      case DOP_UNLINK_ID:
        this.send(tuple(int(DOP_UNLINK_ID_ACK), el[1], el[3], el[2]))
        break
      case DOP_MONITOR_P:
        if (!(el[2].kind === 'pid' && el[2].node === this.localName && el[2].id === this.self.id)) {
          this.send(tuple(int(DOP_MONITOR_P_EXIT), el[2], el[1], el[3], atom('noproc')))
        }
        break
      default:
        break
    }
  }
}

async function handshake(
  targetName: string,
  host: string,
  port: number,
  options: ConnectionOptions,
  timeoutMs: number,
  route: Route
): Promise<DistConnection> {
  const creation = (randomBytes(4).readUInt32BE(0) | 4) >>> 0
  const ourChallenge = randomBytes(4).readUInt32BE(0)
  const target = parseNodeName(targetName)
  return new Promise<DistConnection>((resolve, reject) => {
    let socket: Duplex | undefined
    // inet_tls_dist frames the handshake with 4-byte lengths ({packet, 4}); inet_tcp_dist with 2.
    const lengthBytes = route.spec.tls ? 4 : 2
    const parser = new FrameParser(lengthBytes)
    const framed = (message: Buffer): Buffer => {
      if (lengthBytes === 2) return message
      const len = Buffer.alloc(4)
      len.writeUInt32BE(message.length - 2)
      return Buffer.concat([len, message.subarray(2)])
    }
    let stage: 'connect' | 'status' | 'challenge' | 'ack' | 'done' = 'connect'
    let localName = ''
    let peer: { name: string; flags: bigint; creation: number } | undefined
    let settled = false
    let lastError: (Error & { code?: string }) | undefined
    const fail = (err: AppError): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket?.destroy()
      reject(err)
    }
    const timer = setTimeout(
      () =>
        fail(
          new AppError(
            'timeout',
            `Connecting to ${targetName} timed out after ${timeoutMs} ms (during the ${stage} step of the handshake${route.through}).`
          )
        ),
      timeoutMs
    )
    const where = route.distPort
      ? `Connecting to ${targetName} at ${host}:${port}${route.through} (its given distribution port, no EPMD) failed`
      : `EPMD lists ${targetName} at ${host}:${port}, but connecting there${route.through} failed`
    const attach = (socket: Duplex): void => {
      socket.on('error', (e: Error & { code?: string }) => {
        lastError = e
        if (isTlsError(e)) fail(new AppError('tls_failed', tlsErrorText(e, targetName)))
      })
      socket.on('close', () => {
        if (settled) return
        if (lastError && !isTlsError(lastError) && stage !== 'ack') {
          fail(
            new AppError(
              'handshake_failed',
              `The stream to ${targetName}${route.through} broke during the ${stage} step of the handshake: ${lastError.code ?? lastError.message}.`
            )
          )
        } else if (stage === 'ack') {
          fail(
            new AppError(
              'cookie_rejected',
              `Node ${targetName} rejected our cookie: use the node's own cookie (its -setcookie flag or the ~/.erlang.cookie of the user running it; erlang:get_cookie() in its shell). When none is given, erlscope uses ~/.erlang.cookie on this machine.`
            )
          )
        } else if (stage === 'status') {
          fail(
            new AppError(
              'name_style_mismatch',
              `Node ${targetName} closed the connection on seeing our name ${localName}: it probably uses ${target.style === 'short' ? 'long names (-name): address it as name@fully.qualified.host or name@IP' : 'short names (-sname): address it as name@shorthost'}${route.spec.tls ? '' : ', or it speaks TLS distribution (-proto_dist inet_tls): connect with TLS'}.`
            )
          )
        } else {
          fail(
            new AppError(
              'handshake_failed',
              `Node ${targetName} closed the connection during the ${stage} step of the handshake.`
            )
          )
        }
      })
      socket.on('data', (chunk: Buffer) => {
        if (settled) return
        try {
          parser.feed(chunk)
          for (let body = parser.next(); body !== undefined; body = parser.next()) {
            if (stage === 'status') {
              const status = parseStatus(body)
              if (status !== 'ok' && status !== 'ok_simultaneous')
                throw statusError(status, targetName, OUR_FLAGS)
              stage = 'challenge'
            } else if (stage === 'challenge') {
              const ch = parseChallenge(body)
              if (ch.name !== targetName) {
                const peerHost = ch.name.slice(ch.name.indexOf('@') + 1)
                if (nameStyle(peerHost) !== target.style) {
                  throw new AppError(
                    'name_style_mismatch',
                    `You asked for ${targetName} (${target.style} name) but the node is ${ch.name} (${nameStyle(peerHost)} name): connect to ${ch.name}.`
                  )
                }
                throw new AppError(
                  'handshake_failed',
                  `You asked for ${targetName} but the node at ${host}:${port} is ${ch.name}.`
                )
              }
              checkPeerFlags(ch.name, ch.flags)
              peer = { name: ch.name, flags: ch.flags, creation: ch.creation }
              stage = 'ack'
              socket.write(framed(buildChallengeReply(ch.challenge, ourChallenge, options.cookie)))
            } else if (stage === 'ack') {
              const got = parseAck(body)
              if (!got.equals(digest(ourChallenge, options.cookie))) {
                throw new AppError(
                  'handshake_failed',
                  `Node ${targetName} answered our challenge with a wrong digest: it does not share our cookie, or it is not an Erlang node.`
                )
              }
              stage = 'done'
              settled = true
              clearTimeout(timer)
              const rest = parser.drain()
              resolve(
                DistConnection.fromHandshake(
                  socket,
                  peer as NonNullable<typeof peer>,
                  localName,
                  creation,
                  rest,
                  options
                )
              )
              return
            }
          }
        } catch (e) {
          fail(
            e instanceof AppError
              ? e
              : new AppError('handshake_failed', `Distribution handshake failed: ${String(e)}.`)
          )
        }
      })
    }
    route.openDist(host, port, timeoutMs, target.host).then(
      (opened) => {
        if (settled) {
          opened.stream.destroy()
          return
        }
        socket = opened.stream
        localName = ownNodeName(target, opened.localAddress)
        stage = 'status'
        attach(opened.stream)
        opened.stream.write(framed(buildSendName(OUR_FLAGS, creation, localName)))
      },
      (e: unknown) => {
        if (e instanceof AppError) return fail(e)
        const err = e as NodeJS.ErrnoException
        fail(
          new AppError(
            'handshake_failed',
            `${where} (${err.code && err.code !== 'ETIMEDOUT' ? err.code : err.message}).`
          )
        )
      }
    )
  })
}

import { AppError } from '../app-error'
import type { DistConnection, IncomingMessage } from './connection'
import { formatTerm } from './etf/format'
import { replyRefOf } from './frames'
import { atom, isAtom, list, tuple, type RefTerm, type Term } from './etf/types'

export const DEFAULT_RPC_TIMEOUT_MS = 30_000

/** `{badrpc, Reason}` from the node, with the reason kept as a term. */
export class BadRpcError extends AppError {
  constructor(
    readonly call: string,
    readonly reason: Term,
    localNode: string
  ) {
    super(
      'badrpc',
      `The call ${call} failed on the node: ${truncate(formatTerm(reason, { localNode }), 2000)}.`
    )
    this.name = 'BadRpcError'
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`
}

interface Pending {
  resolve: (t: Term) => void
  reject: (e: Error) => void
  timer: NodeJS.Timeout
  call: string
}

/** Something that runs `M:F(Args)` on a node and answers the result (rex, or erpc through another node). */
export interface RpcCaller {
  call(module: string, fn: string, args: Term[], timeoutMs?: number): Promise<Term>
}

/**
 * Calls through the peer's `rex` server, gen_server style:
 * `REG_SEND {6, Self, '', rex}` + `{'$gen_call', {Self, Ref}, {call, M, F, A, user}}`, answered by
 * `{Ref, Reply}`. Many calls may be in flight; each has its own timeout.
 */
export class RexClient implements RpcCaller {
  private readonly pending = new Map<string, Pending>()

  constructor(private readonly conn: DistConnection) {
    conn.on('message', (m) => this.onMessage(m))
    conn.on('dropped', (error, frame) => this.onDropped(error, frame))
    conn.on('lost', (reason) => this.failAll(reason))
    conn.on('close', () =>
      this.failAll(new AppError('not_connected', `The connection to ${conn.peerName} was closed.`))
    )
  }

  get inFlight(): number {
    return this.pending.size
  }

  call(module: string, fn: string, args: Term[], timeoutMs = DEFAULT_RPC_TIMEOUT_MS): Promise<Term> {
    const name = `${module}:${fn}/${args.length}`
    if (this.conn.closed)
      return Promise.reject(
        new AppError('not_connected', `The connection to ${this.conn.peerName} is closed.`)
      )
    const ref = this.conn.makeRef()
    const key = refKey(ref)
    return new Promise<Term>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(key)
        reject(
          new AppError(
            'timeout',
            `The call ${name} on ${this.conn.peerName} did not answer within ${timeoutMs} ms.`
          )
        )
      }, timeoutMs)
      this.pending.set(key, { resolve, reject, timer, call: name })
      try {
        this.conn.sendToName(
          'rex',
          tuple(
            atom('$gen_call'),
            tuple(this.conn.self, ref),
            tuple(atom('call'), atom(module), atom(fn), list(args), atom('user'))
          )
        )
      } catch (e) {
        clearTimeout(timer)
        this.pending.delete(key)
        reject(e instanceof Error ? e : new Error(String(e)))
      }
    })
  }

  private onMessage(m: IncomingMessage): void {
    const msg = m.message
    if (msg.kind !== 'tuple' || msg.elements.length !== 2 || msg.elements[0].kind !== 'ref') return
    const key = refKey(msg.elements[0])
    const p = this.pending.get(key)
    if (!p) return
    this.pending.delete(key)
    clearTimeout(p.timer)
    const reply = msg.elements[1]
    if (reply.kind === 'tuple' && reply.elements.length === 2 && isAtom(reply.elements[0], 'badrpc')) {
      p.reject(new BadRpcError(p.call, reply.elements[1], this.conn.peerName))
    } else p.resolve(reply)
  }

  /**
   * A frame that did not decode fails the call it answers at once (not after its timeout); when
   * its reference cannot be read either, every call in flight fails, since any of them may be it.
   */
  private onDropped(error: AppError, frame: Buffer): void {
    const ref = replyRefOf(frame)
    if (ref === undefined) {
      this.failAll(error)
      return
    }
    const key = refKey(ref)
    const p = this.pending.get(key)
    if (!p) return
    this.pending.delete(key)
    clearTimeout(p.timer)
    p.reject(new AppError(error.code, `The call ${p.call} failed: ${error.message}`))
  }

  private failAll(reason: AppError): void {
    for (const [key, p] of this.pending) {
      clearTimeout(p.timer)
      this.pending.delete(key)
      p.reject(new AppError(reason.code, `The call ${p.call} did not complete: ${reason.message}`))
    }
  }
}

function refKey(ref: RefTerm): string {
  return `${ref.node}/${ref.creation}/${ref.ids.join('.')}`
}

/**
 * erlscope's Erlang distribution client: connect to a running OTP 23+ node as a *hidden* node
 * (it lists us in `nodes(hidden)`, never in `nodes()`), with no Erlang installed here and no
 * code loaded into the target.
 *
 *   const node = await connectNode({ node: 'rabbit@host', cookie, timeoutMs: 5000 })
 *   const mem = await node.rpc('erlang', 'memory', [])                 // a Term
 *   const top = await node.eval('lists:sublist(L, N)', { L: someList, N: int(10) })
 *   node.on('lost', (err) => ...)                                      // AppError, code connection_lost | timeout
 *   node.close()
 *
 * API
 * - `connectNode({ node, cookie, timeoutMs?, epmdPort? }): Promise<NodeClient>` — EPMD lookup,
 *   TCP, version-6 handshake, then one rpc for the OTP release. Rejects with an AppError:
 *   epmd_unreachable, node_not_found (the message lists the names EPMD has), cookie_rejected,
 *   flag_refused, name_style_mismatch, handshake_failed, timeout, invalid_request (bad name).
 * - `NodeClient.rpc(module, fn, args: Term[], timeoutMs = 30 000): Promise<Term>` — through `rex`;
 *   any number in flight. Rejects with `BadRpcError` (code badrpc, `.reason` the term) for
 *   `{badrpc, Reason}`, AppError timeout, connection_lost (the link died) or not_connected.
 * - `NodeClient.eval(source, bindings = {}, timeoutMs?): Promise<Term>` — `erl_eval:exprs/2` on the
 *   node; `source` is scanned/parsed on the node once per connection and cached. Bindings map
 *   variable names (`'Pid'`) to terms. Parse errors reject with invalid_request; runtime errors
 *   with badrpc (`{'EXIT', Reason}`).
 * - `NodeClient.format(term)` — Erlang `~p`-style text, with the node's own pids shown as `<0.N.0>`.
 * - `NodeClient.close()` — clean close; emits 'close' but not 'lost'.
 * - events: 'lost' (AppError) when the link drops for any reason other than `close()`; 'close'.
 * - `peerName`, `localName`, `peerFlags` (bigint), `peerCreation`, `otpRelease` (e.g. '25'),
 *   `connected`.
 *
 * Terms: see `./etf/types.ts` (the union, constructors `atom`, `int`, `tuple`, `list`, `binary`,
 * `charlist`, `map`, and readers `asNumber`, `asAtom`, `asText`, `listElements`, `proplistGet`,
 * `proplistToObject`, `mapGet`, `termEquals`).
 */
import { EventEmitter } from 'node:events'
import type { AppError } from '../app-error'
import { DistConnection, type ConnectionOptions } from './connection'
import { formatTerm } from './etf/format'
import { asText, type Term } from './etf/types'
import { RemoteEval } from './remote-eval'
import { RexClient } from './rpc'

export * from './etf'
export { BadRpcError } from './rpc'
export { flagNames } from './flags'
export { parseNodeName, type NodeName } from './node-name'
export { epmdNames, portPlease } from './epmd'

export interface ConnectNodeOptions {
  node: string
  cookie: string
  /** Connect budget (EPMD + handshake + first rpc), default 10 000 ms. */
  timeoutMs?: number
  epmdPort?: number
  /** Link liveness: silence after which 'lost' fires with code timeout (default 120 000 ms). */
  silenceLimitMs?: number
}

interface NodeClientEvents {
  lost: [AppError]
  close: []
}

export class NodeClient extends EventEmitter<NodeClientEvents> {
  private readonly rex: RexClient
  private readonly evaluator: RemoteEval
  otpRelease: string | undefined

  constructor(private readonly conn: DistConnection) {
    super()
    this.rex = new RexClient(conn)
    this.evaluator = new RemoteEval(this.rex, conn.peerName)
    conn.on('lost', (reason) => this.emit('lost', reason))
    conn.on('close', () => this.emit('close'))
  }

  get peerName(): string {
    return this.conn.peerName
  }
  get localName(): string {
    return this.conn.localName
  }
  get peerFlags(): bigint {
    return this.conn.peerFlags
  }
  get peerCreation(): number {
    return this.conn.peerCreation
  }
  get connected(): boolean {
    return !this.conn.closed
  }
  /** Calls waiting for an answer. */
  get inFlight(): number {
    return this.rex.inFlight
  }

  rpc(module: string, fn: string, args: Term[] = [], timeoutMs?: number): Promise<Term> {
    return this.rex.call(module, fn, args, timeoutMs)
  }

  eval(source: string, bindings: Record<string, Term> = {}, timeoutMs?: number): Promise<Term> {
    return this.evaluator.eval(source, bindings, timeoutMs)
  }

  format(term: Term): string {
    return formatTerm(term, { localNode: this.conn.peerName })
  }

  close(): void {
    this.conn.close()
  }

  /** @internal the underlying link, for tests and low-level use */
  get connection(): DistConnection {
    return this.conn
  }
}

export async function connectNode(options: ConnectNodeOptions): Promise<NodeClient> {
  const started = Date.now()
  const budget = options.timeoutMs ?? 10_000
  const connOptions: ConnectionOptions = {
    node: options.node,
    cookie: options.cookie,
    timeoutMs: budget,
    epmdPort: options.epmdPort,
    silenceLimitMs: options.silenceLimitMs
  }
  const conn = await DistConnection.open(connOptions)
  const client = new NodeClient(conn)
  try {
    const rel = await client.rpc(
      'erlang',
      'system_info',
      [{ kind: 'atom', name: 'otp_release' }],
      Math.max(1000, budget - (Date.now() - started))
    )
    client.otpRelease = asText(rel)
  } catch (e) {
    client.close()
    throw e
  }
  return client
}

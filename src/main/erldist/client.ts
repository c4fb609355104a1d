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
import { AppError } from '../app-error'
import type { RouteSpec } from '../../shared/contract/route'
import type { RouteAsker } from '../route/asker'
import { Route, type RouteEnv } from '../route/route'
import { DistConnection, type ConnectionOptions } from './connection'
import { formatTerm } from './etf/format'
import { asText, atom, listElements, type Term } from './etf/types'
import { RemoteEval } from './remote-eval'
import { RexClient, type RpcCaller } from './rpc'
import { ErpcCaller } from './through'

export * from './etf'
export { BadRpcError } from './rpc'
export { flagNames } from './flags'
export { parseNodeName, type NodeName } from './node-name'
import { parseNodeName } from './node-name'
export { epmdNames, portPlease } from './epmd'
export { Route } from '../route/route'

export interface ConnectNodeOptions {
  node: string
  cookie: string
  /** Connect budget (EPMD + handshake + first rpc), default 10 000 ms. */
  timeoutMs?: number
  epmdPort?: number
  /**
   * Reach `node` through this node of its cluster: connect to `through` (the entry) and run every
   * rpc and eval on `node` with `erpc:call` from there. `node` must be connected to the entry.
   */
  through?: string
  /** Link liveness: silence after which 'lost' fires with code timeout (default 120 000 ms). */
  silenceLimitMs?: number
  /** How bytes reach the node (SSH hops, proxy command, TLS, a given port...); default direct TCP. */
  route?: RouteSpec
  /** Answers the route's questions (unknown host keys, key passphrases); default: refuse. */
  asker?: RouteAsker
  /** For tests: the environment and home directory the route reads (SSH_AUTH_SOCK, ~/.ssh). */
  routeEnv?: Omit<RouteEnv, 'asker'>
}

interface NodeClientEvents {
  lost: [AppError]
  close: []
}

export class NodeClient extends EventEmitter<NodeClientEvents> {
  /** @internal rex on the peer (the entry node when calls run elsewhere) */
  readonly rex: RexClient
  private readonly caller: RpcCaller
  private readonly evaluator: RemoteEval
  otpRelease: string | undefined

  /** `target`: run everything on that node of the peer's cluster, through the peer (see ErpcCaller). */
  constructor(
    private readonly conn: DistConnection,
    private readonly target?: string,
    readonly route: Route = new Route()
  ) {
    super()
    conn.on('close', () => route.close())
    this.rex = new RexClient(conn)
    this.caller = target === undefined ? this.rex : new ErpcCaller(this.rex, conn.peerName, target)
    this.evaluator = new RemoteEval(this.caller, target ?? conn.peerName)
    conn.on('lost', (reason) => this.emit('lost', reason))
    conn.on('close', () => this.emit('close'))
  }

  /** The node the calls run on (the target when reached through an entry node). */
  get peerName(): string {
    return this.target ?? this.conn.peerName
  }
  /** The node we hold the distribution link with when the calls run on another node; else undefined. */
  get entryName(): string | undefined {
    return this.target === undefined ? undefined : this.conn.peerName
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
    return this.caller.call(module, fn, args, timeoutMs)
  }

  eval(source: string, bindings: Record<string, Term> = {}, timeoutMs?: number): Promise<Term> {
    return this.evaluator.eval(source, bindings, timeoutMs)
  }

  format(term: Term): string {
    return formatTerm(term, { localNode: this.peerName })
  }

  close(): void {
    this.conn.close()
  }

  /** @internal the underlying link, for tests and low-level use */
  get connection(): DistConnection {
    return this.conn
  }
}

/** The entry node must already hold a link to the target: erlscope never makes it dial new nodes. */
async function requireConnected(rex: RexClient, entry: string, target: string): Promise<void> {
  const names = (listElements(await rex.call('erlang', 'nodes', [atom('connected')])) ?? []).flatMap((t) =>
    t.kind === 'atom' ? [t.name] : []
  )
  if (names.includes(target)) return
  const shown = names.slice(0, 10).join(', ') + (names.length > 10 ? ', …' : '')
  throw new AppError(
    'node_not_found',
    `${target} is not connected to ${entry}` +
      (names.length ? `; ${entry} is connected to ${shown}.` : `, which is connected to no other node.`)
  )
}

export async function connectNode(options: ConnectNodeOptions): Promise<NodeClient> {
  const started = Date.now()
  const budget = options.timeoutMs ?? 10_000
  const route = new Route(options.route, { ...options.routeEnv, asker: options.asker })
  const connOptions: ConnectionOptions = {
    node: options.through ?? options.node,
    cookie: options.cookie,
    timeoutMs: budget,
    epmdPort: options.epmdPort,
    silenceLimitMs: options.silenceLimitMs,
    route
  }
  let conn: DistConnection
  try {
    conn = await DistConnection.open(connOptions)
  } catch (e) {
    route.close()
    throw e
  }
  const target = options.through === undefined ? undefined : parseNodeName(options.node).full
  const client = new NodeClient(conn, target, route)
  try {
    if (target !== undefined && target !== conn.peerName)
      await requireConnected(client.rex, conn.peerName, target)
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

import type { RouteSpec } from '../../shared/contract/route'
import type { RouteAsker } from '../route/asker'
import type { RouteEnv } from '../route/route'
import type { EVal } from './eval-value'

/** A value passed as an `erl_eval` binding (or an rpc argument): numbers, atoms, binaries. */
export type Arg = number | boolean | { atom: string } | { binary: string } | Arg[]

/**
 * What the collectors need from a connection. `dist-adapter.ts` implements it over the
 * distribution client; results come back in the collectors' value model (eval-value.ts).
 */
export interface LiveClient {
  /** Full name of the peer, `name@host`. */
  readonly peer: string
  /** The peer's creation from the handshake: a restarted node gets a new one (absent through an entry node). */
  readonly creation?: number
  /** The node we are connected to when the calls run on `peer` through it (see ConnectOptions.through). */
  readonly entry?: string
  /** Our own (hidden) node name as the connected node sees it. */
  readonly localName?: string
  /** `erl_eval:exprs/2` on the target (parsed once per connection), bindings by name. */
  evaluate(source: string, bindings: Record<string, Arg>, timeoutMs: number): Promise<EVal>
  /** `rpc:call(M, F, Args)` through rex. */
  call(module: string, fun: string, args: Arg[], timeoutMs: number): Promise<EVal>
  /** Called once when the connection goes away (not after `close`). */
  onLost(listener: (reason: string) => void): void
  close(): Promise<void>
}

export interface ConnectOptions {
  node: string
  cookie: string
  timeoutMs?: number
  /** Connect to this node of `node`'s cluster and run every call on `node` through it (erpc). */
  through?: string
  /** How bytes reach the node; rebuilt on every connect (so a reconnect rebuilds SSH sessions). */
  route?: RouteSpec
  asker?: RouteAsker
  /** Where the route reads SSH_AUTH_SOCK and ~/.ssh (tests); default this process's. */
  routeEnv?: Omit<RouteEnv, 'asker'>
}

export type Connector = (options: ConnectOptions) => Promise<LiveClient>

export const atomArg = (name: string): Arg => ({ atom: name })
export const binArg = (text: string): Arg => ({ binary: text })

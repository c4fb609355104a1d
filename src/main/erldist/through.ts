import { AppError } from '../app-error'
import { atom, int, isAtom, list, tuple, type Term } from './etf/types'
import { BadRpcError, DEFAULT_RPC_TIMEOUT_MS, type RpcCaller } from './rpc'

/** Extra time the entry node's rex gets beyond the erpc timeout it runs with. */
const ENTRY_MARGIN_MS = 2000

/**
 * Runs calls on `target` through the node we are connected to (`entry`):
 * `rex` on the entry runs `erpc:call(Target, M, F, Args, Timeout)` (stdlib, OTP 23+), so nothing
 * is loaded anywhere and the entry's own distribution link carries the traffic. Failures come back
 * as the same errors a direct call gives: a raised error as `{badrpc, {'EXIT', {Reason, Stack}}}`,
 * an exit as `{badrpc, {'EXIT', Reason}}`; a target the entry cannot reach (`{erpc, noconnection}`)
 * as connection_lost, an erpc timeout as timeout.
 */
export class ErpcCaller implements RpcCaller {
  constructor(
    private readonly entry: RpcCaller,
    readonly entryName: string,
    readonly target: string
  ) {}

  async call(module: string, fn: string, args: Term[], timeoutMs = DEFAULT_RPC_TIMEOUT_MS): Promise<Term> {
    const name = `${module}:${fn}/${args.length}`
    try {
      return await this.entry.call(
        'erpc',
        'call',
        [atom(this.target), atom(module), atom(fn), list(args), int(timeoutMs)],
        timeoutMs + ENTRY_MARGIN_MS
      )
    } catch (error) {
      if (error instanceof BadRpcError) throw unwrapErpc(error.reason, name, this.entryName, this.target)
      throw error
    }
  }
}

/** `{'EXIT', ...}` from rex around erpc:call → the error a direct call to the target would give. */
export function unwrapErpc(reason: Term, call: string, entry: string, target: string): AppError {
  const exit = reason.kind === 'tuple' && reason.elements.length === 2 && isAtom(reason.elements[0], 'EXIT')
  const why = exit ? reason.elements[1] : undefined
  if (why?.kind === 'tuple' && why.elements.length === 2) {
    const [head, rest] = why.elements
    // {{erpc, noconnection | timeout | ...}, Stack}: erpc's own failure on the entry
    if (head.kind === 'tuple' && head.elements.length === 2 && isAtom(head.elements[0], 'erpc')) {
      const what = head.elements[1]
      if (isAtom(what, 'noconnection'))
        return new AppError(
          'connection_lost',
          `${target} cannot be reached from ${entry} (erpc: noconnection): it is down or not connected to ${entry}.`
        )
      if (isAtom(what, 'timeout'))
        return new AppError(
          'timeout',
          `The call ${call} on ${target} (through ${entry}) did not answer in time.`
        )
    }
    // {{exception, Reason, Stack}, _}: the target raised an error
    if (head.kind === 'tuple' && head.elements.length === 3 && isAtom(head.elements[0], 'exception'))
      return new BadRpcError(
        `${call} on ${target}`,
        tuple(atom('EXIT'), tuple(head.elements[1], head.elements[2])),
        target
      )
    // {exception, Reason}: the target exited
    if (isAtom(head, 'exception'))
      return new BadRpcError(`${call} on ${target}`, tuple(atom('EXIT'), rest), target)
  }
  return new BadRpcError(`${call} on ${target} through ${entry}`, reason, entry)
}

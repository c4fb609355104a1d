import { connectNode, type NodeClient } from '../erldist/client'
import type { Term } from '../erldist/etf/types'
import type { Connector, LiveClient } from './live-client'
import { fromTerm, toTerm } from './term-adapter'

/** The distribution client's connectNode (src/main/erldist/client.ts). */
export type DistConnect = typeof connectNode

function wrap(client: NodeClient): LiveClient {
  let listener: ((reason: string) => void) | undefined
  let pending: string | undefined
  client.on('lost', (error) => {
    if (listener) listener(error.message)
    else pending = error.message
  })
  return {
    peer: client.peerName,
    ...(client.entryName !== undefined ? { entry: client.entryName } : { creation: client.peerCreation }),
    localName: client.localName,
    async evaluate(source, bindings, timeoutMs) {
      const terms: Record<string, Term> = {}
      for (const [k, v] of Object.entries(bindings)) terms[k] = toTerm(v)
      return fromTerm(await client.eval(source, terms, timeoutMs))
    },
    async call(module, fun, args, timeoutMs) {
      return fromTerm(await client.rpc(module, fun, args.map(toTerm), timeoutMs))
    },
    onLost(l) {
      listener = l
      if (pending !== undefined) l(pending)
    },
    async close() {
      client.close()
    }
  }
}

/** Wraps the distribution client into the collectors' LiveClient. */
export function connectorFrom(connect: DistConnect = connectNode): Connector {
  return async ({ node, cookie, timeoutMs, through, route, asker, routeEnv }) =>
    wrap(
      await connect({
        node,
        cookie,
        timeoutMs,
        ...(through !== undefined ? { through } : {}),
        route,
        asker,
        routeEnv
      })
    )
}

/** The connector over the real distribution client. */
export const defaultConnector: Connector = connectorFrom()

import { evalOn } from '../../support/erl-node'
import type { Arg, Connector, LiveClient } from '../../../src/main/node/live-client'
import { parseErlang } from '../../unit/node/term-text'

/** Erlang source text for a binding value. */
export function argText(a: Arg): string {
  if (typeof a === 'number') return String(a)
  if (typeof a === 'boolean') return String(a)
  if (Array.isArray(a)) return `[${a.map(argText).join(',')}]`
  if ('atom' in a) return `'${a.atom.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  return `base64:decode(<<"${Buffer.from(a.binary, 'utf8').toString('base64')}">>)`
}

/**
 * A LiveClient that evaluates through a throwaway erl (erl-node's evalOn) and reads its ~p
 * output: the collectors' expressions and converters checked end to end without the TypeScript
 * distribution client. Never reports a lost connection.
 */
export function bridgeConnector(): Connector {
  return async ({ node, cookie }) => {
    const run = async (src: string): Promise<ReturnType<typeof parseErlang>> =>
      parseErlang(await evalOn(node, cookie, src))
    await run('node()')
    const client: LiveClient = {
      peer: node,
      evaluate: (source, bindings) => {
        const pre = Object.entries(bindings).map(([k, v]) => `${k} = ${argText(v)}`)
        return run(
          pre.length ? `begin ${pre.join(', ')}, ${source.trim()} end` : `begin ${source.trim()} end`
        )
      },
      call: (m, f, args) => run(`erlang:apply('${m}', '${f}', [${args.map(argText).join(',')}])`),
      onLost: () => undefined,
      close: async () => undefined
    }
    return client
  }
}

import { AppError } from '../app-error'
import { connectNode, type NodeClient } from '../erldist/client'
import { epmdNames } from '../erldist/epmd'
import { asNumber, listElements, type Term } from '../erldist/etf'
import { shortHostname } from '../erldist/node-name'
import { terminalText } from './terminal-text'
import { flagString, type CliCommand, type CliIo, type ParsedArgs } from './command'
import { nodeArg, resolveCookie, resolveThrough, resolveTimeout } from './node-cookie'
import { termToJson } from './node-json'
import { cliAsker, routeFromArgs } from './route-flags'
import { Route } from '../route/route'
import { memoryCategories } from '../../shared/contract/node'

export { memoryCategories as MEMORY_KEYS } from '../../shared/contract/node'

/** Connects, runs `fn`, always closes. */
export async function withNode<T>(
  args: ParsedArgs,
  io: CliIo,
  usage: string,
  fn: (c: NodeClient) => Promise<T>
): Promise<T> {
  const node = nodeArg(args, usage)
  const through = resolveThrough(args)
  // the cookie goes to the node we dial: the entry node when there is one
  const cookie = resolveCookie(args, io, through ?? node)
  const timeoutMs = resolveTimeout(args, 10_000)
  const client = await connectNode({
    node,
    cookie,
    timeoutMs,
    ...(through !== undefined ? { through } : {}),
    route: routeFromArgs(args),
    asker: cliAsker()
  })
  try {
    return await fn(client)
  } finally {
    client.close()
  }
}

import { humanBytes } from '../../shared/format-bytes'
import { JSON_FLAG, NODE_FLAGS, ROUTE_FLAGS } from './flags'

export { humanBytes }

/** `erlang:memory()` proplist → `{total: n, ...}` in the node's order. */
export function memoryObject(term: Term): Record<string, number> {
  const out: Record<string, number> = {}
  for (const e of listElements(term) ?? []) {
    if (e.kind === 'tuple' && e.elements.length === 2 && e.elements[0].kind === 'atom') {
      const v = asNumber(e.elements[1])
      if (v !== undefined) out[e.elements[0].name] = v
    }
  }
  for (const k of memoryCategories) {
    if (!(k in out)) throw new AppError('decode_error', `erlang:memory() did not report '${k}'.`)
  }
  return out
}

export function memoryTable(node: string, mem: Record<string, number>): string {
  const rows = Object.entries(mem).map(([k, v]) => [
    terminalText(k),
    humanBytes(v),
    v.toLocaleString('en-US')
  ])
  const w0 = Math.max(...rows.map((r) => r[0].length))
  const w1 = Math.max(...rows.map((r) => r[1].length))
  const w2 = Math.max(...rows.map((r) => r[2].length))
  const lines = rows.map(([k, h, e]) => `  ${k.padEnd(w0)}  ${h.padStart(w1)}  ${e.padStart(w2)} bytes`)
  return [`Memory of ${node}`, ...lines].join('\n')
}

const nodes: CliCommand = {
  name: 'nodes',
  usage: 'nodes [--host H] [--json] [route flags]',
  flags: [
    {
      name: 'host',
      value: 'H',
      help: 'the host whose EPMD to ask (default: this machine; through a route: localhost at its far end)'
    },
    { name: 'timeout', value: 'MS', help: 'how long to wait for EPMD, in ms' },
    JSON_FLAG,
    ...ROUTE_FLAGS.filter((f) => !f.name.startsWith('tls') && f.name !== 'dist-port')
  ],
  summary:
    'list the Erlang nodes registered in EPMD on a host (default: this machine; through a route: its far end)',
  async run(args, io) {
    const spec = routeFromArgs(args)
    const route = new Route(spec, { asker: cliAsker() })
    const host = flagString(args, 'host') ?? (route.direct ? shortHostname() : 'localhost')
    const { nodes: list } = await epmdNames(route.dialHost(host), {
      timeoutMs: resolveTimeout(args, 5000),
      route
    }).finally(() => route.close())
    const rows = list.map((n) => ({ name: n.name, node: `${n.name}@${host}`, port: n.port }))
    if (args.flags.has('json')) io.out(JSON.stringify(rows, null, 2))
    else if (rows.length === 0) io.out(`No nodes registered in EPMD on ${terminalText(host)}.`)
    else {
      // names come from whatever answered on the EPMD port: escaped before they are padded
      const safe = rows.map((r) => ({ node: terminalText(r.node), port: r.port }))
      const w = Math.max(4, ...safe.map((r) => r.node.length))
      io.out([`${'NODE'.padEnd(w)}  PORT`, ...safe.map((r) => `${r.node.padEnd(w)}  ${r.port}`)].join('\n'))
    }
    return 0
  }
}
const memory: CliCommand = {
  name: 'memory',
  usage: 'memory NODE [--through ENTRY] [--json]',
  flags: [...NODE_FLAGS, JSON_FLAG],
  summary: "a node's erlang:memory() in bytes",
  async run(args, io) {
    const { peer, mem } = await withNode(args, io, this.usage, async (c) => ({
      peer: c.peerName,
      mem: memoryObject(await c.rpc('erlang', 'memory', [], resolveTimeout(args, 30_000)))
    }))
    io.out(args.flags.has('json') ? JSON.stringify(mem, null, 2) : memoryTable(peer, mem))
    return 0
  }
}

const evalCommand: CliCommand = {
  name: 'eval',
  usage: "eval NODE 'EXPR' [--through ENTRY] [--json]",
  flags: [...NODE_FLAGS, JSON_FLAG],
  summary: 'evaluate an Erlang expression on a node (erl_eval; loads no code) and print the result',
  async run(args, io) {
    const source = args.positional.slice(1).join(' ')
    if (source.trim() === '')
      throw new AppError('invalid_request', `What to evaluate? Usage: erlscope ${this.usage}`)
    const out = await withNode(args, io, this.usage, async (c) => {
      const value = await c.eval(source, {}, resolveTimeout(args, 30_000))
      return args.flags.has('json')
        ? JSON.stringify(
            { node: c.peerName, result: c.format(value), value: termToJson(value, c.peerName) },
            null,
            2
          )
        : c.format(value)
    })
    io.out(out)
    return 0
  }
}

/** Live-node subcommands (nodes, memory, eval). */
export const nodeCommands: CliCommand[] = [nodes, memory, evalCommand]

import { it } from 'vitest'
import * as G from '../src/main/node/collectors-categories'
import { connectorFrom } from '../src/main/node/dist-adapter'
import { startNode } from '../test/support/erl-node'

/**
 * ETS ranking on a node with 10,000 tables and port ranking with 10,000 TCP sockets (5,000
 * connected pairs), end to end through the distribution client; each the median of 5 runs.
 * Also how long the node itself takes for `ets:all()` + `ets:info(T, memory)` and
 * `erlang:ports()` + `port_info(P, queue_size)` (the scan alone, in the node) as the anchor.
 */
const TABLES = Number(process.env.ERLSCOPE_BENCH_TABLES ?? 10_000)
const PAIRS = Number(process.env.ERLSCOPE_BENCH_PAIRS ?? 5_000)

it('ETS and ports rankings on a big node', async () => {
  const node = await startNode({ args: ['+Q', String(PAIRS * 2 + 1000)] })
  try {
    await node.eval(`
      P = spawn(fun() -> [ets:new(t, [set, public]) || _ <- lists:seq(1, ${TABLES})], receive stop -> ok end end),
      register(bench_tables, P), ok`)
    await node.eval(`
      Self = self(),
      P = spawn(fun() ->
        {ok, L} = gen_tcp:listen(0, [binary, {active, false}, {backlog, 1024}, {ip, {127,0,0,1}}]),
        {ok, Port} = inet:port(L),
        Ss = lists:append([begin {ok, C} = gen_tcp:connect({127,0,0,1}, Port, [binary, {active, false}]),
                                 {ok, A} = gen_tcp:accept(L), [C, A] end || _ <- lists:seq(1, ${PAIRS})]),
        Self ! {ready, length(Ss)},
        receive stop -> Ss end
      end),
      register(bench_sockets, P),
      receive {ready, N} -> N end`)
    const client = await connectorFrom()({ node: node.name, cookie: node.cookie, timeoutMs: 30_000 })
    const median = async (f: () => Promise<unknown>): Promise<{ ms: number; bytes: number }> => {
      const ts: number[] = []
      let bytes = 0
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now()
        const r = await f()
        ts.push(performance.now() - t0)
        bytes = JSON.stringify(r).length
      }
      ts.sort((a, b) => a - b)
      return { ms: ts[2], bytes }
    }
    const ets = await median(() => G.ets(client, { sortBy: 'memory', limit: 50 }))
    const ports = await median(() => G.ports(client, { sortBy: 'queue', limit: 50 }))
    const inNode = async (expr: string): Promise<number> =>
      Number(await node.eval(`{T, _} = timer:tc(fun() -> ${expr} end), T div 1000`))
    const etsAnchor = await inNode('[ets:info(T, memory) || T <- ets:all()]')
    const portAnchor = await inNode('[erlang:port_info(P, queue_size) || P <- erlang:ports()]')
    const counts = await node.eval('{length(ets:all()), length(erlang:ports())}')
    console.log(`node ${counts} (tables, ports)`)
    console.log(
      `ets   top 50 by memory: ${ets.ms.toFixed(0)} ms end to end, reply ${ets.bytes} B as JSON; in-node scan alone ${etsAnchor} ms`
    )
    console.log(
      `ports top 50 by queue:  ${ports.ms.toFixed(0)} ms end to end, reply ${ports.bytes} B as JSON; in-node scan alone ${portAnchor} ms`
    )
    await client.close()
  } finally {
    await node.stop()
  }
})

import { afterAll, it } from 'vitest'
import * as C from '../src/main/node/collectors'
import { PROCESSES } from '../src/main/node/exprs'
import type { LiveClient } from '../src/main/node/live-client'
import { startNode, type ErlNode } from '../test/support/erl-node'
import { bridgeConnector } from '../test/integration/node/erl-bridge'
import { liveConnector } from '../test/integration/node/live-connector'

/** See bench/node-growth.mjs for what this measures and how to run it. */
const PROCS = Number(process.env.ERLSCOPE_BENCH_PROCS ?? 1_000_000)
const ROUNDS = Number(process.env.ERLSCOPE_BENCH_ROUNDS ?? 4)
const WINDOW_MS = 2000
const LIMIT = 50

let node: ErlNode | undefined
afterAll(async () => node?.stop())

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/**
 * `same`: the PROCESSES expression as the body of a compiled function, bindings as its arguments.
 * `naive`: the two-fold growth ranking anyone would write, compiled: a {Pid, Value} list, the
 * window, a second fold with the deltas (a map of the first; a newborn counts from 0), sort, top N.
 */
const REF_MODULE = `
-module(erlscope_bench_growth).
-export([same/9, naive/3]).
same(Key, GrowthOf, Depth, Offset, Limit, Filter, Group, WindowMs, ChunkSize) ->
  _ = {GrowthOf, Depth, Filter, Group, WindowMs},
${PROCESSES.trim()}.
naive(Item, WindowMs, N) ->
  S1 = [{P, V} || P <- erlang:processes(), {_, V} <- [erlang:process_info(P, Item)]],
  timer:sleep(WindowMs),
  M1 = maps:from_list(S1),
  D = [{V - maps:get(P, M1, 0), P} || P <- erlang:processes(), {_, V} <- [erlang:process_info(P, Item)]],
  lists:sublist(lists:reverse(lists:sort(D)), N).
`

it(`growth ranking over ${PROCS.toLocaleString('en-US')} processes, ${WINDOW_MS} ms window`, async () => {
  const live = liveConnector()
  const connect = live ?? bridgeConnector()
  node = await startNode({ args: ['+P', String(Math.max(2_000_000, PROCS * 2))] })
  const t0 = Date.now()
  // idle processes, five that grow a little (bounded, so the node's own memory hardly drifts) and
  // a churner (about a thousand short-lived processes a second: newborns in every window)
  await node.eval(`
    Spawn = fun(0, _) -> ok; (N, F) -> spawn(erlang, hibernate, [timer, sleep, [infinity]]), F(N - 1, F) end,
    Spawn(${PROCS}, Spawn),
    [register(list_to_atom("bench_grower_" ++ integer_to_list(I)),
              spawn(fun() -> G = fun Gr(L) -> receive stop -> ok after 100 ->
                                   Gr(case length(L) > 50000 of true -> []; false -> lists:seq(1, 200 * I) ++ L end)
                                 end end, G([]) end)) || I <- lists:seq(1, 5)],
    register(bench_churner, spawn(fun Ch() -> [spawn(fun() -> timer:sleep(50) end) || _ <- lists:seq(1, 10)],
                                              timer:sleep(10), Ch() end)),
    ok`)
  const count = Number(await node.eval('erlang:system_info(process_count)'))
  console.log(`node ready: ${count} processes in ${Date.now() - t0} ms`)

  const src = Buffer.from(REF_MODULE).toString('base64')
  await node.eval(`
    {ok, Ts, _} = erl_scan:string(binary_to_list(base64:decode(<<"${src}">>))),
    Split = fun S([], _, Out) -> lists:reverse(Out);
                S([{dot, _} = D | R], Acc, Out) -> {ok, F} = erl_parse:parse_form(lists:reverse([D | Acc])), S(R, [], [F | Out]);
                S([T | R], Acc, Out) -> S(R, [T | Acc], Out) end,
    {ok, Mod, Bin} = compile:forms(Split(Ts, [], []), [nowarn_unused_vars, nowarn_shadow_vars]),
    {module, Mod} = code:load_binary(Mod, "erlscope_bench_growth.erl", Bin),
    ok`)

  const client: LiveClient = await connect({ node: node.name, cookie: node.cookie, timeoutMs: 30_000 })
  const query = {
    sortBy: 'growth' as const,
    growthOf: 'memory' as const,
    windowMs: WINDOW_MS,
    limit: LIMIT,
    offset: 0
  }

  // memory high-water mark on the target during a call (erlang:memory(total), polled every ms)
  const watch = async <T>(f: () => Promise<T>): Promise<{ value: T; grewBy: number }> => {
    await node!.eval(`
      erlang:garbage_collect(),
      Base = erlang:memory(total),
      W = spawn(fun() ->
            Loop = fun L(Max) -> receive {stop, From} -> From ! {peak, Max - Base} after 1 -> L(max(Max, erlang:memory(total))) end end,
            Loop(Base)
          end),
      register(bench_watch, W), ok`)
    const value = await f()
    const grewBy = Number(await node!.eval(`bench_watch ! {stop, self()}, receive {peak, P} -> P end`))
    return { value, grewBy }
  }
  const inNode = async (call: string): Promise<number> =>
    Number(await node!.eval(`element(1, timer:tc(fun() -> ${call} end)) / 1000`))

  const ours: number[] = []
  const naive: number[] = []
  const same: number[] = []
  let first = 0
  const grew: number[] = []
  const naiveGrew: number[] = []
  const sameGrew: number[] = []
  const pidsGrew: number[] = []
  let top: Awaited<ReturnType<typeof C.processes>> | undefined
  for (let round = 0; round < ROUNDS; round++) {
    // time our call only: watch() starts and stops its memory probe with helper erl calls
    let ms = 0
    const w = await watch(async () => {
      const started = performance.now()
      const value = await C.processes(client, query)
      ms = performance.now() - started
      return value
    })
    if (round === 0) first = ms
    else ours.push(ms)
    grew.push(w.grewBy)
    top = w.value
    const nv = await watch(() => inNode(`erlscope_bench_growth:naive(memory, ${WINDOW_MS}, ${LIMIT})`))
    naive.push(nv.value)
    naiveGrew.push(nv.grewBy)
    const sm = await watch(() =>
      inNode(
        `erlscope_bench_growth:same(growth, memory, ${C.LIMITS.maxReachable}, 0, ${LIMIT}, undefined, [], ${WINDOW_MS}, ${C.LIMITS.chunkSize})`
      )
    )
    same.push(sm.value)
    sameGrew.push(sm.grewBy)
    // the list held a moment, so the 1 ms probe sees it (a bare call is often over between two polls)
    const pl = await watch(async () =>
      node!.eval(`Pids = erlang:processes(), timer:sleep(100), length(Pids)`)
    )
    pidsGrew.push(pl.grewBy)
    console.log(
      `round ${round + 1}: erlscope ${ms.toFixed(0)} ms +${(w.grewBy / 1048576).toFixed(1)} MB; naive ${nv.value.toFixed(0)} ms +${(nv.grewBy / 1048576).toFixed(1)} MB; same compiled ${sm.value.toFixed(0)} ms +${(sm.grewBy / 1048576).toFixed(1)} MB; processes() +${(pl.grewBy / 1048576).toFixed(1)} MB`
    )
  }
  const listBytes = Number(
    await node.eval(`erts_debug:flat_size(erlang:processes()) * erlang:system_info(wordsize)`)
  )
  await client.close()

  const o = median(ours)
  const n = median(naive)
  const s = median(same)
  const g = median(grew)
  const ng = median(naiveGrew)
  const sg = median(sameGrew)
  const pg = median(pidsGrew)
  const mb = (b: number): string => `${(b / 1048576).toFixed(1)} MB`
  const ms = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(', ')
  console.log(
    `client: ${live ? 'TypeScript distribution client' : 'erl bridge (dist client not available: numbers include an erl start per call)'}`
  )
  const row = top?.rows[0]
  console.log(`top row: ${row?.label} +${row?.sortValue} bytes; page of ${top?.rows.length} of ${top?.total}`)
  console.log(
    `erlscope end to end (median of ${ours.length}, warm; ${ms(ours)}): ${o.toFixed(0)} ms  (first call, parse included: ${first.toFixed(0)} ms)`
  )
  console.log(
    `naive two-fold, compiled in the node (timer:tc; ${ms(naive)}): ${n.toFixed(0)} ms  -> ratio ${(o / n).toFixed(2)}x (target <= 1.5x)`
  )
  console.log(
    `same expression compiled in the node (timer:tc; ${ms(same)}):  ${s.toFixed(0)} ms  -> ratio ${(o / s).toFixed(2)}x`
  )
  console.log(
    `target memory growth during our call (peak of erlang:memory(total), median; all rounds: ${grew.map(mb).join(', ')}): ${mb(g)}`
  )
  console.log(
    `  vs calling processes() alone (peak, median; ${pidsGrew.map(mb).join(', ')}): ${mb(pg)}  -> ${(g / pg).toFixed(2)}x (target <= 1x)`
  )
  console.log(
    `  vs the naive two-fold (peak; ${naiveGrew.map(mb).join(', ')}): ${mb(ng)}  -> ${(g / ng).toFixed(2)}x`
  )
  console.log(`  the same expression compiled (peak; ${sameGrew.map(mb).join(', ')}): ${mb(sg)}`)
  console.log(`  flat size of the pid list: ${mb(listBytes)}`)
})

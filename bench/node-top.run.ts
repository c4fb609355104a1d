import { afterAll, it } from 'vitest'
import * as C from '../src/main/node/collectors'
import { PROCESSES } from '../src/main/node/exprs'
import type { LiveClient } from '../src/main/node/live-client'
import { startNode, type ErlNode } from '../test/support/erl-node'
import { bridgeConnector } from '../test/integration/node/erl-bridge'
import { liveConnector } from '../test/integration/node/live-connector'

/** See bench/node-top.mjs for what this measures and how to run it. */
const PROCS = Number(process.env.ERLSCOPE_BENCH_PROCS ?? 1_000_000)
const ROUNDS = 5

let node: ErlNode | undefined
afterAll(async () => node?.stop())

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** The PROCESSES expression as the body of a compiled function, bindings as its arguments. */
const REF_MODULE = `
-module(erlscope_bench_ref).
-export([same/9, naive/1]).
same(Key, GrowthOf, Depth, Offset, Limit, Filter, Group, WindowMs, ChunkSize) ->
  _ = {GrowthOf, Depth, Filter, Group, WindowMs},
${PROCESSES.trim()}.
naive(N) ->
  Ps = [{M, P} || P <- erlang:processes(), {memory, M} <- [erlang:process_info(P, memory)]],
  lists:sublist(lists:reverse(lists:sort(Ps)), N).
`

it(`top-10 by memory over ${PROCS.toLocaleString('en-US')} processes`, async () => {
  const live = liveConnector()
  const connect = live ?? bridgeConnector()
  node = await startNode({ args: ['+P', String(Math.max(2_000_000, PROCS * 2))] })
  const t0 = Date.now()
  await node.eval(`
    Keeper = spawn(fun() -> receive stop -> ok end end), register(bench_keeper, Keeper),
    Spawn = fun(0, _) -> ok; (N, F) -> spawn(erlang, hibernate, [timer, sleep, [infinity]]), F(N - 1, F) end,
    Spawn(${PROCS}, Spawn),
    [spawn(fun() -> L = lists:seq(1, I * 20000), receive stop -> length(L) end end) || I <- lists:seq(1, 20)],
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
    {module, Mod} = code:load_binary(Mod, "erlscope_bench_ref.erl", Bin),
    ok`)

  const client: LiveClient = await connect({ node: node.name, cookie: node.cookie, timeoutMs: 30_000 })
  const query = { sortBy: 'memory' as const, limit: 10, offset: 0 }

  // memory high-water mark on the target during our call
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

  const ours: number[] = []
  const same: number[] = []
  const naive: number[] = []
  let first = 0
  const grew: number[] = []
  const naiveGrew: number[] = []
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
    same.push(
      Number(
        await node.eval(
          `element(1, timer:tc(erlscope_bench_ref, same, [memory, memory, ${C.LIMITS.maxReachable}, 0, 10, undefined, [], 0, ${C.LIMITS.chunkSize}])) / 1000`
        )
      )
    )
    const nv = await watch(async () =>
      Number(await node!.eval(`element(1, timer:tc(erlscope_bench_ref, naive, [10])) / 1000`))
    )
    naive.push(nv.value)
    naiveGrew.push(nv.grewBy)
    const pl = await watch(async () => node!.eval(`length(erlang:processes())`))
    pidsGrew.push(pl.grewBy)
  }
  const listBytes = Number(
    await node.eval(`erts_debug:flat_size(erlang:processes()) * erlang:system_info(wordsize)`)
  )
  const rowsBytes = Number(
    await node.eval(
      `erts_debug:flat_size([{M, P} || P <- erlang:processes(), {memory, M} <- [erlang:process_info(P, memory)]]) * erlang:system_info(wordsize)`
    )
  )
  await client.close()

  const o = median(ours)
  const s = median(same)
  const n = median(naive)
  const g = median(grew)
  const ng = median(naiveGrew)
  const pg = median(pidsGrew)
  console.log(
    `client: ${live ? 'TypeScript distribution client' : 'erl bridge (dist client not available: numbers include an erl start per call)'}`
  )
  console.log(`top row: ${top?.rows[0].label} ${top?.rows[0].memory} bytes; page of ${top?.rows.length}`)
  console.log(
    `erlscope end to end (median of ${ours.length}, warm): ${o.toFixed(0)} ms  (first call, parse included: ${first.toFixed(0)} ms)`
  )
  console.log(
    `same expression compiled in the node (timer:tc):  ${s.toFixed(0)} ms  -> ratio ${(o / s).toFixed(2)}x (target <= 1.5x)`
  )
  console.log(
    `recon-style sort of every process, compiled:       ${n.toFixed(0)} ms  -> ratio ${(o / n).toFixed(2)}x`
  )
  const mb = (b: number): string => `${(b / 1048576).toFixed(1)} MB`
  console.log(
    `target memory growth during our call (peak of erlang:memory(total), median; all rounds: ${grew.map(mb).join(', ')}): ${mb(g)}`
  )
  console.log(`  vs recon-style sort of every process (peak):    ${mb(ng)}  -> ${(g / ng).toFixed(2)}x`)
  console.log(`  vs calling processes() alone (peak, the floor):  ${mb(pg)}  -> ${(g / pg).toFixed(2)}x`)
  console.log(`  flat size of the pid list:                      ${mb(listBytes)}`)
  console.log(
    `  flat size of the full [{Memory, Pid}] list:     ${mb(rowsBytes)}  -> ${(g / rowsBytes).toFixed(2)}x`
  )
})

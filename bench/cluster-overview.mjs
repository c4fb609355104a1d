#!/usr/bin/env node
// Cluster overview through one node: N small local nodes connected to an entry node (a star,
// -connect_all false), one sample = one erl_eval on the entry that erpc:multicalls every member
// (OTP release, uptime, process count, erlang:memory()). Median over RUNS samples of:
//   - the wall time from here (what the GUI waits for), and the multicall's own time on the entry;
//   - the entry's cost per sample: VM CPU time (statistics(runtime)), reductions and memory of the
//     evaluating process.
// Anchors in the same run: one direct erlang:memory() rpc to the entry, and the bare stdlib fan-out
// erpc:multicall(Nodes, erlang, memory, []) timed inside the entry with timer:tc.
// Target: one sample of 100 nodes under 1 s on this machine.
//
//   node bench/cluster-overview.mjs [NODES] [RUNS]      (or: npm run bench -- cluster)
//
// Needs Erlang/OTP and about 2 GB of free memory for 100 nodes; loads the TypeScript sources
// through Vite's SSR loader (no build). Prints ratios, asserts nothing.
import { tsModules } from './ts-modules.mjs'

const nodes = Number(process.argv[2] ?? process.env.ERLSCOPE_BENCH_NODES ?? 100)
const runs = Number(process.argv[3] ?? 15)
const vite = await tsModules()
const { startCluster, SMALL_NODE_ARGS } = await vite.load('/test/support/erl-cluster.ts')
const { connectorFrom } = await vite.load('/src/main/node/dist-adapter.ts')
const { readCluster } = await vite.load('/src/main/node/cluster.ts')

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6
const f = (x, d = 1) => x.toFixed(d)

const t0 = process.hrtime.bigint()
const cluster = await startCluster({ members: nodes - 1, args: SMALL_NODE_ARGS, star: true, parallel: 10 })
console.log(`${nodes} nodes up and connected to the entry in ${f(ms(t0) / 1000)} s`)
const client = await connectorFrom()({ node: cluster.entry.name, cookie: cluster.cookie, timeoutMs: 30_000 })
try {
  for (let i = 0; i < 3; i++) await readCluster(client, { memberTimeoutMs: 10_000 })

  const direct = []
  for (let i = 0; i < 30; i++) {
    const t = process.hrtime.bigint()
    await client.call('erlang', 'memory', [], 10_000)
    direct.push(ms(t))
  }

  const bare = []
  for (let i = 0; i < runs; i++) {
    const r = await client.evaluate(
      `{T, Rs} = timer:tc(fun() -> erpc:multicall(erlang:nodes(), erlang, memory, [], 10000) end),
       {T, length([ok || {ok, _} <- Rs])}`,
      {},
      30_000
    )
    bare.push(r.items[0] / 1000)
  }

  const cpuBefore = await client.call('erlang', 'statistics', [{ atom: 'runtime' }], 10_000)
  const wall = []
  const onEntry = []
  const reds = []
  const mem = []
  let up = 0
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint()
    const r = await readCluster(client, { memberTimeoutMs: 10_000 })
    wall.push(ms(t))
    onEntry.push(r.sampleMs)
    reds.push(r.entryReductions)
    mem.push(r.entryMemoryBytes)
    up = r.members.filter((m) => m.up).length
  }
  const cpuAfter = await client.call('erlang', 'statistics', [{ atom: 'runtime' }], 10_000)
  const cpuPerSample = (cpuAfter.items[0] - cpuBefore.items[0]) / runs

  const w = median(wall)
  console.log(`members answering: ${up} of ${nodes}`)
  console.log(
    `one sample, wall from here:       median ${f(w)} ms (min ${f(Math.min(...wall))}, max ${f(Math.max(...wall))})`
  )
  console.log(`  of which multicall on the entry: median ${f(median(onEntry), 0)} ms`)
  console.log(
    `entry cost per sample:            ${f(cpuPerSample)} ms VM CPU, ${median(reds).toLocaleString('en-US')} reductions, ${(median(mem) / 1024).toFixed(0)} KiB in the evaluating process`
  )
  console.log(`anchor: one direct memory rpc:     median ${f(median(direct), 2)} ms`)
  console.log(`anchor: bare erpc:multicall(memory) on the entry: median ${f(median(bare), 1)} ms`)
  console.log(
    `ratios: sample / direct rpc = ${f(w / median(direct))}x; sample / bare multicall = ${f(w / median(bare), 2)}x; per node ${f(w / nodes, 2)} ms`
  )
  console.log(`target (${nodes} nodes under 1 s): ${w < 1000 ? 'met' : 'MISSED'}`)
} finally {
  await client.close()
  await cluster.stop()
  await vite.close()
}

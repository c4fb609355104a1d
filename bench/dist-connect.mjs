#!/usr/bin/env node
// Connect latency: EPMD lookup + TCP + version-6 handshake + the first rpc
// (erlang:system_info(otp_release)), median over RUNS fresh connections to a local OTP node.
//
//   node --expose-gc bench/dist-connect.mjs [RUNS]      (or: npm run bench -- dist-connect)
//
// Needs Erlang/OTP on PATH; loads the TypeScript sources through Vite's SSR loader (no build).
// Anchor, same run: an erl node connecting to the same node (net_kernel:connect_node + one
// erpc call, timed inside that node with timer:tc). Target: median < 50 ms.
import { tsModules } from './ts-modules.mjs'

const runs = Number(process.argv[2] ?? 20)
const vite = await tsModules()
const { connectNode, atom } = await vite.load('/src/main/erldist/client.ts')
const { startNode } = await vite.load('/test/support/erl-node.ts')

// both sides warm up alike: the first connections (code loading, EPMD, caches) are dropped on
// our side and on the anchor's
const WARMUP = 2
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const target = await startNode()
const peer = await startNode({ cookie: target.cookie })
try {
  const times = []
  for (let i = 0; i < runs + WARMUP; i++) {
    const t0 = process.hrtime.bigint()
    const c = await connectNode({ node: target.name, cookie: target.cookie })
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    c.close()
    if (i >= WARMUP) times.push(ms)
  }
  const anchorClient = await connectNode({ node: peer.name, cookie: peer.cookie })
  const anchor = []
  for (let i = 0; i < runs + WARMUP; i++) {
    const r = await anchorClient.eval(
      `{T, _} = timer:tc(fun() -> true = net_kernel:connect_node(Target), erpc:call(Target, erlang, system_info, [otp_release]) end),
       erlang:disconnect_node(Target), timer:sleep(20), T`,
      { Target: atom(target.name) }
    )
    if (i >= WARMUP) anchor.push(Number(r.value) / 1000)
  }
  anchorClient.close()
  const sorted = [...times].sort((a, b) => a - b)
  console.log(`erlscope connect (EPMD + handshake + first rpc), ${runs} runs:`)
  console.log(
    `  median ${median(times).toFixed(2)} ms, min ${sorted[0].toFixed(2)} ms, max ${sorted[sorted.length - 1].toFixed(2)} ms (target < 50 ms)`
  )
  console.log(
    `anchor: erl node connect_node + erpc (after ${WARMUP} warm-up runs too), median ${median(anchor).toFixed(2)} ms`
  )
  console.log(`ratio erlscope/erl: ${(median(times) / median(anchor)).toFixed(2)}x`)
} finally {
  await Promise.all([target.stop(), peer.stop()])
  await vite.close()
}

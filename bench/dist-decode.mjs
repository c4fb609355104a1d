#!/usr/bin/env node
// Decode throughput of erlscope's external term format decoder against the node's own
// binary_to_term on the same bytes, measured in the same run.
//
//   node --expose-gc bench/dist-decode.mjs [PROCESSES]      (or: npm run bench -- dist-decode)
//
// Needs Erlang/OTP (erl, epmd) on PATH. Loads the TypeScript sources through Vite's SSR loader,
// so no build is needed. Starts a node with PROCESSES (default 200 000) idle processes, has it
// term_to_binary the process_info/1 of every process (tens of MB), times binary_to_term there
// (timer:tc, median of 5) and our decode() here (median of 5), and prints the ratio (target <= 4x).
import { tsModules } from './ts-modules.mjs'

const procs = Number(process.argv[2] ?? 200_000)
const vite = await tsModules()
const { connectNode, decode } = await vite.load('/src/main/erldist/client.ts')
const { startNode } = await vite.load('/test/support/erl-node.ts')

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const node = await startNode({ args: ['+P', '2000000'] })
let client
try {
  client = await connectNode({ node: node.name, cookie: node.cookie, timeoutMs: 20_000 })
  await client.eval(
    `[spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, N)], ok`,
    { N: { kind: 'integer', value: procs } },
    120_000
  )
  const reply = await client.eval(
    `B = term_to_binary([process_info(P) || P <- processes()]),
     Native = [element(1, timer:tc(erlang, binary_to_term, [B])) || _ <- lists:seq(1, 5)],
     {B, Native}`,
    {},
    300_000
  )
  const [bin, native] = reply.elements
  const bytes = bin.data
  const nativeUs = median(native.elements.map((e) => Number(e.value)))
  const ours = []
  let count = 0
  for (let i = 0; i < 5; i++) {
    globalThis.gc?.()
    const t0 = process.hrtime.bigint()
    const term = decode(bytes)
    ours.push(Number(process.hrtime.bigint() - t0) / 1000)
    count = term.kind === 'list' ? term.elements.length : 0
  }
  const oursUs = median(ours)
  const mb = bytes.length / 1e6
  console.log(`term: process_info/1 of ${count} processes, ${mb.toFixed(1)} MB of external term format`)
  console.log(
    `node binary_to_term : ${(nativeUs / 1000).toFixed(1)} ms  (${(mb / (nativeUs / 1e6)).toFixed(0)} MB/s)`
  )
  console.log(
    `erlscope decode()   : ${(oursUs / 1000).toFixed(1)} ms  (${(mb / (oursUs / 1e6)).toFixed(0)} MB/s)`
  )
  console.log(`ratio erlscope/native: ${(oursUs / nativeUs).toFixed(2)}x  (target <= 4x)`)
} finally {
  client?.close()
  await node.stop()
  await vite.close()
}

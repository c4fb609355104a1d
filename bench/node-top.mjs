#!/usr/bin/env node
// Top-10 by memory on a node with 1,000,000 processes: erlscope end to end (remote erl_eval
// through the TypeScript distribution client) against the same expression compiled and timed
// inside the node (timer:tc), plus recon-style sort-everything as a second anchor; and how
// much the target's memory grows during our call against the size of the full process list.
//
// Run: `npm run bench -- node-top` (or `node bench/node-top.mjs`). Needs Erlang/OTP (erl, epmd)
// and about 1.5 GB of free memory; takes about a minute. Prints ratios, asserts nothing.
// ERLSCOPE_BENCH_PROCS overrides the process count.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const run = spawnSync('npx', ['vitest', 'run', '--config', 'bench/node-top.vitest.mts'], {
  cwd: root,
  stdio: 'inherit'
})
process.exit(run.status ?? 1)

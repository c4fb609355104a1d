#!/usr/bin/env node
// Growth ranking (top by memory grown over a 2 s window) on a node with 1,000,000 processes:
// erlscope end to end (remote erl_eval through the TypeScript distribution client) against a naive
// two-fold version compiled in the node (fold over processes() collecting {Pid, Value}, sleep,
// fold again, deltas, sort, top N) and the same expression compiled in the node; and how much the
// target's memory grows during each call against calling processes() alone.
//
// Run: `npm run bench -- node-growth` (or `node bench/node-growth.mjs`). Needs Erlang/OTP (erl,
// epmd) and about 2 GB of free memory; takes a few minutes. Prints ratios, asserts nothing.
// ERLSCOPE_BENCH_PROCS overrides the process count, ERLSCOPE_BENCH_ROUNDS the rounds (default 4).
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const run = spawnSync('npx', ['vitest', 'run', '--config', 'bench/node-growth.vitest.mts'], {
  cwd: root,
  stdio: 'inherit'
})
process.exit(run.status ?? 1)

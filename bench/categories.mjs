#!/usr/bin/env node
// ETS ranking on a node with 10,000 tables and ports ranking with 10,000 TCP sockets, end to end
// (remote erl_eval through the TypeScript distribution client), against the node's own scan.
// Run: `node bench/categories.mjs`. Needs Erlang/OTP; prints times and reply sizes, asserts nothing.
// ERLSCOPE_BENCH_TABLES / ERLSCOPE_BENCH_PAIRS override the counts.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const run = spawnSync('npx', ['vitest', 'run', '--config', 'bench/categories.vitest.mts'], {
  cwd: root,
  stdio: 'inherit'
})
process.exit(run.status ?? 1)

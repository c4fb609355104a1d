#!/usr/bin/env node
// A 2.5M-message queue and a 30M-element list in a process dictionary (~1 GB of heap lines), in a dump written by a real `erl`:
// erlscope's first page, a deep page (cold: it builds the process's queue index once; then warm)
// and the last page, against the anchor of reading that process's data once (what every page
// cost before the index), with the bytes each page read.
//
// Run: `npm run bench -- dump-mailbox` (or `node bench/dump-mailbox.mjs`). Needs Erlang/OTP and
// about 2 GB of memory and 1.5 GB of disk in bench/results/ (the dump is generated once, a few
// minutes, and kept there).
// Prints times and bytes, asserts nothing.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const run = spawnSync('npx', ['vitest', 'run', '--config', 'bench/dump-mailbox.vitest.mts'], {
  cwd: root,
  stdio: 'inherit'
})
process.exit(run.status ?? 1)

#!/usr/bin/env node
// The dump's Processes table in the built renderer (Debian's Chromium, the e2e harness, the real
// handler table): the renderer's JS heap after opening a 10k, a 100k and a 1M-process dump,
// scrolling to the middle and the end, and sorting; against the anchor of the same renderer
// holding every row of the table (what "Load more" used to grow to). The used heap is read with
// CDP `Runtime.getHeapUsage` after `HeapProfiler.collectGarbage`.
//
// Run: `npm run build && npm run bench -- dump-gui` (or `node bench/dump-gui-heap.mjs`). Needs
// Erlang/OTP and Chromium. Dumps are generated once in bench/results/ (the 100k and 1M ones are
// dump-bench's: 270 MB and 1.3 GB, a few minutes). Prints MiB, asserts nothing.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const run = spawnSync('npx', ['vitest', 'run', '--config', 'bench/dump-gui-heap.vitest.mts'], {
  cwd: root,
  stdio: 'inherit'
})
process.exit(run.status ?? 1)

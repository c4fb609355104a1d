#!/usr/bin/env node
// Runs every benchmark in bench/ one after the other (`npm run bench`, or `npm run bench -- dump`
// to run only those whose file name contains "dump"). Each prints its own ratios against the
// anchors it measures in the same run. Benchmarks need a build (`npm run build`) and Erlang/OTP.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const filter = process.argv[2] ?? ''
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && !['run.mjs', 'ts-modules.mjs'].includes(f) && f.includes(filter))
  .sort()
let failed = 0
for (const script of scripts) {
  console.log(`\n=== ${script} ===`)
  const run = spawnSync(process.execPath, ['--expose-gc', join(here, script)], { stdio: 'inherit' })
  if (run.status !== 0) failed++
}
if (scripts.length === 0) console.log(`no benchmark matches '${filter}'`)
process.exit(failed > 0 ? 1 : 0)

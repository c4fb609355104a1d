#!/usr/bin/env node
// Crash-dump reading benchmark: `erlscope report` + `erlscope processes --json` against OTP's
// crashdump_viewer backend (index + process list), recon's erl_crashdump_analyzer.sh and a bare
// byte scan of the file in Node, all in the same run, with wall time and peak memory (maxRSS).
//
// erlscope is timed two ways:
//   cold      — both commands with --no-cache: each indexes the whole dump.
//   user flow — report then processes with the index cache on, in a cache folder that is empty
//               at the start (ERLSCOPE_CACHE_DIR): the report pays for indexing and writes the
//               cache, the processes command reuses it. The bench checks that the entry was written.
//
// Run:  npm run build && node bench/dump-bench.mjs            (100k-process dump, ~250 MB)
//       node bench/dump-bench.mjs --1m                          (also a 1M-process dump, ~1.3 GB)
//       node bench/dump-bench.mjs --skip-cdv                    (crashdump_viewer takes minutes on big dumps)
// Needs: Erlang/OTP with erlang-observer (crashdump_viewer), bash/grep/sed/sort for recon's
// script, /usr/bin/time. Dumps are generated once and cached in bench/results/ (gitignored);
// recon's script is downloaded into bench/results/ (not committed), or put it there yourself
// (without network: script/erl_crashdump_analyzer.sh of a github.com/ferd/recon checkout).
// Each command's wall time, cpu time (user + system, children included) and maxRSS are printed:
// on a shared machine, run it a few times and read the spread.
import { benchDump, results } from './bench-dumps.mjs'
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
const cli = join(root, 'out', 'main', 'cli.js')
const args = new Set(process.argv.slice(2))
const RECON_URL = 'https://raw.githubusercontent.com/ferd/recon/master/script/erl_crashdump_analyzer.sh'

if (!existsSync(cli)) {
  console.error('dump-bench: build first (npm run build): out/main/cli.js is missing')
  process.exit(1)
}

/** Wall time and maxRSS of one command; its stdout is kept (`out`) so the bench can check it. */
function timed(cmd, argv, opts = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '@@TIME %e %M %U %S', cmd, ...argv], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...opts
  })
  const m = /@@TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '')
  if (!m || r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${r.stderr?.slice(-500)}`)
  // cpu: user + system seconds of the command and its children (recon's script is a pipeline of
  // grep/sed/sort): on a machine shared with other work it moves less than the wall time
  return { s: Number(m[1]), rssMb: Number(m[2]) / 1024, cpu: Number(m[3]) + Number(m[4]), out: r.stdout }
}

/**
 * A fast wrong answer is no result: the report and the process list must describe the dump that
 * was generated (its slogan, every spawned process with its one message), and the cached run
 * must print exactly what the cold run printed.
 */
function checkOutputs(procs, cold, cached) {
  const fail = (what) => {
    throw new Error(`dump-bench: wrong output: ${what}`)
  }
  const report = JSON.parse(cold.report)
  const rows = JSON.parse(cold.processes)
  if (report.slogan !== `erlscope bench: ${procs} processes`) fail(`slogan ${JSON.stringify(report.slogan)}`)
  if (report.truncated !== null) fail('the report says the dump is truncated')
  if (report.counts.processes < procs)
    fail(`${report.counts.processes} processes, fewer than the ${procs} spawned`)
  if (rows.length !== report.counts.processes)
    fail(`processes --json lists ${rows.length} rows, the report counts ${report.counts.processes}`)
  const withMessage = rows.filter((r) => r.messageQueueLength === 1 && r.state === 'Waiting').length
  if (withMessage < procs)
    fail(`${withMessage} waiting processes with one message, expected at least ${procs}`)
  if (new Set(rows.map((r) => r.pid)).size !== rows.length) fail('a pid is listed twice')
  if (report.topProcessesByMemory.length === 0) fail('no top processes by memory')
  if (cached.report !== cold.report) fail('the report read through the index cache differs from the cold one')
  if (cached.processes !== cold.processes)
    fail('processes --json through the index cache differs from the cold one')
  console.log(`  output checked: ${rows.length} processes, ${withMessage} with their message, cached == cold`)
}

function reconScript() {
  const p = join(results, 'erl_crashdump_analyzer.sh')
  if (!existsSync(p)) {
    const r = spawnSync('curl', ['-fsSL', '-m', '20', '-o', p, RECON_URL])
    if (r.status !== 0) return null
  }
  chmodSync(p, 0o755)
  return p
}

const SCAN = `const fs=require('fs');const fd=fs.openSync(process.argv[1],'r');const b=Buffer.allocUnsafe(8<<20);const nl=Buffer.from('\\n=');let pos=0,n=0,r;while((r=fs.readSync(fd,b,0,b.length,pos))>0){const c=b.subarray(0,r);let i=0;while((i=c.indexOf(nl,i))!==-1){n++;i+=2}pos+=r}console.log(n)`

function bench(file, procs) {
  const size = statSync(file).size
  console.log(`\n== ${file} (${(size / 1e6).toFixed(0)} MB)`)
  // warm the page cache so every tool reads from memory
  timed('node', ['-e', SCAN, file])
  const scan = timed('node', ['-e', SCAN, file])
  const cacheRoot = mkdtempSync(join(tmpdir(), 'erlscope-bench-cache-'))
  const env = { ...process.env, ERLSCOPE_CACHE_DIR: cacheRoot }
  const entries = () => {
    const d = join(cacheRoot, 'dump-index')
    return existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.idx')) : []
  }
  // cold: every command indexes the dump
  const rep = timed('node', [cli, 'report', file, '--json', '--no-cache'], { env })
  const procs1 = timed('node', [cli, 'processes', file, '--json', '--no-cache'], { env })
  const cold = { s: rep.s + procs1.s, cpu: rep.cpu + procs1.cpu, rssMb: Math.max(rep.rssMb, procs1.rssMb) }
  if (entries().length !== 0) throw new Error('--no-cache wrote a cache entry')
  // user flow: empty cache folder, report (indexes, writes the cache), then processes (reuses it)
  const rep1 = timed('node', [cli, 'report', file, '--json'], { env })
  const written = entries()
  const entryMb = written.length ? statSync(join(cacheRoot, 'dump-index', written[0])).size / 1e6 : 0
  const procs2 = timed('node', [cli, 'processes', file, '--json'], { env })
  const flow = { s: rep1.s + procs2.s, cpu: rep1.cpu + procs2.cpu, rssMb: Math.max(rep1.rssMb, procs2.rssMb) }
  // the JSON is streamed: listing every process must not cost more memory than listing one
  const oneRow = timed('node', [cli, 'processes', file, '--limit', '1'], { env })
  rmSync(cacheRoot, { recursive: true, force: true })
  checkOutputs(procs, { report: rep.out, processes: procs1.out }, { report: rep1.out, processes: procs2.out })
  if (written.length !== 1)
    console.log(
      `  !! the report wrote ${written.length} cache entries (expected 1): the user flow is not what it claims`
    )
  const rows = [
    ['bare byte scan (node)', scan],
    ['erlscope report --no-cache', rep],
    ['erlscope processes --json --no-cache', procs1],
    ['erlscope report + processes, cold', cold],
    ['erlscope report (indexes, writes cache)', rep1],
    ['erlscope processes --json (cached index)', procs2],
    ['erlscope report + processes, user flow', flow],
    ['erlscope processes --limit 1 (cached index)', oneRow]
  ]
  let cdv = null
  if (!args.has('--skip-cdv')) {
    const d = mkdtempSync(join(tmpdir(), 'cdv-'))
    spawnSync('erlc', ['-o', d, join(here, 'dump_cdv.erl')], { stdio: 'inherit' })
    cdv = timed('erl', ['-noshell', '-pa', d, '-run', 'dump_cdv', 'main', file], {
      env: { ...process.env, ERL_CRASH_DUMP_BYTES: '0' }
    })
    rows.push(['crashdump_viewer (index + processes)', cdv])
  }
  let recon = null
  const script = reconScript()
  if (script) {
    recon = timed('bash', [script, file])
    rows.push(["recon's erl_crashdump_analyzer.sh", recon])
  } else console.log("recon's script: not available (no network); put it in bench/results/")
  const ratio = (a, b) => (a / b).toFixed(1)
  const verdict = (ok) => (ok ? 'ok' : 'MISSED')
  for (const [name, r] of rows)
    console.log(
      `  ${name.padEnd(44)} ${r.s.toFixed(2).padStart(8)} s  ${r.cpu.toFixed(2).padStart(7)} s cpu  ${r.rssMb.toFixed(0).padStart(7)} MB maxRSS`
    )
  const jsonMb = Buffer.byteLength(procs2.out) / 1e6
  const extraMb = procs2.rssMb - oneRow.rssMb
  console.log(
    `  processes --json streams ${jsonMb.toFixed(0)} MB of JSON at ${procs2.rssMb.toFixed(0)} MB maxRSS, ${extraMb.toFixed(0)} MB over listing one row (with --1m: compared below)`
  )
  console.log(`  index cache entry: ${entryMb.toFixed(1)} MB`)
  console.log(
    `  erlscope vs bare scan:        cold ${ratio(cold.s, scan.s)}x, user flow ${ratio(flow.s, scan.s)}x the time (target <= 3x: cold ${verdict(cold.s <= 3 * scan.s)}, flow ${verdict(flow.s <= 3 * scan.s)})`
  )
  if (cdv) {
    console.log(
      `  erlscope vs crashdump_viewer: cold ${ratio(cdv.s, cold.s)}x, user flow ${ratio(cdv.s, flow.s)}x faster (target >= 30x: cold ${verdict(cdv.s >= 30 * cold.s)}, flow ${verdict(cdv.s >= 30 * flow.s)})`
    )
    console.log(
      `                                memory ${ratio(cold.rssMb, cdv.rssMb)} (cold), ${ratio(flow.rssMb, cdv.rssMb)} (flow) of its maxRSS (target < 0.25)`
    )
    console.log(
      `  same task (index + full process list): erlscope processes --no-cache ${ratio(cdv.s, procs1.s)}x faster than crashdump_viewer`
    )
  }
  if (recon) {
    console.log(
      `  same task (triage report): erlscope report --no-cache ${ratio(recon.s, rep.s)}x faster than recon's script`
    )
    console.log(
      `  erlscope vs recon script:     cold ${ratio(recon.s, cold.s)}x, user flow ${ratio(recon.s, flow.s)}x faster (target >= 2x: cold ${verdict(recon.s >= 2 * cold.s)}, flow ${verdict(recon.s >= 2 * flow.s)})`
    )
    console.log(
      `                    cpu time:   cold ${ratio(recon.cpu, cold.cpu)}x, user flow ${ratio(recon.cpu, flow.cpu)}x less (recon ${recon.cpu.toFixed(2)} s, erlscope ${cold.cpu.toFixed(2)} / ${flow.cpu.toFixed(2)} s)`
    )
  }
  return {
    file,
    size,
    cacheEntryMb: entryMb,
    json: { mb: jsonMb, extraMb },
    rows: Object.fromEntries(rows.map(([n, r]) => [n, { s: r.s, cpu: r.cpu, rssMb: r.rssMb }]))
  }
}

const out = [bench(benchDump('dump-100k', 100_000, 60), 100_000)]
if (args.has('--1m')) out.push(bench(benchDump('dump-1m', 1_000_000, 10), 1_000_000))
if (out.length === 2) {
  // flat: ten times the rows and the JSON, about the same memory over listing one row
  const [small, big] = out.map((r) => r.json)
  console.log(
    `\nprocesses --json memory over one row: ${small.extraMb.toFixed(0)} MB for ${small.mb.toFixed(0)} MB of JSON, ${big.extraMb.toFixed(0)} MB for ${big.mb.toFixed(0)} MB (target: flat, at most 2x + 16 MB: ${big.extraMb <= 2 * small.extraMb + 16 ? 'ok' : 'MISSED'})`
  )
}
writeFileSync(join(results, 'dump-bench.json'), JSON.stringify(out, null, 2))

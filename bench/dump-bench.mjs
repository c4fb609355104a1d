#!/usr/bin/env node
// Crash-dump reading benchmark: `erlscope report` + `erlscope processes --json` against OTP's
// crashdump_viewer backend (index + process list), recon's erl_crashdump_analyzer.sh and a bare
// byte scan of the file in Node, all in the same run, with wall time and peak memory (maxRSS).
//
// Run:  npm run build && node bench/dump-bench.mjs            (100k-process dump, ~250 MB)
//       node bench/dump-bench.mjs --1m                          (also a 1M-process dump, ~1.3 GB)
//       node bench/dump-bench.mjs --skip-cdv                    (crashdump_viewer takes minutes on big dumps)
// Needs: Erlang/OTP with erlang-observer (crashdump_viewer), bash/grep/sed/sort for recon's
// script, /usr/bin/time. Dumps are generated once and cached in bench/results/ (gitignored);
// recon's script is downloaded into bench/results/ (not committed), or put it there yourself.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, statSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
const results = join(here, 'results')
const cli = join(root, 'out', 'main', 'cli.js')
const args = new Set(process.argv.slice(2))
const RECON_URL = 'https://raw.githubusercontent.com/ferd/recon/master/script/erl_crashdump_analyzer.sh'

if (!existsSync(cli)) {
  console.error('dump-bench: build first (npm run build): out/main/cli.js is missing')
  process.exit(1)
}

function generate(name, procs, listLen) {
  const file = join(results, `${name}.dump`)
  if (existsSync(file) && statSync(file).size > 0) return file
  console.log(`generating ${file} (${procs} processes) ...`)
  // every process keeps one message (a tuple with a list) in its mailbox: heap data to skip
  const expr = `Ps = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, ${procs})],
    _ = [P ! {data, N, lists:seq(1, ${listLen})} || {N, P} <- lists:zip(lists:seq(1, length(Ps)), Ps)],
    timer:sleep(1000), erlang:halt("erlscope bench: ${procs} processes")`
  spawnSync('erl', ['+P', String(procs * 2 + 1000), '-noshell', '-eval', expr], {
    env: { ...process.env, ERL_CRASH_DUMP: file, ERL_CRASH_DUMP_SECONDS: '3600' },
    stdio: 'inherit'
  })
  return file
}

function timed(cmd, argv, opts = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '@@TIME %e %M', cmd, ...argv], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'ignore', 'pipe'],
    ...opts
  })
  const m = /@@TIME ([\d.]+) (\d+)/.exec(r.stderr ?? '')
  if (!m || r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${r.stderr?.slice(-500)}`)
  return { s: Number(m[1]), rssMb: Number(m[2]) / 1024 }
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

function bench(file) {
  const size = statSync(file).size
  console.log(`\n== ${file} (${(size / 1e6).toFixed(0)} MB)`)
  // warm the page cache so every tool reads from memory
  timed('node', ['-e', SCAN, file])
  const scan = timed('node', ['-e', SCAN, file])
  const rep = timed('node', [cli, 'report', file, '--json'])
  const procs = timed('node', [cli, 'processes', file, '--json'])
  const ours = { s: rep.s + procs.s, rssMb: Math.max(rep.rssMb, procs.rssMb) }
  const rows = [
    ['bare byte scan (node)', scan],
    ['erlscope report', rep],
    ['erlscope processes --json', procs],
    ['erlscope report + processes', ours]
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
  for (const [name, r] of rows)
    console.log(
      `  ${name.padEnd(40)} ${r.s.toFixed(2).padStart(8)} s  ${r.rssMb.toFixed(0).padStart(7)} MB maxRSS`
    )
  const ratio = (a, b) => (a / b).toFixed(1)
  console.log(`  erlscope vs bare scan:        ${ratio(ours.s, scan.s)}x the time (target <= 3x)`)
  if (cdv)
    console.log(
      `  erlscope vs crashdump_viewer: ${ratio(cdv.s, ours.s)}x faster (target >= 30x), ${ratio(ours.rssMb, cdv.rssMb)} of its memory (target < 0.25)`
    )
  if (cdv)
    console.log(
      `  same task (index + full process list): erlscope processes ${ratio(cdv.s, procs.s)}x faster than crashdump_viewer`
    )
  if (recon)
    console.log(
      `  same task (triage report): erlscope report ${ratio(recon.s, rep.s)}x faster than recon's script`
    )
  if (recon) console.log(`  erlscope vs recon script:     ${ratio(recon.s, ours.s)}x faster (target >= 3x)`)
  return { file, size, rows: Object.fromEntries(rows.map(([n, r]) => [n, r])) }
}

const out = [bench(generate('dump-100k', 100_000, 60))]
if (args.has('--1m')) out.push(bench(generate('dump-1m', 1_000_000, 10)))
writeFileSync(join(results, 'dump-bench.json'), JSON.stringify(out, null, 2))

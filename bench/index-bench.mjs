#!/usr/bin/env node
// Indexing a crash dump on 1, 2 and N threads against a bare single-thread byte scan of the same
// file, in the same run: the index alone (the project's indexDump, parts on the built
// dump-part-worker.js) and `erlscope report --json --no-cache` end to end, with wall time, CPU
// time (all threads) and peak memory. Each row runs several times, interleaved with the others
// so that a busy machine weighs on all of them alike; the median and the spread are printed.
//
// Run:  npm run build && node bench/index-bench.mjs          (100k-process dump, ~290 MB)
//       node bench/index-bench.mjs --1m                       (also the 1M-process dump, ~1.3 GB)
//       node bench/index-bench.mjs --runs 5 --workers 4       (N, default: the indexer's own choice)
// Dumps are written once by `erl` into bench/results/ (gitignored), the same files as dump-bench.
// Prints figures and ratios; asserts only that every thread count gives the same report.
import { benchDump, results } from './bench-dumps.mjs'
import { spawnSync } from 'node:child_process'
import { existsSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
const cli = join(root, 'out', 'main', 'cli.js')
const partWorker = join(root, 'out', 'main', 'dump-part-worker.js')
const argv = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = argv.indexOf(name)
  return i >= 0 ? Number(argv[i + 1]) : dflt
}
const RUNS = opt('--runs', 3)
const N = opt('--workers', Math.min(availableParallelism(), 8))

if (!existsSync(cli) || !existsSync(partWorker)) {
  console.error('index-bench: build first (npm run build): out/main/cli.js or dump-part-worker.js is missing')
  process.exit(1)
}

/** Runs `node args`, returns wall s, CPU s (user + sys, every thread), maxRSS MB and stdout. */
function timed(args, env = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '@@TIME %e %U %S %M', process.execPath, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const m = /@@TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '')
  if (!m || r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr?.slice(-800)}`)
  return { s: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rssMb: Number(m[4]) / 1024, out: r.stdout }
}

const SCAN = `const fs=require('fs');const fd=fs.openSync(process.argv[1],'r');const b=Buffer.allocUnsafe(8<<20);const nl=Buffer.from('\\n=');let pos=0,n=0,r;while((r=fs.readSync(fd,b,0,b.length,pos))>0){const c=b.subarray(0,r);let i=0;while((i=c.indexOf(nl,i))!==-1){n++;i+=2}pos+=r}console.log(n)`

// the index alone, timed inside the process (the sources through Vite's loader, parts on the
// built worker); prints the time of indexDump, the CPU of every thread during it, and counts
// and the CPU of its busiest thread (Linux: /proc/self/task/*/stat read every 10 ms, so a
// worker's last few ms may be missed): about the wall time when every thread has a core of
// its own, which a machine shared with other busy sessions does not give
const INDEX_ONCE = `
import { readdirSync, readFileSync } from 'node:fs'
import { tsModules } from ${JSON.stringify(join(here, 'ts-modules.mjs'))}
const ts = await tsModules()
const { indexDump } = await ts.load('/src/main/crashdump/parallel-indexer.ts')
const [path, workers] = process.argv.slice(1)
const tick = () => {
  const out = new Map()
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const f = readFileSync('/proc/self/task/' + tid + '/stat', 'latin1')
      const v = f.slice(f.lastIndexOf(')') + 2).split(' ')
      out.set(tid, (Number(v[11]) + Number(v[12])) * 10)
    } catch {}
  }
  return out
}
const before = tick()
const peak = new Map()
const poll = () => { for (const [tid, ms] of tick()) peak.set(tid, Math.max(peak.get(tid) ?? 0, ms - (before.get(tid) ?? 0))) }
const timer = setInterval(poll, 10)
const c = process.cpuUsage()
const t = performance.now()
const ix = await indexDump(path, { workers: Number(workers), partWorker: ${JSON.stringify(partWorker)} })
const ms = performance.now() - t
const d = process.cpuUsage(c)
poll()
clearInterval(timer)
const busiest = Math.max(...peak.values())
console.log(JSON.stringify({ ms, cpuMs: (d.user + d.system) / 1000, busiest, procs: ix.procs.count, sections: ix.count }))
await ts.close()
`

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const spread = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`

function bench(file) {
  const size = statSync(file).size
  console.log(`\n== ${file} (${(size / 1e6).toFixed(0)} MB), ${RUNS} runs per row, N = ${N}`)
  timed(['-e', SCAN, file]) // warm the page cache
  const counts = [...new Set([1, 2, N])]
  const rows = [{ name: 'bare byte scan (node, 1 thread)', run: () => timed(['-e', SCAN, file]) }]
  for (const w of counts)
    rows.push({
      name: `index, ${w} thread${w > 1 ? 's' : ''}`,
      run: () => {
        const r = timed(['--input-type=module', '-e', INDEX_ONCE, file, String(w)])
        const o = JSON.parse(r.out)
        // the index's own time and CPU (the process start and module loading are not counted)
        return {
          s: o.ms / 1000,
          cpu: o.cpuMs / 1000,
          busiest: o.busiest / 1000,
          rssMb: r.rssMb,
          out: `${o.procs} ${o.sections}`
        }
      }
    })
  for (const w of counts)
    rows.push({
      name: `report --no-cache, ${w} thread${w > 1 ? 's' : ''}`,
      run: () => timed([cli, 'report', file, '--json', '--no-cache'], { ERLSCOPE_INDEX_WORKERS: String(w) })
    })
  const seen = rows.map(() => [])
  for (let k = 0; k < RUNS; k++) rows.forEach((row, i) => seen[i].push(row.run()))
  // the same dump gives the same answer whatever the thread count
  const outs = (prefix) =>
    new Set(rows.flatMap((r, i) => (r.name.startsWith(prefix) ? seen[i].map((x) => x.out) : [])))
  if (outs('index').size !== 1) throw new Error('index-bench: thread counts gave different indexes')
  if (outs('report').size !== 1) throw new Error('index-bench: thread counts gave different reports')
  const scan = seen[0]
  const scanS = median(scan.map((x) => x.s))
  const out = []
  console.log(
    `  ${'row'.padEnd(34)} ${'wall s (median, min–max)'.padEnd(26)} ${'CPU s'.padEnd(7)} ${'maxRSS'.padEnd(8)} wall vs bare scan`
  )
  rows.forEach((row, i) => {
    const s = seen[i].map((x) => x.s)
    const cpu = median(seen[i].map((x) => x.cpu))
    const rss = Math.max(...seen[i].map((x) => x.rssMb))
    const ratio = median(s) / scanS
    const busiest = seen[i][0].busiest === undefined ? null : median(seen[i].map((x) => x.busiest))
    out.push({ row: row.name, wallS: s, cpuS: cpu, busiestThreadS: busiest, rssMb: rss, vsScan: ratio })
    console.log(
      `  ${row.name.padEnd(34)} ${`${median(s).toFixed(2)} (${spread(s)})`.padEnd(26)} ${cpu.toFixed(2).padEnd(7)} ${`${rss.toFixed(0)} MB`.padEnd(8)} ${i === 0 ? '' : `${ratio.toFixed(2)}x`}${busiest === null ? '' : `   busiest thread ${busiest.toFixed(2)} s CPU`}`
    )
  })
  const scanCpu = median(scan.map((x) => x.cpu))
  const get = (name) => out.find((o) => o.row === name)
  const rep1 = get('report --no-cache, 1 thread')
  const repN = get(`report --no-cache, ${N} threads`) ?? rep1
  const idx1 = get('index, 1 thread')
  const idxN = get(`index, ${N} threads`) ?? idx1
  console.log(
    `  index on ${N} threads: ${(median(idx1.wallS) / median(idxN.wallS)).toFixed(2)}x faster than on 1; report on ${N} threads: ${repN.vsScan.toFixed(2)}x the bare scan (target <= 2x: ${repN.vsScan <= 2 ? 'ok' : 'MISSED'}), on 1 thread ${rep1.vsScan.toFixed(2)}x`
  )
  const idxNb = idxN.busiestThreadS
  console.log(
    `  with a core per thread (busiest thread's CPU against the scan's CPU, ${scanCpu.toFixed(2)} s): index on 1 thread ${(idx1.busiestThreadS / scanCpu).toFixed(2)}x, on ${N} threads ${(idxNb / scanCpu).toFixed(2)}x the scan (${(idx1.busiestThreadS / idxNb).toFixed(2)}x faster)`
  )
  return { file, size, runs: RUNS, workers: N, scanCpuS: scanCpu, rows: out }
}

const done = [bench(benchDump('dump-100k', 100_000, 60))]
if (argv.includes('--1m')) done.push(bench(benchDump('dump-1m', 1_000_000, 10)))
writeFileSync(join(results, 'index-bench.json'), JSON.stringify(done, null, 2))

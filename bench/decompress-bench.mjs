#!/usr/bin/env node
// Compressed dumps: how fast erlscope's decompressors stream a ~200 MB dump (node:zlib for gzip,
// fzstd for Zstandard, xz-decompress for xz), against the gzip/zstd/xz tools in the same run, and
// `erlscope report` on the compressed file against the plain one (decompress once + index).
//
// Run:  npm run build && node bench/decompress-bench.mjs
// Needs: erl, gzip, zstd, xz, /usr/bin/time. The dump and its compressed copies are made once in
// bench/results/ (gitignored).
import { spawnSync } from 'node:child_process'
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Readable, Transform, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { createGunzip } from 'node:zlib'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
const results = join(here, 'results')
const cli = join(root, 'out', 'main', 'cli.js')
const require = createRequire(join(root, 'package.json'))
const { Decompress } = require('fzstd')
const { XzReadableStream } = require('xz-decompress')

if (!existsSync(cli)) {
  console.error('decompress-bench: build first (npm run build): out/main/cli.js is missing')
  process.exit(1)
}
mkdirSync(results, { recursive: true })
const dump = join(results, 'decompress-125k.dump')
if (!existsSync(dump)) {
  console.log(`generating ${dump} (125,000 processes) ...`)
  const expr = `[spawn(fun() -> put(k, lists:seq(1, 20)), receive stop -> ok end end) || _ <- lists:seq(1, 125000)],
    erlang:halt("erlscope bench: 125k processes")`
  spawnSync('erl', ['+P', '300000', '-noshell', '-eval', expr], {
    env: { ...process.env, ERL_CRASH_DUMP: dump, ERL_CRASH_DUMP_SECONDS: '600' },
    stdio: 'ignore'
  })
}
const FORMATS = [
  { name: 'gzip', ext: 'gz', make: ['gzip', ['-k', '-f', '-6', dump]], tool: ['gzip', ['-dc']] },
  { name: 'zstd', ext: 'zst', make: ['zstd', ['-q', '-k', '-f', dump]], tool: ['zstd', ['-dc']] },
  { name: 'xz', ext: 'xz', make: ['xz', ['-k', '-f', '-6', '-T2', dump]], tool: ['xz', ['-dc']] }
]
for (const f of FORMATS)
  if (!existsSync(`${dump}.${f.ext}`)) spawnSync(f.make[0], f.make[1], { stdio: 'inherit' })

const plainSize = statSync(dump).size
const mb = (n) => (n / 1e6).toFixed(1)

function sink() {
  let n = 0
  const w = new Writable({ write: (c, _e, cb) => ((n += c.length), cb()) })
  w.count = () => n
  return w
}

/** Decompresses `file` in-process with erlscope's library for `format`; output bytes and seconds. */
async function library(format, file) {
  const input = createReadStream(file, { highWaterMark: 1 << 20 })
  const out = sink()
  const t0 = performance.now()
  if (format === 'gzip') await pipeline(input, createGunzip({ chunkSize: 1 << 20 }), out)
  else if (format === 'zstd') {
    const t = new Transform({
      transform(c, _e, cb) {
        try {
          d.push(c)
          cb()
        } catch (e) {
          cb(e)
        }
      },
      flush(cb) {
        try {
          d.push(new Uint8Array(0), true)
          cb()
        } catch (e) {
          cb(e)
        }
      }
    })
    const d = new Decompress((chunk) => t.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)))
    await pipeline(input, t, out)
  } else await pipeline(Readable.fromWeb(new XzReadableStream(Readable.toWeb(input))), out)
  return { bytes: out.count(), s: (performance.now() - t0) / 1000 }
}

function timed(cmd, argv, opts = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '@@TIME %e %M', cmd, ...argv], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: [opts.stdin ?? 'ignore', 'ignore', 'pipe'],
    env: opts.env ?? process.env
  })
  const m = /@@TIME ([\d.]+) (\d+)/.exec(r.stderr)
  if (r.status !== 0 || !m) throw new Error(`${cmd} ${argv.join(' ')} failed: ${r.stderr}`)
  return { s: Number(m[1]), rssMb: Number(m[2]) / 1024 }
}

console.log(`dump: ${mb(plainSize)} MB, 125,000 processes`)
const cache = mkdtempSync(join(tmpdir(), 'erlscope-decompress-bench-'))
try {
  const plainReport = timed(process.execPath, [cli, 'report', dump, '--no-cache'])
  console.log(
    `erlscope report, plain file: ${plainReport.s.toFixed(2)} s, ${plainReport.rssMb.toFixed(0)} MB RSS`
  )
  for (const f of FORMATS) {
    const file = `${dump}.${f.ext}`
    const lib = await library(f.name, file)
    if (lib.bytes !== plainSize) throw new Error(`${f.name}: ${lib.bytes} bytes out, expected ${plainSize}`)
    const tool = timed('sh', ['-c', `${f.tool[0]} ${f.tool[1].join(' ')} "${file}" > /dev/null`])
    const env = { ...process.env, ERLSCOPE_CACHE_DIR: join(cache, f.ext) }
    const first = timed(process.execPath, [cli, 'report', file], { env })
    const again = timed(process.execPath, [cli, 'report', file], { env })
    console.log(
      `${f.name.padEnd(5)} ${mb(statSync(file).size).padStart(6)} MB compressed | library ${(lib.bytes / 1e6 / lib.s).toFixed(0)} MB/s (${lib.s.toFixed(2)} s) vs ${f.tool[0]} tool ${(plainSize / 1e6 / tool.s).toFixed(0)} MB/s (${tool.s.toFixed(2)} s): ${(lib.s / tool.s).toFixed(1)}x | report: first open ${first.s.toFixed(2)} s (${first.rssMb.toFixed(0)} MB RSS), next open ${again.s.toFixed(2)} s`
    )
  }
} finally {
  rmSync(cache, { recursive: true, force: true })
}

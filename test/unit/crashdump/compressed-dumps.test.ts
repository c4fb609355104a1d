/**
 * gzip, Zstandard and xz dumps, compressed by the real gzip/zstd/xz tools, read exactly as the
 * plain files; cut and damaged compressed files; the disk bound; cancel; stdin.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  utimesSync,
  copyFileSync,
  createReadStream,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/main/app-error'
import { detectCompression } from '../../../src/main/crashdump/compression'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import { openDump, openDumpStream, type OpenedDump } from '../../../src/main/crashdump/open-dump'
import { sectionKinds, type DumpCompression } from '../../../src/shared/contract/dump'

const CORPUS = process.env.ERLSCOPE_DUMP_CORPUS ?? '/work/shared/corpus'
/** A spread of forms: OTP 26 and 28, a Windows CRLF dump, a truncated one, R10B, an Elixir node. */
const CORPUS_PICKS = [
  '55_otp26_runtime_terminating',
  '59_otp28_rabbitmq',
  '29_otp17_1_win_crlf',
  '32_otp17_user_dump_truncated',
  '01_r10b_ejabberd_debian',
  '47_otp22_elixir'
]
const FORMATS: { format: DumpCompression; ext: string; cmd: (src: string) => [string, string[]] }[] = [
  { format: 'gzip', ext: 'gz', cmd: (src) => ['gzip', ['-f', '-k', '-6', src]] },
  { format: 'zstd', ext: 'zst', cmd: (src) => ['zstd', ['-q', '-f', '-k', src]] },
  { format: 'xz', ext: 'xz', cmd: (src) => ['xz', ['-f', '-k', '-6', src]] }
]

let dir: string
let cacheDir: string
const plain: string[] = []

function compress(src: string, f: (typeof FORMATS)[number]): string {
  const [cmd, args] = f.cmd(src)
  execFileSync(cmd, args)
  return `${src}.${f.ext}`
}

/** Everything the GUI and the CLI can show of a dump, without where it was read from. */
async function view(d: OpenedDump): Promise<unknown> {
  const file = await DumpFile.open(d.index, d.source)
  try {
    const { dumpId: _id, path: _path, ...summary } = await file.summary('x')
    const procs = await file.processes({ limit: 5000 })
    const sections: Record<string, unknown> = {}
    for (const kind of sectionKinds) sections[kind] = await file.section(kind, { limit: 100000 })
    const details = []
    for (const row of procs.rows.slice(0, 4)) details.push(await file.process(row.pid, {}))
    return { summary, procs, sections, details, size: d.index.size, version: d.index.version }
  } finally {
    await file.close()
  }
}

async function openedError(p: Promise<unknown>): Promise<AppError> {
  try {
    await p
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected an error')
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-compressed-'))
  cacheDir = join(dir, 'cache')
  const fixture = join(dir, 'otp25-small.dump')
  writeFileSync(
    fixture,
    gunzipSync(readFileSync(join(__dirname, '../../fixtures/dumps/otp25-small.dump.gz')))
  )
  plain.push(fixture)
  for (const name of CORPUS_PICKS) {
    const src = join(CORPUS, 'dumps', `${name}.dump`)
    if (!existsSync(src)) continue
    const copy = join(dir, `${name}.dump`)
    copyFileSync(src, copy)
    plain.push(copy)
  }
  // fresh copies would read as dumps still being written (changed in the last seconds); these are
  // finished files, as their compressed copies are
  const hourAgo = new Date(Date.now() - 3600_000)
  for (const p of plain) utimesSync(p, hourAgo, hourAgo)
  if (plain.length === 1) console.log(`[compressed dumps] corpus at ${CORPUS} absent: the fixture dump only`)
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('compressed dumps', () => {
  it('recognises gzip, Zstandard and xz by their first bytes, not by name', () => {
    expect(detectCompression(Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0]))).toBe('gzip')
    expect(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0]))).toBe('zstd')
    expect(detectCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]))).toBe('xz')
    expect(detectCompression(Buffer.from('=erl_crash_dump:0.5\n'))).toBeNull()
    expect(detectCompression(Buffer.from([0x1f, 0x8b]))).toBeNull()
  })

  it('reads every compressed copy exactly as the plain dump (gzip, zstd, xz tools)', async () => {
    for (const src of plain) {
      const expected = await view(await openDump(src, { cacheDir: null }))
      for (const f of FORMATS) {
        const packed = compress(src, f)
        // named like a plain dump: the first bytes decide
        const disguised = join(dir, `${f.ext}-${src.split('/').pop()}`)
        copyFileSync(packed, disguised)
        rmSync(packed)
        const opened = await openDump(disguised, { cacheDir })
        expect(opened.source).toMatchObject({ path: disguised, compression: f.format, compressedCut: null })
        const copyHash = createHash('sha1').update(readFileSync(opened.index.path)).digest('hex')
        expect(copyHash, `${f.format} ${src}`).toBe(
          createHash('sha1').update(readFileSync(src)).digest('hex')
        )
        expect(await view(opened), `${f.format} ${src}`).toEqual(expected)
      }
    }
  }, 300_000)

  it('decompresses once: the next open of the unchanged file reuses the copy and its index', async () => {
    const src = plain[0]
    const packed = compress(src, FORMATS[1])
    const phases: string[] = []
    const first = await openDump(packed, { cacheDir, onPhase: (p) => phases.push(p) })
    expect(phases).toContain('decompressing')
    expect(await first.save()).toBe(true)
    const again: string[] = []
    const second = await openDump(packed, { cacheDir, onPhase: (p) => again.push(p) })
    expect(again).not.toContain('decompressing')
    expect(second.index.path).toBe(first.index.path)
    expect(second.index.fromCache).toBe(true)
    // a changed compressed file is a new key
    writeFileSync(packed, readFileSync(packed))
    const third: string[] = []
    await openDump(packed, { cacheDir, onPhase: (p) => third.push(p) })
    expect(third).toContain('decompressing')
  })

  it('a cut compressed file: says it is cut and shows what was decompressed', async () => {
    const src = plain[plain.length > 1 ? 1 : 0]
    const full = await openDump(src, { cacheDir: null })
    const fullFile = await DumpFile.open(full.index)
    const fullSlogan = (await fullFile.summary('x')).header.slogan
    await fullFile.close()
    for (const f of FORMATS) {
      const packed = compress(src, f)
      const bytes = readFileSync(packed)
      const cut = join(dir, `cut-${f.ext}.dump`)
      writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)))
      rmSync(packed)
      const opened = await openDump(cut, { cacheDir })
      expect(opened.source.compressedCut, f.format).toMatch(/ends early/)
      const file = await DumpFile.open(opened.index, opened.source)
      try {
        const s = await file.summary('x')
        expect(s.truncated?.message).toContain(`The compressed file cut-${f.ext}.dump is cut`)
        expect(s.truncated?.beingWritten).toBe(false)
        expect(s.header.slogan).toBe(fullSlogan)
        expect(opened.index.size).toBeGreaterThan(0)
        expect(opened.index.size).toBeLessThan(full.index.size)
        expect(s.counts.processes).toBeGreaterThan(0)
      } finally {
        await file.close()
      }
      // cut in the header: nothing to show, one clear sentence
      const stub = join(dir, `stub-${f.ext}.dump`)
      writeFileSync(stub, bytes.subarray(0, 12))
      const error = await openedError(openDump(stub, { cacheDir }))
      expect(error.code).toBe('not_a_dump')
      expect(error.message).toContain(`stub-${f.ext}.dump is`)
    }
  }, 120_000)

  it('garbage behind a gzip, zstd or xz magic is a clear error', async () => {
    const magics: [string, number[]][] = [
      ['gzip', [0x1f, 0x8b, 0x08]],
      ['Zstandard', [0x28, 0xb5, 0x2f, 0xfd]],
      ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]]
    ]
    for (const [what, magic] of magics) {
      const bad = join(dir, `garbage-${what}.dump`)
      writeFileSync(
        bad,
        Buffer.concat([Buffer.from(magic), Buffer.from('this is not compressed data '.repeat(200))])
      )
      const error = await openedError(openDump(bad, { cacheDir }))
      expect(error.code).toBe('not_a_dump')
      expect(error.message).toMatch(
        new RegExp(
          `garbage-${what}.dump (starts like a ${what} file, but its data is damaged|is ${what}-compressed but ends before)`
        )
      )
      expect(readdirSync(cacheDir).filter((n) => n.endsWith('.tmp'))).toEqual([])
    }
  })

  it('stops with disk_full when decompressing would eat into the free-space reserve', async () => {
    const packed = compress(plain[plain.length - 1], FORMATS[0])
    const st = statfsSync(dir)
    const free = st.bavail * st.bsize
    // leave room for ~64 KiB of output: the real statfs figure and the real stream hit the bound
    const error = await openedError(openDump(packed, { cacheDir, reserveBytes: free - 64 * 1024 }))
    expect(error.code).toBe('disk_full')
    expect(error.message).toMatch(/Not enough free disk space to decompress .*\.gz/)
    expect(readdirSync(cacheDir).filter((n) => n.endsWith('.tmp'))).toEqual([])
    const none = await openedError(openDump(packed, { cacheDir, reserveBytes: free * 2 }))
    expect(none.code).toBe('disk_full')
  })

  it('cancel stops decompression and leaves no partial copy', async () => {
    const src = plain[plain.length - 1]
    const packed = compress(src, FORMATS[2])
    const abort = new AbortController()
    const error = await openedError(
      openDump(packed, {
        cacheDir,
        signal: abort.signal,
        onPhase: (phase, read) => phase === 'decompressing' && read > 0 && abort.abort()
      })
    )
    expect(error.code).toBe('dump_cancelled')
    expect(readdirSync(cacheDir).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })

  it('reads a dump from a stream (stdin), compressed or not', async () => {
    const src = plain[0]
    const expected = await view(await openDump(src, { cacheDir: null }))
    for (const f of [null, ...FORMATS]) {
      const input = f ? compress(src, f) : src
      const opened = await openDumpStream(createReadStream(input), 'standard input', { dir })
      expect(opened.source.compression).toBe(f?.format ?? null)
      const copy = opened.index.path
      const got = (await view(opened)) as { summary: { truncated: unknown } }
      expect(got).toEqual(expected)
      await opened.dispose()
      expect(existsSync(copy)).toBe(false)
      if (f) rmSync(input)
    }
  })
})

import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/main/app-error'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import type { DumpIndex } from '../../../src/main/crashdump/dump-index'
import { DumpService } from '../../../src/main/crashdump/dump-service'
import {
  cacheEntryPath,
  defaultCacheDir,
  fileStamp,
  openDumpIndex,
  pruneCache
} from '../../../src/main/crashdump/index-cache'
import {
  INDEX_FORMAT_VERSION,
  IndexCodecError,
  decodeIndex,
  encodeIndex,
  type FileStamp
} from '../../../src/main/crashdump/index-codec'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'

const CORPUS = process.env.ERLSCOPE_DUMP_CORPUS ?? '/work/shared/corpus'
const corpusDumps = existsSync(join(CORPUS, 'dumps'))
  ? readdirSync(join(CORPUS, 'dumps'))
      .filter((f) => f.endsWith('.dump'))
      .sort()
  : []
const builtWorker = resolve(__dirname, '../../../out/main/dump-worker.js')

let dir: string
let dump: string
let original: Buffer
let n = 0

/** A dump file last modified a minute ago (files modified in the last 2 s are not cached). */
function freshDump(bytes: Buffer = original): string {
  const p = join(dir, `d${++n}.dump`)
  writeFileSync(p, bytes)
  age(p)
  return p
}
function age(p: string, secondsAgo = 60): void {
  const t = new Date(Date.now() - secondsAgo * 1000)
  utimesSync(p, t, t)
}
function newCacheDir(): string {
  const d = join(dir, `cache${++n}`)
  mkdirSync(d)
  return d
}
const entries = (d: string): string[] => readdirSync(d).filter((f) => f.endsWith('.idx'))

/** The index minus the fields that legitimately differ between a build and a load. */
function comparable(ix: DumpIndex): Omit<DumpIndex, 'indexMs' | 'fromCache'> {
  const { indexMs: _t, fromCache: _c, ...rest } = ix
  return rest
}

const STAMP: FileStamp = { size: '1', mtimeNs: '2', ctimeNs: '3', ino: '4', dev: '5', realpath: '/x' }

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-ixcache-'))
  original = gunzipSync(readFileSync(join(__dirname, '../../fixtures/dumps/otp25-small.dump.gz')))
  dump = freshDump()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('index codec', () => {
  it('round-trips the fixture index exactly, and the decoded index reads the same', async () => {
    const index = await indexDumpFile(dump)
    const bytes = encodeIndex(index, STAMP)
    const { index: back, stamp } = decodeIndex(bytes)
    expect(stamp).toEqual(STAMP)
    expect(back).toEqual(index)
    expect(back.procs.count).toBeGreaterThan(20)
    // the typed arrays live in one fresh buffer, not in the encoded bytes
    expect(back.procs.msgq.buffer).not.toBe(bytes.buffer)
    const [a, b] = [await DumpFile.open(index), await DumpFile.open(back)]
    try {
      expect(await b.summary('t')).toEqual(await a.summary('t'))
      const q = { limit: 1000, sortBy: 'memory', descending: true } as const
      expect(await b.processes(q)).toEqual(await a.processes(q))
      const pid = (await a.processes(q)).rows[0].pid
      expect(await b.process(pid)).toEqual(await a.process(pid))
    } finally {
      await a.close()
      await b.close()
    }
  })

  it.runIf(corpusDumps.length > 0)(`round-trips every corpus dump (${corpusDumps.length})`, async () => {
    for (const f of corpusDumps) {
      const index = await indexDumpFile(join(CORPUS, 'dumps', f))
      const back = decodeIndex(encodeIndex(index, STAMP)).index
      expect(back, f).toEqual(index)
    }
  })

  it('rejects truncated, padded, bit-flipped, re-versioned and random bytes', async () => {
    const bytes = encodeIndex(await indexDumpFile(dump), STAMP)
    const bad = (b: Uint8Array): void => {
      expect(() => decodeIndex(b)).toThrow(IndexCodecError)
    }
    for (const len of [0, 7, 8, 31, 32, 33, 100, bytes.length >> 1, bytes.length - 8, bytes.length - 1])
      bad(bytes.subarray(0, len))
    bad(Buffer.concat([bytes, Buffer.alloc(8)]))
    for (let i = 0; i < 200; i++) {
      const pos = Math.floor(Math.random() * bytes.length)
      if (pos >= 28 && pos < 32) continue // reserved
      const copy = Buffer.from(bytes)
      copy[pos] ^= 1 << Math.floor(Math.random() * 8)
      bad(copy)
    }
    const v = Buffer.from(bytes)
    v.writeUInt32LE(INDEX_FORMAT_VERSION + 1, 8)
    bad(v)
    for (let i = 0; i < 50; i++) {
      const junk = Buffer.alloc(1 + Math.floor(Math.random() * 4096))
      for (let k = 0; k < junk.length; k++) junk[k] = Math.floor(Math.random() * 256)
      if (i % 2 === 0) Buffer.from('ESDUMPIX', 'latin1').copy(junk) // right magic, junk after
      bad(junk)
    }
  })
})

describe('index cache', () => {
  it('builds and stores the index once, then loads it', async () => {
    const cacheDir = newCacheDir()
    const first = await openDumpIndex(dump, { cacheDir })
    expect(first.fromCache).toBe(false)
    expect(await first.save()).toBe(true)
    expect(entries(cacheDir)).toHaveLength(1)
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.tmp'))).toEqual([])
    const progress: number[] = []
    const second = await openDumpIndex(dump, { cacheDir, onProgress: (r) => progress.push(r) })
    expect(second.fromCache).toBe(true)
    expect(second.index.fromCache).toBe(true)
    expect(comparable(second.index)).toEqual(comparable(first.index))
    expect(progress).toEqual([original.length])
    expect(await second.save()).toBe(false)
  })

  it('without a cache folder never writes', async () => {
    const r = await openDumpIndex(dump, { cacheDir: null })
    expect(r.fromCache).toBe(false)
    expect(await r.save()).toBe(false)
  })

  it('ignores the entry once the dump changes (appended byte, touch)', async () => {
    const cacheDir = newCacheDir()
    const p = freshDump()
    await (await openDumpIndex(p, { cacheDir })).save()
    expect((await openDumpIndex(p, { cacheDir })).fromCache).toBe(true)

    appendFileSync(p, '\n')
    age(p)
    const appended = await openDumpIndex(p, { cacheDir })
    expect(appended.fromCache).toBe(false)
    expect(appended.index.size).toBe(original.length + 1)
    await appended.save()
    expect((await openDumpIndex(p, { cacheDir })).fromCache).toBe(true)

    age(p, 30) // touch: same bytes, other mtime
    expect((await openDumpIndex(p, { cacheDir })).fromCache).toBe(false)
  })

  it("checks the entry's own stamp, not only its name", async () => {
    const cacheDir = newCacheDir()
    const p = freshDump()
    await (await openDumpIndex(p, { cacheDir })).save()
    const old = (await fileStamp(p))!
    writeFileSync(p, Buffer.concat([original.subarray(0, original.length >> 1)])) // same path, other content
    age(p)
    const now = (await fileStamp(p))!
    // an entry for the old file sitting under the new file's key must not be used
    copyFileSync(cacheEntryPath(cacheDir, old), cacheEntryPath(cacheDir, now))
    const r = await openDumpIndex(p, { cacheDir })
    expect(r.fromCache).toBe(false)
    expect(r.index.size).toBe(original.length >> 1)
  })

  it('ignores a truncated, random, empty or unreadable entry and indexes afresh', async () => {
    const cacheDir = newCacheDir()
    const p = freshDump()
    const built = await openDumpIndex(p, { cacheDir })
    await built.save()
    const entry = cacheEntryPath(cacheDir, (await fileStamp(p))!)
    const good = readFileSync(entry)
    const damaged = [
      good.subarray(0, good.length - 1),
      good.subarray(0, good.length >> 1),
      good.subarray(0, 20),
      Buffer.alloc(0),
      Buffer.from(Array.from({ length: good.length }, () => Math.floor(Math.random() * 256)))
    ]
    for (const bytes of damaged) {
      writeFileSync(entry, bytes)
      const r = await openDumpIndex(p, { cacheDir })
      expect(r.fromCache).toBe(false)
      expect(comparable(r.index)).toEqual(comparable(built.index))
      expect(await r.save()).toBe(true) // and the entry is repaired
      expect((await openDumpIndex(p, { cacheDir })).fromCache).toBe(true)
    }
    rmSync(entry)
    mkdirSync(entry) // a folder where the entry should be
    const r = await openDumpIndex(p, { cacheDir })
    expect(r.fromCache).toBe(false)
    expect(await r.save()).toBe(false)
  })

  it('keeps the most recently used entries only', async () => {
    const cacheDir = newCacheDir()
    const dumps = Array.from({ length: 5 }, () => freshDump())
    for (const p of dumps) {
      await (await openDumpIndex(p, { cacheDir, maxEntries: 3 })).save()
      await new Promise((r) => setTimeout(r, 15)) // distinct mtimes
    }
    expect(entries(cacheDir)).toHaveLength(3)
    const hit = async (p: string): Promise<boolean> => (await openDumpIndex(p, { cacheDir })).fromCache
    expect(await hit(dumps[0])).toBe(false)
    expect(await hit(dumps[1])).toBe(false)
    expect(await hit(dumps[2])).toBe(true) // used now: the most recent
    await new Promise((r) => setTimeout(r, 15))
    await (await openDumpIndex(dumps[0], { cacheDir, maxEntries: 3 })).save()
    expect(entries(cacheDir)).toHaveLength(3)
    expect(await hit(dumps[3])).toBe(false) // the least recently used went
    expect(await hit(dumps[2])).toBe(true)
    expect(await hit(dumps[4])).toBe(true)
    expect(await hit(dumps[0])).toBe(true)

    // a byte cap keeps at least the newest entry; stale temp files go, other files stay
    writeFileSync(join(cacheDir, 'notes.txt'), 'keep me')
    writeFileSync(join(cacheDir, 'x.idx.1.ab.tmp'), 'left by a killed writer')
    age(join(cacheDir, 'x.idx.1.ab.tmp'), 7200)
    await pruneCache(cacheDir, { maxBytes: 1 })
    expect(entries(cacheDir)).toHaveLength(1)
    expect(readdirSync(cacheDir).sort()).toEqual([...entries(cacheDir), 'notes.txt'].sort())
  })

  it('does not cache a just-written file, a cancelled open or a file changing while read', async () => {
    const cacheDir = newCacheDir()
    const young = join(dir, 'young.dump')
    writeFileSync(young, original)
    const r = await openDumpIndex(young, { cacheDir })
    expect(await r.save()).toBe(false)
    expect(entries(cacheDir)).toEqual([])

    const abort = new AbortController()
    abort.abort()
    const e = await openDumpIndex(freshDump(), { cacheDir, signal: abort.signal }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(AppError)
    expect((e as AppError).code).toBe('dump_cancelled')

    const growing = freshDump()
    let appended = false
    const g = await openDumpIndex(growing, {
      cacheDir,
      chunkSize: 4096,
      onProgress: () => {
        if (appended) return
        appended = true
        appendFileSync(growing, '=end\n')
        age(growing)
      }
    })
    expect(await g.save()).toBe(false)
    expect(entries(cacheDir)).toEqual([])
  })

  it('a cache hit through a symlink keeps the path it was opened with', async () => {
    const cacheDir = newCacheDir()
    const p = freshDump()
    await (await openDumpIndex(p, { cacheDir })).save()
    const link = join(dir, 'link.dump')
    symlinkSync(p, link)
    const r = await openDumpIndex(link, { cacheDir })
    expect(r.fromCache).toBe(true)
    expect(r.index.path).toBe(link)
  })

  it('an unusable cache folder only means no cache', async () => {
    const file = join(dir, 'not-a-folder')
    writeFileSync(file, '')
    const r = await openDumpIndex(dump, { cacheDir: join(file, 'sub') })
    expect(r.index.procs.count).toBeGreaterThan(20)
    expect(await r.save()).toBe(false)
    // errors are still the indexer's
    const e = await openDumpIndex(join(dir, 'missing.dump'), { cacheDir: newCacheDir() }).catch(
      (x: unknown) => x
    )
    expect((e as AppError).code).toBe('not_found')
  })

  it('finds its folder from the environment', () => {
    expect(defaultCacheDir({ ERLSCOPE_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' }, 'linux')).toBe('/c/dump-index')
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x' }, 'linux')).toBe('/x/erlscope/dump-index')
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'relative' }, 'linux')).toMatch(/\.cache\/erlscope\/dump-index$/)
    expect(defaultCacheDir({}, 'linux')).toMatch(/\.cache\/erlscope\/dump-index$/)
  })

  for (const via of ['in-process', 'worker'] as const)
    it.runIf(via === 'in-process' || existsSync(builtWorker))(
      `the dump service reuses it (${via})`,
      async () => {
        const userDataDir = newCacheDir()
        const service = new DumpService({
          userDataDir,
          onProgress: () => undefined,
          workerPath: via === 'worker' ? builtWorker : undefined
        })
        try {
          const p = freshDump()
          const a = await service.open(p)
          expect(service.get(a.dumpId).index.fromCache).toBeFalsy()
          // the entry is written after the open returns
          for (let i = 0; i < 100 && !existsSync(join(userDataDir, 'dump-index')); i++)
            await new Promise((r) => setTimeout(r, 20))
          for (let i = 0; i < 100 && entries(join(userDataDir, 'dump-index')).length === 0; i++)
            await new Promise((r) => setTimeout(r, 20))
          const b = await service.open(p)
          expect(service.get(b.dumpId).index.fromCache).toBe(true)
          expect(b.processCount).toBe(a.processCount)
          expect(await service.get(b.dumpId).summary('t')).toEqual(await service.get(a.dumpId).summary('t'))
          expect(statSync(p).size).toBe(b.size)
        } finally {
          await service.dispose()
        }
      }
    )
})

/**
 * The index built from parts (cut at section headers, indexed apart, merged) is the index one pass
 * builds, deep-equal, whatever the cuts: real dumps from the corpus, the OTP 25 fixture cut at
 * every header, truncated copies, and hand-made odd dumps (repeated =proc, proc_* sections of
 * unknown or repeated pids, scattered sections, =abort, CRLF).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/main/app-error'
import type { DumpIndex } from '../../../src/main/crashdump/dump-index'
import { indexWorkers, partCount } from '../../../src/main/crashdump/index-workers'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'
import { mergeParts } from '../../../src/main/crashdump/merge-parts'
import { indexDump } from '../../../src/main/crashdump/parallel-indexer'
import { indexPart } from '../../../src/main/crashdump/part-index'

const CORPUS = process.env.ERLSCOPE_DUMP_CORPUS ?? '/work/shared/corpus'
const corpusDumps = existsSync(join(CORPUS, 'dumps'))
  ? readdirSync(join(CORPUS, 'dumps'))
      .filter((f) => f.endsWith('.dump'))
      .sort()
  : []
const builtPartWorker = resolve(__dirname, '../../../out/main/dump-part-worker.js')
const built = existsSync(builtPartWorker)
if (!built)
  console.log(`[parallel index] thread tests skipped: ${builtPartWorker} is not built (npm run build).`)
if (corpusDumps.length === 0)
  console.log(`[parallel index] corpus tests skipped: ${CORPUS}/dumps is absent (set ERLSCOPE_DUMP_CORPUS).`)

let dir: string
let fixture: Buffer
let n = 0

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-parallel-'))
  fixture = gunzipSync(readFileSync(join(__dirname, '../../fixtures/dumps/otp25-small.dump.gz')))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(bytes: Buffer | string): string {
  const p = join(dir, `d${++n}.dump`)
  writeFileSync(p, bytes)
  return p
}

function comparable(ix: DumpIndex): Omit<DumpIndex, 'indexMs' | 'fromCache'> {
  const { indexMs: _t, fromCache: _c, ...rest } = ix
  return rest
}

/** Offsets of every section header after the first line, found independently of the indexer. */
function headers(bytes: Buffer): number[] {
  const text = bytes.toString('latin1')
  const out: number[] = []
  for (const m of text.matchAll(/\n=[a-z0-9_]+(?=[:\r\n]|$)/g)) out.push(m.index + 1)
  return out
}

/** Parts cut exactly at `cuts`, indexed one by one and merged. */
async function mergedAt(path: string, cuts: number[], size: number, chunkSize?: number): Promise<DumpIndex> {
  const starts = [0, ...cuts]
  const parts = []
  for (let k = 0; k < starts.length; k++)
    parts.push(await indexPart(path, starts[k], starts[k + 1] ?? size, { chunkSize }))
  return mergeParts(path, parts, 0)
}

async function expectSameEverywhere(bytes: Buffer, chunkSize?: number): Promise<void> {
  const p = file(bytes)
  const single = comparable(await indexDumpFile(p, { chunkSize }))
  const hs = headers(bytes)
  // every section its own part
  expect(comparable(await mergedAt(p, hs, bytes.length, chunkSize))).toEqual(single)
  // two parts, cut at each header
  for (const h of hs) expect(comparable(await mergedAt(p, [h], bytes.length, chunkSize))).toEqual(single)
}

describe('parts merged equal one pass', () => {
  it('the OTP 25 fixture with every section its own part, and with 2..40 parts', async () => {
    const p = file(fixture)
    const single = comparable(await indexDumpFile(p))
    expect(single.procs.count).toBeGreaterThan(30)
    expect(comparable(await mergedAt(p, headers(fixture), fixture.length))).toEqual(single)
    for (const workers of [2, 3, 5, 8, 13, 40]) {
      const ix = await indexDump(p, { workers, minPartBytes: 1, partWorker: 'in-process' })
      expect(comparable(ix), `${workers} parts`).toEqual(single)
    }
  })

  it('parts starting inside the late proc_stack/proc_heap sections (every cut there, tiny reads)', async () => {
    const p = file(fixture)
    const single = comparable(await indexDumpFile(p))
    const hs = headers(fixture)
    const firstLate = fixture.indexOf('\n=proc_stack:') + 1
    const late = hs.filter((h) => h >= firstLate)
    expect(late.length).toBeGreaterThan(40)
    for (const h of late) expect(comparable(await mergedAt(p, [h], fixture.length, 4096))).toEqual(single)
  })

  it('truncated copies (cut inside headers, =proc bodies, heaps, the last line)', async () => {
    const hs = headers(fixture)
    const cuts = [
      ...hs.filter((_, i) => i % 197 === 5).flatMap((h) => [h + 1, h + 3, h + 9, h - 1]),
      fixture.indexOf('\n=proc_heap:') + 40,
      fixture.indexOf('\n=proc:') + 30,
      fixture.length - 5
    ]
    for (const cut of cuts) {
      const bytes = fixture.subarray(0, cut)
      const p = file(bytes)
      const single = comparable(await indexDumpFile(p))
      expect(single.hasEnd).toBe(false)
      expect(comparable(await mergedAt(p, headers(bytes), bytes.length)), `cut at ${cut}`).toEqual(single)
      for (const workers of [2, 7]) {
        const ix = await indexDump(p, { workers, minPartBytes: 1, partWorker: 'in-process' })
        expect(comparable(ix), `cut at ${cut}, ${workers} parts`).toEqual(single)
      }
    }
  })

  it('a dump with repeated =proc, proc_* of unknown and repeated pids, scattered sections, =abort', async () => {
    const odd = [
      '=erl_crash_dump:0.5',
      'Mon Dec  1 10:00:00 2026',
      'Slogan: odd',
      '=proc:<0.1.0>',
      'State: Waiting',
      'Spawned as: a:b/0',
      'Message queue length: 1',
      '=proc:<0.2.0>',
      'State: Running',
      'Current call: x:y/1',
      '=proc:<0.1.0>',
      'State: Exiting',
      'Name: again',
      '=proc:<0.3.0>',
      'State: Garbing',
      'Program counter: 0x00007f (c:d/2 + 8)',
      '=port:#Port<0.1>',
      'Slot: 1',
      '=proc_stack:<0.2.0>',
      'y0:N',
      '=proc_heap:<0.2.0>',
      'H1:N',
      '=proc_stack:<0.1.0>',
      '=proc_stack:<0.9.9>',
      'y0:N',
      '=proc_heap:<0.3.0>',
      '=binary:7F0',
      '4:AAAA',
      '=proc_heap:<0.2.0>',
      'H2:N',
      '=proc_messages:<0.1.0>',
      'H3:N',
      '=proc_dictionary:<0.3.0>',
      '=proc_heap',
      '=proc:<0.4.0>',
      'State: Waiting',
      '=proc_heap:<0.4.0>',
      '=proc:<0.1.0>',
      'State: Waiting',
      '=proc:<0.5.0>',
      '=proc_heap:<0.5.0>',
      '=proc_heap:<0.1.0>',
      'H4:N',
      '=proc_dictionary:<0.1.0>',
      '=proc_stack:<0.9.9>',
      '=proc_heap:<0.9.9>',
      '=proc_messages:<0.5.0>',
      'H5:N',
      '=proc_dictionary:<0.5.0>',
      '=atoms',
      'a',
      '=abort:out of memory',
      ''
    ].join('\n')
    await expectSameEverywhere(Buffer.from(odd, 'latin1'))
    await expectSameEverywhere(Buffer.from(odd.replaceAll('\n', '\r\n'), 'latin1'))
    // ends inside a proc_* section (no =abort, no =end), and with only =end in the last part
    await expectSameEverywhere(Buffer.from(odd.slice(0, odd.indexOf('=atoms') - 3), 'latin1'))
    await expectSameEverywhere(Buffer.from(odd.slice(0, odd.indexOf('=atoms')) + '=end\n', 'latin1'))
  })

  it.runIf(corpusDumps.length > 0).each(corpusDumps)('corpus %s: 2, 3, 8 and 64 parts', async (name) => {
    const p = join(CORPUS, 'dumps', name)
    const single = comparable(await indexDumpFile(p))
    for (const workers of [2, 3, 8, 64]) {
      const ix = await indexDump(p, { workers, minPartBytes: 1, partWorker: 'in-process' })
      expect(comparable(ix), `${workers} parts`).toEqual(single)
    }
    const bytes = readFileSync(p)
    expect(comparable(await mergedAt(p, headers(bytes), bytes.length)), 'every section a part').toEqual(
      single
    )
  })
})

describe.runIf(built)('on worker threads (the built dump-part-worker.js)', () => {
  it.runIf(corpusDumps.length > 0).each(corpusDumps)('corpus %s on 4 threads', async (name) => {
    const p = join(CORPUS, 'dumps', name)
    const single = comparable(await indexDumpFile(p))
    const ix = await indexDump(p, { workers: 4, minPartBytes: 1, partWorker: builtPartWorker })
    expect(comparable(ix)).toEqual(single)
  })

  it('reports progress summed over the threads, up to the file size', async () => {
    const p = file(fixture)
    const seen: number[] = []
    const ix = await indexDump(p, {
      workers: 6,
      minPartBytes: 1,
      chunkSize: 4096,
      partWorker: builtPartWorker,
      onProgress: (read, total) => {
        expect(total).toBe(fixture.length)
        seen.push(read)
      }
    })
    expect(comparable(ix)).toEqual(comparable(await indexDumpFile(p)))
    expect(seen.length).toBeGreaterThan(6)
    expect(seen.every((v, i) => i === 0 || v >= seen[i - 1])).toBe(true)
    expect(seen[seen.length - 1]).toBe(fixture.length)
  })

  it('a cancel stops every thread with dump_cancelled', async () => {
    const p = file(fixture)
    const abort = new AbortController()
    const run = indexDump(p, {
      workers: 6,
      minPartBytes: 1,
      chunkSize: 64,
      partWorker: builtPartWorker,
      signal: abort.signal,
      onProgress: () => abort.abort()
    })
    const error = await run.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('dump_cancelled')
  })

  it('a file that is not a dump fails as in one pass', async () => {
    const p = file(Buffer.alloc(300_000, 'not a dump\n'))
    const one = await indexDumpFile(p).catch((e: unknown) => e)
    const many = await indexDump(p, { workers: 4, minPartBytes: 1, partWorker: builtPartWorker }).catch(
      (e: unknown) => e
    )
    expect(many).toBeInstanceOf(AppError)
    expect((many as AppError).message).toBe((one as AppError).message)
  })
})

describe('how many threads', () => {
  it('ERLSCOPE_INDEX_WORKERS when set, else the cores up to 8', () => {
    expect(indexWorkers({ ERLSCOPE_INDEX_WORKERS: '3' }, 2)).toBe(3)
    expect(indexWorkers({ ERLSCOPE_INDEX_WORKERS: '1' }, 16)).toBe(1)
    expect(indexWorkers({ ERLSCOPE_INDEX_WORKERS: '0' }, 4)).toBe(4)
    expect(indexWorkers({ ERLSCOPE_INDEX_WORKERS: 'many' }, 4)).toBe(4)
    expect(indexWorkers({}, 2)).toBe(2)
    expect(indexWorkers({}, 64)).toBe(8)
  })

  it('small dumps are one part (no thread started)', () => {
    expect(partCount(10 << 20, 8)).toBe(1)
    expect(partCount(100 << 20, 8)).toBe(3)
    expect(partCount(40 << 20, 2)).toBe(1)
    // a few parts per thread, so that a thread done early takes another
    expect(partCount(1 << 30, 2)).toBe(8)
    expect(partCount(1 << 30, 1)).toBe(1)
  })
})

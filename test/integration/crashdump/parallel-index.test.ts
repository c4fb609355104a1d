/**
 * A dump written by a real `erl` with thousands of processes (messages, dictionaries, one process
 * linked to 90,000 others, whose =proc: section is over 1 MB and read after the pass), indexed
 * on worker threads and in many parts, gives the one-pass index; so do truncated copies of it.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DumpIndex } from '../../../src/main/crashdump/dump-index'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'
import { indexDump } from '../../../src/main/crashdump/parallel-indexer'
import { writeDump } from '../../support/dump-writer'

const builtPartWorker = resolve(__dirname, '../../../out/main/dump-part-worker.js')
const builtCli = resolve(__dirname, '../../../out/main/cli.js')
const built = existsSync(builtPartWorker)
if (!built)
  console.log(`[parallel index] thread runs skipped: ${builtPartWorker} is not built (npm run build).`)

const MANY = `
  Holder = spawn(fun() ->
      [spawn_link(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, 90000)],
      receive stop -> ok end
    end),
  register(link_holder, Holder),
  Ps = [spawn(fun() -> put(k, N), receive stop -> ok end end) || N <- lists:seq(1, 5000)],
  [P ! {msg, N, lists:seq(1, 20)} || {N, P} <- lists:zip(lists:seq(1, 5000), Ps)],
  timer:sleep(3000),
  erlang:halt("erlscope test: many processes")`

let dir: string
let dump: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-parallel-erl-'))
  dump = (await writeDump(dir, 'many', MANY, { ERL_CRASH_DUMP_SECONDS: '300' }, ['+P', '200000'])).dump
}, 300_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function comparable(ix: DumpIndex): Omit<DumpIndex, 'indexMs' | 'fromCache'> {
  const { indexMs: _t, fromCache: _c, ...rest } = ix
  return rest
}

describe('a dump from erl with 95,000 processes', () => {
  it('indexes the same on threads and in many parts as in one pass', { timeout: 300_000 }, async () => {
    const single = comparable(await indexDumpFile(dump))
    expect(single.procs.count).toBeGreaterThan(95_000)
    expect(single.hasEnd).toBe(true)
    // the holder's Link list makes its =proc: section longer than the carry limit (1 MiB)
    const holder = single.procs.name.indexOf('link_holder')
    expect(single.procs.end[holder] - single.procs.off[holder]).toBeGreaterThan(1 << 20)
    expect(single.procs.extraOff.filter((x) => !Number.isNaN(x)).length).toBeGreaterThan(95_000)
    for (const workers of [3, 16]) {
      const ix = await indexDump(dump, { workers, minPartBytes: 1 << 20, partWorker: 'in-process' })
      expect(comparable(ix), `${workers} threads' parts on this thread`).toEqual(single)
    }
    if (built)
      for (const workers of [2, 4]) {
        const ix = await indexDump(dump, { workers, minPartBytes: 1 << 20, partWorker: builtPartWorker })
        expect(comparable(ix), `${workers} threads`).toEqual(single)
      }
  })

  it.runIf(built)(
    'the built CLI prints the same report and process list on 1 and 3 threads',
    {
      timeout: 300_000
    },
    async () => {
      // 64 MiB or more: the CLI cuts it in parts by itself
      expect(statSync(dump).size).toBeGreaterThan(64 << 20)
      const run = async (command: string, threads: string): Promise<string> =>
        (
          await promisify(execFile)(process.execPath, [builtCli, command, dump, '--json', '--no-cache'], {
            env: { ...process.env, ERLSCOPE_INDEX_WORKERS: threads },
            maxBuffer: 1 << 28
          })
        ).stdout
      for (const command of ['report', 'processes']) {
        const one = await run(command, '1')
        expect(one.length).toBeGreaterThan(1000)
        expect(await run(command, '3'), command).toBe(one)
      }
    }
  )

  it(
    'indexes truncated copies the same (cut among =proc:, inside the late proc_* sections)',
    {
      timeout: 300_000
    },
    async () => {
      const bytes = readFileSync(dump)
      const lateStart = bytes.indexOf('\n=proc_stack:')
      expect(lateStart).toBeGreaterThan(0)
      const cuts = [
        Math.floor(lateStart * 0.4),
        lateStart + 7,
        lateStart + Math.floor((bytes.length - lateStart) / 2),
        bytes.length - 100
      ]
      for (const cut of cuts) {
        const p = join(dir, `cut-${cut}.dump`)
        writeFileSync(p, bytes.subarray(0, cut))
        expect(statSync(p).size).toBe(cut)
        const single = comparable(await indexDumpFile(p))
        expect(single.hasEnd).toBe(false)
        const ix = await indexDump(p, {
          workers: built ? 3 : 8,
          minPartBytes: 1 << 20,
          partWorker: built ? builtPartWorker : 'in-process'
        })
        expect(comparable(ix), `cut at ${cut}`).toEqual(single)
        rmSync(p)
      }
    }
  )
})

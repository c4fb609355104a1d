import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emit, EventChannel, Events } from '../../../src/shared/api'
import type { DumpProgress } from '../../../src/shared/contract/dump'
import { dumpEventChannels, dumpRequestChannels } from '../../../src/shared/contract/dump'
import { AppError } from '../../../src/main/app-error'
import { createDumpHandlers } from '../../../src/main/crashdump/handlers'
import { explainSlogan } from '../../../src/main/crashdump/sections/slogan'
import { HeapDecoder, parseHeapLines } from '../../../src/main/crashdump/terms/heap-terms'
import { printTerm } from '../../../src/main/crashdump/terms/term-model'

let dir: string
let dump: string
const builtWorker = resolve(__dirname, '../../../out/main/dump-worker.js')

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-handlers-'))
  dump = join(dir, 'small.dump')
  writeFileSync(dump, gunzipSync(readFileSync(join(__dirname, '../../fixtures/dumps/otp25-small.dump.gz'))))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function recorder(): { emit: Emit; progress: DumpProgress[] } {
  const progress: DumpProgress[] = []
  const emit = (<E extends EventChannel>(event: E, payload: Events[E]) => {
    if (event === 'dump:progress') progress.push(payload as DumpProgress)
  }) as Emit
  return { emit, progress }
}

async function scenario(workerPath?: string): Promise<void> {
  const { emit, progress } = recorder()
  const { handlers, dispose, grantPath } = createDumpHandlers({
    emit,
    userDataDir: join(dir, `ud-${workerPath ? 'w' : 'p'}`),
    workerPath
  })
  try {
    grantPath(dump)
    const opened = await handlers['dump:open'](dump)
    expect(opened.processCount).toBeGreaterThan(20)
    expect(opened.truncated).toBeNull()
    expect(progress[0]).toMatchObject({ dumpId: opened.dumpId, bytesRead: 0, phase: 'indexing' })
    expect(progress.at(-1)).toMatchObject({
      dumpId: opened.dumpId,
      phase: 'done',
      bytesRead: opened.size,
      totalBytes: opened.size
    })
    expect(progress.some((p) => p.phase === 'indexing' && p.bytesRead === opened.size)).toBe(true)
    const summary = await handlers['dump:summary'](opened.dumpId)
    expect(summary.header.slogan).toBe('fixture: small dump')
    expect(summary.explanation.category).toBe('halt')
    expect(summary.topByMailbox[0].name).toBe('victim')
    const page = await handlers['dump:processes'](opened.dumpId, {
      sortBy: 'memory',
      descending: true,
      offset: 0,
      limit: 10
    })
    expect(page.rows).toHaveLength(10)
    expect(page.total).toBe(opened.processCount)
    const victim = await handlers['dump:process'](opened.dumpId, summary.topByMailbox[0].pid)
    expect(victim.messagesTotal).toBe(21)
    const ets = await handlers['dump:section'](opened.dumpId, 'ets', { limit: 5 })
    expect(ets.kind).toBe('ets')
    expect(JSON.parse(JSON.stringify(victim))).toEqual(victim)
    expect((await handlers['dump:list']()).map((d) => d.dumpId)).toEqual([opened.dumpId])
    // recent files are remembered in userData (written in the background)
    await new Promise((r) => setTimeout(r, 50))
    expect((await handlers['dump:recent']())[0]?.path).toBe(dump)
    await handlers['dump:close'](opened.dumpId)
    await expect(handlers['dump:summary'](opened.dumpId)).rejects.toMatchObject({ code: 'not_found' })
    grantPath(join(dir, 'missing.dump'))
    await expect(handlers['dump:open'](join(dir, 'missing.dump'))).rejects.toMatchObject({
      code: 'not_found'
    })
    writeFileSync(join(dir, 'x.txt'), 'not a dump')
    grantPath(join(dir, 'x.txt'))
    await expect(handlers['dump:open'](join(dir, 'x.txt'))).rejects.toBeInstanceOf(AppError)
    expect(progress.at(-1)?.phase).toBe('failed')
    await expect(handlers['dump:section']('nope', 'ets')).rejects.toMatchObject({ code: 'not_found' })
  } finally {
    await dispose()
  }
}

describe('createDumpHandlers', () => {
  it('declares every channel', () => {
    const { handlers } = createDumpHandlers({ emit: recorder().emit, userDataDir: dir })
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(dumpRequestChannels).sort())
    expect(Object.keys(dumpEventChannels)).toEqual(['dump:progress'])
  })

  it('open -> progress events -> summary, processes, process (in-process indexer)', async () => {
    await scenario()
  })

  it.runIf(existsSync(builtWorker))('the same through the built worker thread', async () => {
    await scenario(builtWorker)
  })

  it('dispose waits for the index cache and the recent list written after the open answered', async () => {
    // a file changed in the last seconds may still be written and is not cached: make it an old one
    const hourAgo = new Date(Date.now() - 3_600_000)
    utimesSync(dump, hourAgo, hourAgo)
    for (const workerPath of [undefined, ...(existsSync(builtWorker) ? [builtWorker] : [])]) {
      const userDataDir = join(dir, `ud-dispose-${workerPath ? 'w' : 'p'}`)
      const { handlers, dispose, grantPath } = createDumpHandlers({
        emit: recorder().emit,
        userDataDir,
        workerPath
      })
      grantPath(dump)
      await handlers['dump:open'](dump)
      await dispose()
      const cache = readdirSync(join(userDataDir, 'dump-index'))
      expect(cache.length).toBeGreaterThan(0)
      expect(cache.filter((f) => f.includes('tmp'))).toEqual([])
      expect(readdirSync(userDataDir)).toContain('recent-dumps.json')
    }
  })

  it('cancels an open in progress', async () => {
    const { emit, progress } = recorder()
    const { handlers, dispose, grantPath } = createDumpHandlers({ emit, userDataDir: dir })
    try {
      grantPath(dump)
      const opening = handlers['dump:open'](dump)
      const id = progress[0].dumpId
      await handlers['dump:cancel'](id)
      await expect(opening).rejects.toMatchObject({ code: 'dump_cancelled' })
      expect(progress.at(-1)?.phase).toBe('cancelled')
    } finally {
      await dispose()
    }
  })
})

describe('dump:open reads only files main handed out', () => {
  it('refuses any other path without touching it, so it tells nothing of the file or its existence', async () => {
    const { emit, progress } = recorder()
    const userDataDir = mkdtempSync(join(dir, 'ud-grants-'))
    const { handlers, dispose, grantPath } = createDumpHandlers({ emit, userDataDir })
    const secret = join(dir, 'cookie-like')
    writeFileSync(secret, 'TOPSECRETCOOKIE\n')
    try {
      const refusals = await Promise.all(
        [
          secret,
          join(dir, 'does-not-exist'),
          '/etc/passwd',
          `${dir}/../${dir.split('/').pop()}/cookie-like`
        ].map((p) =>
          handlers['dump:open'](p).then(
            () => new AppError('internal', 'opened'),
            (e: AppError) => e
          )
        )
      )
      for (const e of refusals) {
        expect(e).toMatchObject({
          code: 'invalid_request',
          message: expect.stringContaining('opens only a dump you chose')
        })
        expect(e.message).not.toMatch(/TOPSECRET|passwd|exist/)
      }
      // the same sentence whether or not the file exists
      expect(new Set(refusals.map((e) => e.message)).size).toBe(1)
      expect(progress).toEqual([])

      // chosen by the user (dialog, drop, command line): opened, and errors never quote its bytes
      grantPath(secret)
      const e = await handlers['dump:open'](secret).then(
        () => new AppError('internal', 'opened'),
        (x: AppError) => x
      )
      expect(e).toMatchObject({ code: 'not_a_dump' })
      expect(e.message).toBe(
        `${secret} is not an Erlang crash dump: it does not start with "=erl_crash_dump:".`
      )

      // a dump once opened stays openable from the recent list, also by a fresh handler table
      grantPath(dump)
      const opened = await handlers['dump:open'](dump)
      await handlers['dump:close'](opened.dumpId)
      await new Promise((r) => setTimeout(r, 100))
      expect(statSync(join(userDataDir, 'recent-dumps.json')).mode & 0o777).toBe(0o600)
      const again = createDumpHandlers({ emit, userDataDir })
      try {
        const reopened = await again.handlers['dump:open'](dump)
        expect(reopened.processCount).toBe(opened.processCount)
        await expect(again.handlers['dump:open'](secret)).rejects.toMatchObject({ code: 'invalid_request' })
      } finally {
        await again.dispose()
      }
    } finally {
      await dispose()
    }
  })
})

describe('slogans', () => {
  it.each([
    ['eheap_alloc: Cannot allocate 1425410620 bytes of memory (of type "heap").', 'process_heap'],
    ['binary_alloc: Cannot allocate 8589934592 bytes of memory (of type "binary").', 'binary'],
    [
      'Kernel pid terminated (application_controller) ({application_start_failure,kernel,x})',
      'application_failure'
    ],
    ['init terminating in do_boot ({undef,[{m,f,[],[]}]})', 'boot_failure'],
    ['Received SIGUSR1', 'requested'],
    ['Crash dump requested by user', 'requested'],
    ['no more index entries in atom_tab (max=1048576)', 'system_limit'],
    ['erl_child_setup closed', 'child_setup']
  ])('%s', (slogan, category) => {
    expect(explainSlogan(slogan).category).toBe(category)
  })
})

describe('heap terms', () => {
  const heap = parseHeapLines(
    [
      '10:lI104|H20',
      '20:lI105|N',
      '30:t3:A2:ok,H10,H40',
      '40:Mf2:H50:I1,H60',
      '50:t2:A1:a,A1:b',
      '60:F3:1.5',
      '70:lI1|I2',
      '80:B123456789012345678901234567890',
      '90:Yh3:AQID',
      'A0:YcFF:1:2',
      'B0:t2:H999,HA0'
    ].join('\n')
  )
  const dec = new HeapDecoder({
    heap,
    binary: (a) => (a === 0xff ? { size: 4, bytes: Buffer.from([9, 8, 7, 6]), partial: false } : null),
    base64: true
  })
  it('rebuilds tuples, strings, maps, floats, improper lists, bignums, binaries', () => {
    expect(printTerm(dec.term('H30'), { sortMaps: true })).toBe('{ok,"hi",#{a => 1,b => 1.5}}')
    expect(printTerm(dec.term('H70'))).toBe('[1|2]')
    expect(printTerm(dec.term('H80'))).toBe('123456789012345678901234567890')
    expect(printTerm(dec.term('H90'))).toBe('<<1,2,3>>')
    expect(printTerm(dec.term('HA0'))).toBe('<<8,7>>')
  })
  it('marks what the heap does not hold', () => {
    expect(printTerm(dec.term('HB0'))).toBe("{'#CDVIncompleteHeap',<<8,7>>}")
  })
})

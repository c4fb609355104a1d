/**
 * A dump the VM is still writing opens as "being written" and refreshes to the whole dump; one
 * that simply stops (old, not growing) is truncated. A compressed dump opens through the handler
 * table, in-process and in the built worker, with a decompressing phase.
 */
import { execFileSync } from 'node:child_process'
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Emit, EventChannel, Events } from '../../../src/shared/api'
import type { DumpProgress } from '../../../src/shared/contract/dump'
import { createDumpHandlers } from '../../../src/main/crashdump/handlers'

let dir: string
let whole: Buffer
const builtWorker = resolve(__dirname, '../../../out/main/dump-worker.js')

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-writing-'))
  whole = gunzipSync(readFileSync(join(__dirname, '../../fixtures/dumps/otp25-small.dump.gz')))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function handlersFor(name: string, workerPath?: string, onProgress?: (p: DumpProgress) => void) {
  const progress: DumpProgress[] = []
  const emit = (<E extends EventChannel>(event: E, payload: Events[E]) => {
    if (event !== 'dump:progress') return
    progress.push(payload as DumpProgress)
    onProgress?.(payload as DumpProgress)
  }) as Emit
  return { progress, ...createDumpHandlers({ emit, userDataDir: join(dir, name), workerPath }) }
}

describe.each([
  ['in-process', undefined],
  ['built worker', existsSync(builtWorker) ? builtWorker : undefined]
])('dumps being written, %s', (mode, workerPath) => {
  it('a growing dump opens as being written and refreshes to the whole dump', async () => {
    const path = join(dir, `growing-${mode}.dump`)
    // the first part the VM has written so far: it ends inside the process sections, no =end
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length / 2)))
    const { handlers, dispose, grantPath } = handlersFor(`ud-grow-${mode}`, workerPath)
    grantPath(path)
    try {
      const opened = await handlers['dump:open'](path)
      expect(opened.truncated?.beingWritten).toBe(true)
      expect(opened.truncated?.message).toMatch(/still being written.*Refresh/)
      const summary = await handlers['dump:summary'](opened.dumpId)
      expect(summary.truncated?.beingWritten).toBe(true)
      appendFileSync(path, whole.subarray(Math.floor(whole.length / 2)))
      const again = await handlers['dump:refresh'](opened.dumpId)
      expect(again.dumpId).toBe(opened.dumpId)
      expect(again.truncated).toBeNull()
      expect(again.size).toBe(whole.length)
      expect(again.sections).toBeGreaterThan(opened.sections)
      expect((await handlers['dump:summary'](opened.dumpId)).truncated).toBeNull()
    } finally {
      await dispose()
    }
  })

  it('a dump that stopped long ago is truncated, not being written', async () => {
    const path = join(dir, `cut-${mode}.dump`)
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length / 2)))
    const old = new Date(Date.now() - 5 * 60_000)
    utimesSync(path, old, old)
    const { handlers, dispose, grantPath } = handlersFor(`ud-cut-${mode}`, workerPath)
    grantPath(path)
    try {
      const opened = await handlers['dump:open'](path)
      expect(opened.truncated?.beingWritten).toBe(false)
      expect(opened.truncated?.message).toMatch(/^The dump is truncated/)
    } finally {
      await dispose()
    }
  })

  it('opens an xz dump with a decompressing phase, then the same dump', async () => {
    const path = join(dir, `small-${mode}.dump`)
    writeFileSync(path, whole)
    execFileSync('xz', ['-f', '-k', path])
    const { handlers, dispose, progress, grantPath } = handlersFor(`ud-xz-${mode}`, workerPath)
    grantPath(path)
    grantPath(`${path}.xz`)
    try {
      const plain = await handlers['dump:open'](path)
      const packed = await handlers['dump:open'](`${path}.xz`)
      expect(packed).toMatchObject({
        compression: 'xz',
        path: `${path}.xz`,
        size: plain.size,
        processCount: plain.processCount,
        truncated: null
      })
      expect(progress.some((p) => p.dumpId === packed.dumpId && p.phase === 'decompressing')).toBe(true)
      const s = await handlers['dump:summary'](packed.dumpId)
      expect(s.path).toBe(`${path}.xz`)
      const { dumpId: _a, path: _b, ...rest } = s
      const { dumpId: _c, path: _d, ...plainRest } = await handlers['dump:summary'](plain.dumpId)
      expect(rest).toEqual(plainRest)
    } finally {
      await dispose()
    }
  })

  it('cancel during decompression fails the open with dump_cancelled and leaves no partial copy', async () => {
    const path = join(dir, `cancel-${mode}.dump`)
    writeFileSync(path, whole)
    execFileSync('xz', ['-f', '-k', path])
    // cancel from the first progress event of the decompression itself: a poll could come after a
    // fast decompression has already finished on a quiet machine
    let cancelling: Promise<void> | undefined
    const { handlers, dispose, progress, grantPath } = handlersFor(`ud-cancel-${mode}`, workerPath, (p) => {
      if (p.phase === 'decompressing' && !cancelling) cancelling = handlers['dump:cancel'](p.dumpId)
    })
    grantPath(`${path}.xz`)
    try {
      // the open may fail before anything awaits it: take its outcome at once (no unhandled rejection)
      const opening = handlers['dump:open'](`${path}.xz`).then(
        () => null,
        (e: unknown) => e
      )
      await vi.waitFor(() => expect(cancelling).toBeDefined())
      await cancelling
      expect(await opening).toMatchObject({ code: 'dump_cancelled' })
      expect(progress.at(-1)?.phase).toBe('cancelled')
      const cache = join(dir, `ud-cancel-${mode}`, 'dump-index')
      // the worker removes its partial copy as it stops
      await vi.waitFor(() =>
        expect(existsSync(cache) ? readdirSync(cache).filter((n) => n.endsWith('.tmp')) : []).toEqual([])
      )
    } finally {
      await dispose()
    }
  })
})

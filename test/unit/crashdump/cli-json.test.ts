import { readFileSync } from 'node:fs'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { expect, it } from 'vitest'
import { processJson, processJsonFromColumns } from '../../../src/main/cli/process-json'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'
import type { DumpProcessRow } from '../../../src/shared/contract/dump'

/** What `processes --json` printed before it built its rows by hand. */
const reference = (r: DumpProcessRow): string =>
  JSON.stringify({
    pid: r.pid,
    name: r.name,
    spawnedAs: r.spawnedAs,
    label: r.label ?? null,
    state: r.state,
    messageQueueLength: r.messageQueueLength,
    reductions: r.reductions,
    stackHeapWords: r.stackHeapWords,
    memoryBytes: r.memoryBytes,
    memoryEstimateBytes: r.memoryEstimateBytes,
    currentFunction: r.currentFunction
  })

it('processes --json rows are exactly JSON.stringify of the row', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'erlscope-clijson-'))
  try {
    const p = join(dir, 'small.dump')
    writeFileSync(p, gunzipSync(readFileSync(join(__dirname, '../../fixtures/dumps/otp25-small.dump.gz'))))
    const dump = await DumpFile.open(await indexDumpFile(p))
    try {
      const fromColumns = processJsonFromColumns(dump.index.procs, 8)
      for (let r = 0; r < dump.index.procs.count; r++) {
        const row = dump.row(r, 8)
        expect(processJson(row)).toBe(reference(row))
        expect(fromColumns(r)).toBe(reference(row))
        expect(fromColumns(r, 'shop_worker:init/1')).toBe(
          reference({ ...row, spawnedAs: 'shop_worker:init/1' })
        )
        expect(fromColumns(r, undefined, 'orders "queue"')).toBe(
          reference({ ...row, label: 'orders "queue"' })
        )
      }
    } finally {
      await dump.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const base = dumpRow()
  const odd = [
    '',
    'a"b',
    'back\\slash',
    'tab\there',
    'nl\n',
    'ünïcødé',
    '\u2028',
    '\ud800',
    '\x7f',
    '\x00',
    "'q'"
  ]
  for (const s of odd)
    for (const row of [
      { ...base, pid: s },
      { ...base, name: s },
      { ...base, spawnedAs: s },
      { ...base, label: s },
      { ...base, state: s },
      { ...base, currentFunction: s }
    ])
      expect(processJson(row)).toBe(reference(row))
  for (const n of [0, -0, 1.5, 1e21, 2 ** 53 + 2, NaN, Infinity, -Infinity])
    for (const row of [
      { ...base, messageQueueLength: n },
      { ...base, reductions: n },
      { ...base, stackHeapWords: n },
      { ...base, memoryBytes: n },
      { ...base, memoryEstimateBytes: n }
    ])
      expect(processJson(row)).toBe(reference(row))
  expect(processJson({ ...base, name: null, memoryBytes: null, state: null })).toBe(
    reference({ ...base, name: null, memoryBytes: null, state: null })
  )
})

function dumpRow(): DumpProcessRow {
  return {
    pid: '<0.65.0>',
    name: 'victim',
    spawnedAs: 'proc_lib:init_p/5',
    state: 'Waiting',
    messageQueueLength: 3,
    reductions: 100,
    stackHeapWords: 233,
    oldHeapWords: 0,
    memoryBytes: 2000,
    memoryEstimateBytes: 1864,
    currentFunction: 'gen_server:loop/7'
  }
}

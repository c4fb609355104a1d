/**
 * The process layout scan and message paging on the OTP 27 fixture dump (a real OTP 27 `erl`:
 * 316 messages of every heap form): reads cut at every small size give the same layout as one
 * read, every message line comes back as the section holds it, and pages of any size and start
 * decode to the same terms as the whole queue in one page.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import { openDump } from '../../../src/main/crashdump/open-dump'
import {
  findGroupPositions,
  findHeapLine,
  readMessageLines,
  scanProcLayout,
  type ReadAt
} from '../../../src/main/crashdump/proc-layout'
import { splitProcExtras } from '../../../src/main/crashdump/sections/proc'
import { printTerm } from '../../../src/main/crashdump/terms/term-model'
import { splitLines } from '../../../src/main/crashdump/text'

const fixtures = join(import.meta.dirname, '../../fixtures/dumps')
const dir = mkdtempSync(join(tmpdir(), 'erlscope-proc-layout-'))
let bytes: Buffer
let file: DumpFile
let dispose: () => Promise<void>
let row: number

const read: ReadAt = async (off, end) => bytes.subarray(off, Math.min(end, bytes.length))

beforeAll(async () => {
  const opened = await openDump(join(fixtures, 'otp27-small.dump.xz'), { cacheDir: dir })
  dispose = opened.dispose
  file = await DumpFile.open(opened.index, opened.source)
  bytes = readFileSync(opened.index.path)
  const p = opened.index.procs
  row = p.msgq.reduce((best, q, r) => (q > p.msgq[best] ? r : best), 0)
}, 60_000)

afterAll(async () => {
  await file?.close()
  await dispose?.()
  rmSync(dir, { recursive: true, force: true })
})

describe('a process layout', () => {
  it('is the same whatever the size of the reads', async () => {
    const p = file.index.procs
    const whole = await scanProcLayout(read, p.extraOff[row], p.extraEnd[row])
    expect(whole.messageCount).toBe(p.msgq[row])
    expect([...whole.sections.keys()]).toEqual([
      'proc_messages',
      'proc_dictionary',
      'proc_stack',
      'proc_heap'
    ])
    for (let chunk = 1; chunk <= 97; chunk++) {
      const cut = await scanProcLayout(read, p.extraOff[row], p.extraEnd[row], chunk)
      expect(cut, `reads of ${chunk} bytes`).toEqual(whole)
    }
  })

  it('gives back every message line, and the heap line of every group root', async () => {
    const p = file.index.procs
    const layout = await scanProcLayout(read, p.extraOff[row], p.extraEnd[row])
    const extras = splitProcExtras(bytes.toString('latin1', p.extraOff[row], p.extraEnd[row]))
    const lines = splitLines(extras.get('proc_messages') ?? '')
    for (const [from, limit] of [
      [0, 1000],
      [0, 1],
      [255, 2],
      [256, 100],
      [lines.length - 1, 10],
      [lines.length, 10]
    ])
      expect(await readMessageLines(read, layout, from, limit)).toEqual(lines.slice(from, from + limit))
    const heap = layout.sections.get('proc_heap')
    if (!heap) throw new Error('no heap section')
    const positions = await findGroupPositions(read, heap, layout.groupRoot)
    layout.groupRoot.forEach((root, g) => {
      if (!root) return
      const at = positions[g]
      expect(bytes.toString('latin1', at, at + root.length + 1)).toBe(`${root}:`)
    })
    expect(await findHeapLine(read, 'DEADBEEF0', heap.off, heap.end)).toBe(-1)
  })

  it('pages to the same terms as the whole queue in one page', async () => {
    const pid = file.index.procs.pid[row]
    const all = (await file.process(pid, { messageLimit: 1000 })).messages.map((m) => printTerm(m.term))
    expect(all.length).toBe(file.index.procs.msgq[row])
    expect(all.join('\n')).not.toContain('#CDVIncompleteHeap')
    for (const size of [1, 7, 100])
      for (let from = 0; from < all.length; from += size) {
        const d = await file.process(pid, { messageOffset: from, messageLimit: size })
        expect(d.messageOffset).toBe(from)
        expect(
          d.messages.map((m) => printTerm(m.term)),
          `page at ${from} of ${size}`
        ).toEqual(all.slice(from, from + size))
      }
  }, 60_000)
})

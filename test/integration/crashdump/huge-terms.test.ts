/**
 * Terms larger than the decode budget, `-0.0`, and a "Kernel pid terminated" slogan cut short,
 * in dumps written by a real `erl`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DumpTerm } from '../../../src/shared/contract/dump'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'
import { printTerm } from '../../../src/main/crashdump/terms/term-model'
import { writeDump, type Generated } from '../../support/dump-writer'

let dir: string
let huge: Generated
let kernel: Generated

// Every dictionary value is larger than the decoder's budget of 200 000 heap nodes (or than the
// 10 000 elements kept per list/tuple/map); the keys are small.
const HUGE = `
  Parent = self(),
  Victim = spawn(fun() ->
      Self = self(),
      put({ch, Self}, [{delivery, I, lists:seq(1, 30)} || I <- lists:seq(1, 20000)]),
      put(big_tuple, list_to_tuple([{I} || I <- lists:seq(1, 210000)])),
      put(big_map, maps:from_list([{I, {I}} || I <- lists:seq(1, 210000)])),
      put(long_list, lists:seq(1, 50000)),
      put(small, ok),
      Parent ! {ready, Self},
      receive never -> ok end
    end),
  register(huge_victim, Victim),
  receive {ready, Victim} -> ok end,
  Victim ! {floats, -0.0, 0.0, [-0.0]},
  timer:sleep(100),
  ok = file:write_file(Expected, pid_to_list(Victim)),
  erlang:halt("erlscope test: huge terms")
`

// init prints the reason with a depth limit but strings in full: a long string makes a long slogan
const LONG_REASON = `{application_start_failure,erlscope_app,{shutdown,{failed_to_start_child,erlscope_sup,lists:flatten(lists:duplicate(12, "listener on port 25672 refused: eaddrinuse; "))}}}`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-huge-'))
  ;[huge, kernel] = await Promise.all([
    writeDump(dir, 'huge', HUGE),
    // the kernel's application_controller dies with a long reason: init writes a
    // "Kernel pid terminated (application_controller) (Reason)" dump
    writeDump(dir, 'kernel', `exit(whereis(application_controller), ${LONG_REASON})`)
  ])
}, 180_000)

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function openDump(path: string): Promise<DumpFile> {
  return DumpFile.open(await indexDumpFile(path))
}

function entry(dict: { key: DumpTerm; value: DumpTerm }[], key: string): DumpTerm | undefined {
  return dict.find((e) => printTerm(e.key) === key)?.value
}

describe('terms larger than the decode budget', () => {
  it('keeps every dictionary key and shows the first elements of huge values with how many more', async () => {
    const pid = readFileSync(huge.expected, 'latin1')
    const d = await openDump(huge.dump)
    try {
      const detail = await d.process(pid)
      const dict = detail.dictionary ?? []
      expect(dict.map((e) => printTerm(e.key)).sort()).toEqual(
        [`{ch,${pid}}`, 'big_map', 'big_tuple', 'long_list', 'small'].sort()
      )
      // the heap is complete: nothing may say otherwise
      const printed = dict.map((e) => printTerm(e.value)).join('\n')
      expect(printed).not.toContain('#CDVIncompleteHeap')
      expect(entry(dict, 'small')).toEqual({ kind: 'atom', name: 'ok' })

      // 20 000 deliveries of 32 nodes each: the budget runs out part way, the rest is counted
      const ch = entry(dict, `{ch,${pid}}`)
      expect(ch?.kind).toBe('list')
      if (ch?.kind !== 'list') return
      expect(ch.items.length).toBeGreaterThan(100)
      expect(ch.items.length + (ch.more ?? 0)).toBe(20000)
      expect(ch.more).toBeGreaterThan(0)
      expect(ch.tail).toBeUndefined()
      expect(printTerm(ch.items[0])).toBe(
        `{delivery,1,[${Array.from({ length: 30 }, (_, i) => i + 1).join(',')}]}`
      )
      expect(printTerm(ch.items[ch.items.length - 1])).toMatch(
        new RegExp(`^\\{delivery,${ch.items.length},\\[1,2,`)
      )

      const tuple = entry(dict, 'big_tuple')
      expect(tuple?.kind).toBe('tuple')
      if (tuple?.kind !== 'tuple') return
      expect(tuple.items.length).toBe(10000)
      expect(tuple.more).toBe(200000)
      expect(printTerm(tuple.items[9999])).toBe('{10000}')

      const map = entry(dict, 'big_map')
      expect(map?.kind).toBe('map')
      if (map?.kind !== 'map') return
      expect(map.entries.length).toBe(10000)
      expect(map.more).toBe(200000)
      for (const e of map.entries.slice(0, 50)) expect(printTerm(e.value)).toBe(`{${printTerm(e.key)}}`)

      const list = entry(dict, 'long_list')
      expect(list?.kind).toBe('list')
      if (list?.kind !== 'list') return
      expect(list.items.length).toBe(10000)
      expect(list.more).toBe(40000)
      expect(printTerm(list.items[9999])).toBe('10000')
      expect(printTerm(list, { maxLength: 100 })).toMatch(/^\[1,2,3,/)
      expect(printTerm({ ...list, items: list.items.slice(0, 2) })).toBe('[1,2,…‹40,000 more›]')
    } finally {
      await d.close()
    }
  })

  it('decodes -0.0 as -0.0', async () => {
    const pid = readFileSync(huge.expected, 'latin1')
    const d = await openDump(huge.dump)
    try {
      const detail = await d.process(pid)
      expect(printTerm(detail.messages[0].term)).toBe('{floats,-0.0,0.0,[-0.0]}')
    } finally {
      await d.close()
    }
  })
})

describe('a "Kernel pid terminated" slogan', () => {
  it('names the process and gives the reason, whole or cut at 200 characters by the VM', async () => {
    const whole = await openDump(kernel.dump)
    const PREFIX = 'Kernel pid terminated (application_controller) ('
    let slogan: string | null
    try {
      const s = await whole.summary('t')
      slogan = s.header.slogan
      expect(slogan).toMatch(
        /^Kernel pid terminated \(application_controller\) \(\{application_start_failure,erlscope_app,.*\}\)$/
      )
      expect(slogan?.length).toBeGreaterThan(250)
      expect(s.explanation.title).toBe('A kernel process terminated (application_controller)')
      expect(s.explanation.reason).toBe(slogan?.slice(PREFIX.length, -1))
      expect(s.explanation.detail).not.toMatch(/cut the slogan short/)
    } finally {
      await whole.close()
    }
    // OTP 18 to 24 cut the slogan at 200 characters, closing parentheses and all (see corpus
    // dumps 35 and 37): cut this real dump's slogan line the same way
    const bytes = readFileSync(kernel.dump, 'latin1')
    const cutSlogan = (slogan ?? '').slice(0, 200)
    const cutPath = join(dir, 'kernel-cut.dump')
    writeFileSync(cutPath, bytes.replace(`Slogan: ${slogan}\n`, `Slogan: ${cutSlogan}\n`), 'latin1')
    const cut = await openDump(cutPath)
    try {
      const s = await cut.summary('t')
      expect(s.header.slogan).toBe(cutSlogan)
      expect(s.explanation.title).toBe('A kernel process terminated (application_controller)')
      expect(s.explanation.reason).toBe(cutSlogan.slice(PREFIX.length))
      expect(s.explanation.reason).not.toContain('application_controller) (')
      expect(s.explanation.detail).toMatch(/cut the slogan short/)
    } finally {
      await cut.close()
    }
  })
})

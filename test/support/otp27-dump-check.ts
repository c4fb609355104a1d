/**
 * Checks an OTP 27 dump of OTP27_SCENARIO against what the scenario sent: every message as the
 * dump reader decodes it against the term itself, the label, the dictionary, and which heap forms
 * the dump used (`Yc` binaries with an offset, flat/hashed maps, `Rf` funs).
 */
import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import type { DumpFile } from '../../src/main/crashdump/dump-file'
import { decode, formatTerm, type Term } from '../../src/main/erldist/etf'
import type { DumpTerm } from '../../src/shared/contract/dump'
import { printDumpTerm } from '../../src/shared/dump-term-print'

export async function checkOtp27Dump(file: DumpFile, dumpText: string, expectedEtf: string): Promise<void> {
  const expected = decode(readFileSync(expectedEtf)) as Term & { kind: 'tuple' }
  const [pidTerm, msgsTerm] = expected.elements
  const pid = formatTerm(pidTerm).replace(/^"|"$/g, '')
  const sent = (msgsTerm as Term & { kind: 'list' }).elements

  const summary = await file.summary('x')
  expect(summary.header.systemVersion ?? '').toMatch(/Erlang\/OTP 27/)

  const d = await file.process(pid, { messageLimit: 1000 })
  expect(d.label).toBe('{order_worker,7}')
  expect(d.messagesTotal).toBe(sent.length + 300)
  const got = d.messages.map((m) => m.term)
  for (let i = 0; i < sent.length; i++) {
    const want = sent[i]
    if (want.kind === 'fun') {
      // a dump's fun is a reference (`Rf`) to its `=fun` entry: module and index, no environment
      expect(got[i].kind, `message ${i}`).toBe('fun')
      expect(printDumpTerm(got[i]), `message ${i}`).toBe(`#Fun<${want.module}.${want.oldIndex}>`)
    } else expect(printDumpTerm(got[i]), `message ${i}`).toBe(formatTerm(want))
  }
  expect(printDumpTerm(got[sent.length + 299])).toBe('{filler,300}')

  const kinds = (t: DumpTerm): string =>
    t.kind === 'binary' ? `binary/${t.storage}` : t.kind === 'map' ? `map/${t.entries.length}` : t.kind
  expect(got.slice(0, sent.length).map(kinds)).toEqual([
    'atom',
    'int',
    'int',
    'float',
    'int',
    'tuple',
    'string',
    // OTP 27 writes every off-heap binary, sub-binaries included, as Yc<bin>:<offset>:<size>:
    // the 8-byte literal and Big whole are refc, Sub (100 bytes at offset 7 of Big) a sub-binary
    'binary/refc',
    'binary/refc',
    'binary/sub',
    'map/3',
    'map/40',
    'fun',
    'fun',
    'ref',
    'pid'
  ])
  const dict = new Map((d.dictionary ?? []).map((e) => [printDumpTerm(e.key), printDumpTerm(e.value)]))
  expect(dict.get("'$process_label'")).toBe('{order_worker,7}')
  expect(dict.get('my_key')).toBe('{dict,value,42}')

  // the forms the OTP 27 dumper wrote: fun references, hashed maps, the 100-byte part at offset 7
  // of the 300-byte binary as Yc<bin>:7:64 (no Ys sub-binary lines any more), heap binaries
  expect(dumpText).toMatch(/^[0-9A-F]+:Rf[0-9A-F]+$/m)
  expect(dumpText).toMatch(/^[0-9A-F]+:Mh/m)
  expect(dumpText).toMatch(/^[0-9A-F]+:Yc[0-9A-F]+:7:64$/m)
  expect(dumpText).toMatch(/^[0-9A-F]+:Yh/m)
  expect(dumpText).not.toMatch(/^[0-9A-F]+:Ys/m)
  const ets = await file.etsTables()
  expect(ets.some((t) => t.name === 'otp27_table' && t.objects === 100)).toBe(true)
}

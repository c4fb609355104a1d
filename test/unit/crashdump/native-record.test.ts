/**
 * OTP 29 native records in a dump: the heap dumper writes a boxed term it has no text form for as
 * `E<hexsize>:<external term format>`, so a record arrives there as RECORD_EXT (docs/term-formats.md).
 * The bytes are built from the RECORD_EXT layout by the distribution codec (its own vectors are
 * byte-level: test/unit/erldist/record-ext.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { encode, int, list, type RecordTerm } from '../../../src/main/erldist/etf'
import { HeapDecoder, parseHeapLines } from '../../../src/main/crashdump/terms/heap-terms'
import { decodeEtf } from '../../../src/main/crashdump/terms/etf'
import { printDumpTerm } from '../../../src/shared/dump-term-print'

const line: RecordTerm = { kind: 'record', module: 'shop', name: 'line', exported: false, fields: [] }
const order: RecordTerm = {
  kind: 'record',
  module: 'shop',
  name: 'order',
  exported: true,
  fields: [
    ['id', int(42)],
    ['lines', list([line])]
  ]
}

function heapWith(etf: Buffer): HeapDecoder {
  return new HeapDecoder({
    heap: parseHeapLines(`100:E${etf.length.toString(16).toUpperCase()}:${etf.toString('base64')}`),
    binary: () => null,
    base64: true
  })
}

describe('native records in dumps', () => {
  it('an E heap term holding RECORD_EXT decodes as a record and prints as OTP 29 does', () => {
    const d = heapWith(Buffer.from(encode(order)))
    const t = d.safe(() => d.term('H100'))
    expect(t.kind).toBe('record')
    expect(printDumpTerm(t)).toBe('#shop:order{id = 42,lines = [#shop:line{}]}')
    expect(printDumpTerm(t, { syntax: 'elixir' })).toBe('#shop:order{id = 42, lines = [#shop:line{}]}')
  })

  it('a cut or malformed RECORD_EXT is a placeholder, not a crash', () => {
    const bytes = Buffer.from(encode(order))
    for (let n = 2; n < bytes.length; n++) {
      expect(decodeEtf(bytes.subarray(0, n)).kind, `cut at ${n}`).toBe('missing')
    }
    const badFlags = Buffer.from(bytes)
    badFlags[6] = 7
    expect(decodeEtf(badFlags).kind).toBe('missing')
  })
})

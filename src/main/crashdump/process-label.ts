/**
 * The name people know a process by, from its dictionary: OTP 27+ `proc_lib:set_label/1`
 * (`'$process_label'`) or, failing that, the `process_name` that RabbitMQ puts there
 * (`{rabbit_amqqueue_process, {resource, <<"/">>, queue, <<"orders">>}}`), so that a thousand
 * processes spawned the same way can be told apart in the process table.
 */
import type { DumpTerm } from '../../shared/contract/dump'
import { printDumpTerm } from '../../shared/dump-term-print'
import { dictionaryEntryPattern, findDictionaryEntry } from './initial-call'
import { HeapDecoder, type BinaryData, type HeapLines } from './terms/heap-terms'

/** Dictionary keys holding a process's label, the first one present wins. */
export const LABEL_KEYS = ['$process_label', 'process_name'] as const
const PATTERNS = LABEL_KEYS.map(dictionaryEntryPattern)
/** Term nodes decoded for one label: a queue's resource tuple is a dozen. */
const LABEL_BUDGET = 256
/** `=binary:` sections read for one label (a queue's vhost and name are two). */
const LABEL_BINARIES = 8
/** A label printed for a table cell is cut here. */
const LABEL_MAX_CHARS = 200

/** A label as shown: a binary's text as is, anything else in Erlang syntax, cut at 200 characters. */
export function printLabel(v: DumpTerm): string {
  if (v.kind === 'binary' && v.text !== undefined && !v.elided) return v.text
  return printDumpTerm(v, { maxLength: LABEL_MAX_CHARS })
}

/**
 * The label of one process from its `=proc_dictionary` and `=proc_heap` sections (`data`, as in
 * the dump), found by a byte search, printed; null when its dictionary holds neither key.
 * `binary` loads a `=binary:` section the label refers to (binaries of the literal area and
 * refc ones are written apart from the heap); the label is decoded again once they are in.
 */
export async function labelFromProcessData(
  data: Buffer,
  literals: HeapLines | undefined,
  base64: boolean,
  binary: (addr: number) => Promise<BinaryData | null>
): Promise<string | null> {
  for (const pattern of PATTERNS) {
    const entry = findDictionaryEntry(data, pattern)
    if (!entry) continue
    const loaded = new Map<number, BinaryData | null>()
    const wanted: number[] = []
    const decode = (): DumpTerm => {
      const dec = new HeapDecoder({
        heap: entry.heap,
        literals,
        binary: (addr) => {
          if (!loaded.has(addr) && !wanted.includes(addr)) wanted.push(addr)
          return loaded.get(addr) ?? null
        },
        base64,
        budget: LABEL_BUDGET
      })
      return dec.safe(() => dec.term(entry.value))
    }
    let term = decode()
    if (wanted.length > 0) {
      let found = false
      for (const addr of wanted.slice(0, LABEL_BINARIES)) {
        const data = await binary(addr)
        loaded.set(addr, data)
        found ||= data !== null
      }
      // decoded again only when a binary was there (OTP 25 leaves literal ones out of dumps)
      if (found) term = decode()
    }
    return printLabel(term)
  }
  return null
}

/** The label from a decoded dictionary (the process detail), printed; null for none. */
export function labelFromDictionary(d: readonly { key: DumpTerm; value: DumpTerm }[]): string | null {
  for (const key of LABEL_KEYS) {
    const v = d.find((e) => e.key.kind === 'atom' && e.key.name === key)?.value
    if (v) return printLabel(v)
  }
  return null
}

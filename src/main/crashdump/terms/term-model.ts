/** Builders and a printer for the DumpTerm model (the shape terms take across IPC). */
import type { DumpTerm } from '../../../shared/contract/dump'
import { printDumpTerm, type DumpPrintOptions } from '../../../shared/dump-term-print'

/** Bytes of a binary kept in a term (the rest is elided). */
export const BINARY_PREVIEW_BYTES = 1024

/** Control characters Erlang's io_lib:printable_list accepts: \b \t \n \v \f \r \e. */
const ERLANG_PRINTABLE_CONTROL = new Set([8, 9, 10, 11, 12, 13, 27])

function printableText(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return ''
  let ascii = true
  for (const c of bytes) {
    if (c < 0x20 && !ERLANG_PRINTABLE_CONTROL.has(c)) return undefined
    if (c === 0x7f) return undefined
    if (c >= 0x80) ascii = false
  }
  if (ascii) return Buffer.from(bytes).toString('latin1')
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
}

export function binaryTerm(
  bytes: Uint8Array,
  size: number,
  storage: 'heap' | 'refc' | 'sub' | 'external'
): Extract<DumpTerm, { kind: 'binary' }> {
  const shown = bytes.subarray(0, Math.min(bytes.length, BINARY_PREVIEW_BYTES, size))
  const t: Extract<DumpTerm, { kind: 'binary' }> = {
    kind: 'binary',
    size,
    base64: Buffer.from(shown).toString('base64'),
    storage,
    elided: shown.length < size
  }
  const text = printableText(shown)
  if (text !== undefined) t.text = text
  return t
}

function isPrintableCode(c: number): boolean {
  return (
    (c >= 32 && c <= 126) ||
    (c >= 160 && c <= 0x10ffff && !(c >= 0xd800 && c <= 0xdfff)) ||
    ERLANG_PRINTABLE_CONTROL.has(c)
  )
}

/** A list of integers: a `string` term when every code is printable, else a list of ints. */
export function charListTerm(codes: number[]): DumpTerm {
  if (codes.length > 0 && codes.every(isPrintableCode))
    return { kind: 'string', value: String.fromCodePoint(...codes) }
  if (codes.length === 0) return { kind: 'nil' }
  return { kind: 'list', items: codes.map((c) => ({ kind: 'int', value: String(c) })) }
}

/** Erlang-like text for a term (`~p` without line breaks); what the dump lacks prints as crashdump_viewer does. */
export function printTerm(t: DumpTerm, opts: Omit<DumpPrintOptions, 'cdvPlaceholders'> = {}): string {
  return printDumpTerm(t, { ...opts, cdvPlaceholders: true })
}

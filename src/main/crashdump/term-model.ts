/** Builders and a printer for the DumpTerm model (the shape terms take across IPC). */
import type { DumpTerm } from '../../shared/contract/dump'

/** Bytes of a binary kept in a term (the rest is elided). */
export const BINARY_PREVIEW_BYTES = 1024

function printableText(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return ''
  let ascii = true
  for (const c of bytes) {
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 13) return undefined
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
    c === 9 ||
    c === 10 ||
    c === 13
  )
}

/** A list of integers: a `string` term when every code is printable, else a list of ints. */
export function charListTerm(codes: number[]): DumpTerm {
  if (codes.length > 0 && codes.every(isPrintableCode))
    return { kind: 'string', value: String.fromCodePoint(...codes) }
  if (codes.length === 0) return { kind: 'nil' }
  return { kind: 'list', items: codes.map((c) => ({ kind: 'int', value: String(c) })) }
}

function quoteAtom(name: string): string {
  if (/^[a-z][a-zA-Z0-9_@]*$/.test(name)) return name
  return `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

function quoteString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`
}

export interface PrintOptions {
  /** Sort map entries by their printed key (a stable order to compare). */
  sortMaps?: boolean
  /** Print strings as lists of integers (as `~w` does). */
  stringsAsLists?: boolean
  /** Stop after this many characters (adds `...`). */
  maxLength?: number
}

/** Erlang-like text for a term (`~p` without line breaks). */
export function printTerm(t: DumpTerm, opts: PrintOptions = {}): string {
  const out: string[] = []
  let len = 0
  const max = opts.maxLength ?? Infinity
  const push = (s: string): boolean => {
    out.push(s)
    len += s.length
    return len < max
  }
  const go = (t: DumpTerm): boolean => {
    switch (t.kind) {
      case 'int':
      case 'float':
        return push(t.value)
      case 'atom':
        return push(quoteAtom(t.name))
      case 'nil':
        return push('[]')
      case 'string':
        if (opts.stringsAsLists) return push(`[${[...t.value].map((c) => c.codePointAt(0)).join(',')}]`)
        return push(quoteString(t.value))
      case 'tuple':
        if (!push('{')) return false
        for (let i = 0; i < t.items.length; i++) {
          if (i > 0 && !push(',')) return false
          if (!go(t.items[i])) return false
        }
        return push('}')
      case 'list':
        if (!push('[')) return false
        for (let i = 0; i < t.items.length; i++) {
          if (i > 0 && !push(',')) return false
          if (!go(t.items[i])) return false
        }
        if (t.more) push(`,...(${t.more} more)`)
        if (t.tail) {
          if (!push('|')) return false
          if (!go(t.tail)) return false
        }
        return push(']')
      case 'map': {
        if (!push('#{')) return false
        let entries = t.entries.map((e) => ({ k: printTerm(e.key, opts), v: e.value }))
        if (opts.sortMaps) entries = entries.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
        for (let i = 0; i < entries.length; i++) {
          if (i > 0 && !push(',')) return false
          if (!push(`${entries[i].k} => `)) return false
          if (!go(entries[i].v)) return false
        }
        if (t.more) push(`,...(${t.more} more)`)
        return push('}')
      }
      case 'binary': {
        const bytes = [...Buffer.from(t.base64, 'base64')]
        // a bitstring's last byte holds its bits in the high end
        if (t.bits && !t.elided && bytes.length > 0) bytes[bytes.length - 1] >>= 8 - t.bits
        const more = t.elided ? `,...(${t.size - bytes.length} more bytes)` : ''
        const bits = t.bits ? `:${t.bits}` : ''
        if (t.text !== undefined && !t.bits && !opts.stringsAsLists)
          return push(`<<${quoteString(t.text)}${more}>>`)
        return push(`<<${bytes.join(',')}${bits}${more}>>`)
      }
      case 'pid':
      case 'port':
      case 'ref':
      case 'fun':
        return push(t.text)
      case 'missing':
        return push(t.text)
    }
  }
  go(t)
  let s = out.join('')
  if (s.length > max) s = `${s.slice(0, max)}...`
  return s
}

import type { DumpTerm } from './contract/dump'

/** Printing limits: a mailbox can hold terms of any size; the drawer folds long text anyway. */
export interface DumpPrintOptions {
  /** Stop after about this many characters and end with `…`. */
  maxLength?: number
  /** Sort map entries by their printed key (a stable order to compare with a node's output). */
  sortMaps?: boolean
  /** Print strings and binaries as lists of byte values (as `~w` does). */
  stringsAsLists?: boolean
  /** Print what the dump lacks as crashdump_viewer's atoms (`'#CDVIncompleteHeap'`) instead of labels. */
  cdvPlaceholders?: boolean
}

const reserved = new Set(
  'after and andalso band begin bnot bor bsl bsr bxor case catch cond div end fun if let maybe not of or orelse receive rem try when xor'.split(
    ' '
  )
)

const missingLabels: Record<Extract<DumpTerm, { kind: 'missing' }>['reason'], string> = {
  incomplete_heap: 'incomplete heap',
  nonexisting_binary: 'binary not in dump',
  truncated_binary: 'truncated binary',
  dist_message: 'undecoded distribution message',
  unparsable: 'unparsable',
  too_deep: 'nested too deep',
  too_large: 'term too large'
}

function escapeChar(c: string, quote: string): string {
  if (c === quote || c === '\\') return `\\${c}`
  if (c === '\n') return '\\n'
  if (c === '\r') return '\\r'
  if (c === '\t') return '\\t'
  const code = c.codePointAt(0) ?? 0
  if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0))
    return `\\x{${code.toString(16).toUpperCase()}}`
  return c
}

function quote(text: string, q: string): string {
  let out = q
  for (const c of text) out += escapeChar(c, q)
  return out + q
}

/** `ok`, `'with space'`, `'end'`. */
export function printAtom(name: string): string {
  return /^[a-z][A-Za-z0-9_@]*$/.test(name) && !reserved.has(name) ? name : quote(name, "'")
}

export function printString(text: string): string {
  return quote(text, '"')
}

function decodeBase64(b64: string): number[] {
  const raw = atob(b64)
  const bytes: number[] = new Array<number>(raw.length)
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i)
  return bytes
}

function sizeText(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} bytes`
}

function printBinary(t: Extract<DumpTerm, { kind: 'binary' }>, asBytes: boolean): string {
  const elided = t.elided ? `,…‹${sizeText(t.size)}›` : ''
  if (t.text !== undefined && !t.bits && !asBytes) return `<<${printString(t.text)}${elided}>>`
  const bytes = decodeBase64(t.base64)
  // a bitstring's last byte holds its bits in the high end
  if (t.bits && !t.elided && bytes.length > 0) bytes[bytes.length - 1] >>= 8 - t.bits
  const bits = t.bits && !t.elided ? `:${t.bits}` : ''
  return `<<${bytes.join(',')}${bits}${elided}>>`
}

class Full extends Error {}

/**
 * A dump term in Erlang syntax: `{a,<<"bin">>,#{k => v},[1,2|T]}`. What the dump lacks prints as
 * an explicit placeholder (`‹incomplete heap›`), left-out elements as `…‹N more›`.
 */
export function printDumpTerm(term: DumpTerm, options: DumpPrintOptions = {}): string {
  const max = options.maxLength ?? Infinity
  let out = ''
  const push = (s: string): void => {
    out += s
    if (out.length > max) throw new Full()
  }
  const seq = (items: readonly DumpTerm[]): void => {
    items.forEach((item, i) => {
      if (i > 0) push(',')
      go(item)
    })
  }
  const go = (t: DumpTerm): void => {
    switch (t.kind) {
      case 'int':
      case 'float':
        return push(t.value)
      case 'atom':
        return push(printAtom(t.name))
      case 'nil':
        return push('[]')
      case 'string':
        if (options.stringsAsLists) return push(`[${[...t.value].map((c) => c.codePointAt(0)).join(',')}]`)
        return push(printString(t.value))
      case 'tuple':
        push('{')
        seq(t.items)
        if (t.more) push(`${t.items.length > 0 ? ',' : ''}…‹${t.more.toLocaleString('en-US')} more›`)
        return push('}')
      case 'list':
        push('[')
        seq(t.items)
        if (t.more) push(`${t.items.length > 0 ? ',' : ''}…‹${t.more.toLocaleString('en-US')} more›`)
        if (t.tail) {
          push('|')
          go(t.tail)
        }
        return push(']')
      case 'map': {
        push('#{')
        const entries = options.sortMaps
          ? t.entries
              .map((e) => ({ key: printDumpTerm(e.key, options), value: e.value }))
              .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
          : t.entries.map((e) => ({ key: e.key, value: e.value }))
        entries.forEach((e, i) => {
          if (i > 0) push(',')
          if (typeof e.key === 'string') push(e.key)
          else go(e.key)
          push(' => ')
          go(e.value)
        })
        if (t.more) push(`${t.entries.length > 0 ? ',' : ''}…‹${t.more.toLocaleString('en-US')} more›`)
        return push('}')
      }
      case 'binary':
        return push(printBinary(t, options.stringsAsLists ?? false))
      case 'pid':
      case 'port':
      case 'ref':
      case 'fun':
        return push(t.text)
      case 'missing':
        if (options.cdvPlaceholders) return push(t.text)
        return push(t.reason === 'unparsable' ? `‹unparsable: ${t.text}›` : `‹${missingLabels[t.reason]}›`)
    }
  }
  try {
    go(term)
  } catch (error) {
    if (!(error instanceof Full)) throw error
    return `${out.slice(0, max)}…`
  }
  return out
}

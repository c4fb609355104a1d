import type { DumpTerm } from './contract/dump'
import { elixirAlias } from './elixir-names'

/** Erlang syntax (`{ok,'Elixir.Shop',<0.1.0>}`) or Elixir syntax (`{:ok, Shop, #PID<0.1.0>}`). */
export type TermSyntax = 'erlang' | 'elixir'

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
  /** Default `erlang`. */
  syntax?: TermSyntax
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
  if (c === '\b') return '\\b'
  if (c === '\v') return '\\v'
  if (c === '\f') return '\\f'
  if (c === '\x1b') return '\\e'
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
  // an empty binary prints as Erlang prints it, <<>>
  if (t.text !== undefined && (t.text !== '' || t.elided) && !t.bits && !asBytes)
    return `<<${printString(t.text)}${elided}>>`
  const bytes = decodeBase64(t.base64)
  // a bitstring's last byte holds its bits in the high end
  if (t.bits && !t.elided && bytes.length > 0) bytes[bytes.length - 1] >>= 8 - t.bits
  const bits = t.bits && !t.elided ? `:${t.bits}` : ''
  return `<<${bytes.join(',')}${bits}${elided}>>`
}

/** `:ok`, `:"with space"`, `Shop.OrderQueue`, `true`, `nil`. */
export function printElixirAtom(name: string): string {
  if (name === 'true' || name === 'false' || name === 'nil') return name
  const alias = elixirAlias(name)
  if (alias) return alias
  if (/^[a-z_][A-Za-z0-9_@]*[?!]?$/.test(name)) return `:${name}`
  return `:${printElixirString(name)}`
}

export function printElixirString(text: string): string {
  let out = '"'
  for (const c of text) {
    if (c === '"' || c === '\\') out += `\\${c}`
    else if (c === '\n') out += '\\n'
    else if (c === '\r') out += '\\r'
    else if (c === '\t') out += '\\t'
    else if (c === '\x1b') out += '\\e'
    else {
      const code = c.codePointAt(0) ?? 0
      out +=
        code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)
          ? `\\u{${code.toString(16).toUpperCase()}}`
          : c
    }
  }
  return `${out.replace(/#\{/g, '\\#{')}"`
}

/** A keyword key (`name:` in `[name: 1]`, `%{name: 1}`), or null when the atom needs `=>`. */
function keywordKey(t: DumpTerm): string | null {
  if (t.kind !== 'atom' || !/^[a-z_][A-Za-z0-9_@]*[?!]?$/.test(t.name)) return null
  return `${t.name}:`
}

function printElixirBinary(t: Extract<DumpTerm, { kind: 'binary' }>): string {
  const elided = t.elided ? ` <> …‹${sizeText(t.size)}›` : ''
  if (t.text !== undefined && !t.bits) return `${printElixirString(t.text)}${elided}`
  const bytes = decodeBase64(t.base64)
  if (t.bits && !t.elided && bytes.length > 0) {
    const last = (bytes.pop() ?? 0) >> (8 - t.bits)
    return `<<${[...bytes.map(String), `${last}::size(${t.bits})`].join(', ')}>>`
  }
  return `<<${bytes.join(', ')}${t.elided ? ', …' : ''}>>${t.elided ? `‹${sizeText(t.size)}›` : ''}`
}

/** Erlang's `#Ref<0.1.2.3>`, `#Fun<m.f.1>` and `<0.80.0>` as Elixir's inspect prints them. */
function elixirOpaque(t: Extract<DumpTerm, { kind: 'pid' | 'port' | 'ref' | 'fun' }>): string {
  if (t.kind === 'pid') return t.text.startsWith('<') ? `#PID${t.text}` : t.text
  if (t.kind === 'ref') return t.text.replace(/^#Ref</, '#Reference<')
  if (t.kind === 'fun') return t.text.replace(/^#Fun</, '#Function<')
  return t.text
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
  const more = (n: number | undefined, any: boolean): void => {
    if (n) push(`${any ? ', ' : ''}…‹${n.toLocaleString('en-US')} more›`)
  }
  const ex = (t: DumpTerm): void => {
    switch (t.kind) {
      case 'int':
      case 'float':
        return push(t.value)
      case 'atom':
        return push(printElixirAtom(t.name))
      case 'nil':
        return push('[]')
      case 'string':
        if (options.stringsAsLists) return push(`[${[...t.value].map((c) => c.codePointAt(0)).join(', ')}]`)
        return push(`~c${printElixirString(t.value)}`)
      case 'tuple':
        push('{')
        t.items.forEach((item, i) => {
          if (i > 0) push(', ')
          ex(item)
        })
        more(t.more, t.items.length > 0)
        return push('}')
      case 'list': {
        push('[')
        const keyword =
          !t.tail &&
          t.items.every(
            (e) => e.kind === 'tuple' && e.items.length === 2 && !e.more && keywordKey(e.items[0])
          )
        t.items.forEach((item, i) => {
          if (i > 0) push(', ')
          if (keyword && item.kind === 'tuple') {
            push(`${keywordKey(item.items[0])} `)
            ex(item.items[1])
          } else ex(item)
        })
        more(t.more, t.items.length > 0)
        if (t.tail) {
          push(' | ')
          ex(t.tail)
        }
        return push(']')
      }
      case 'map': {
        const structEntry = t.entries.find((e) => e.key.kind === 'atom' && e.key.name === '__struct__')
        const struct = structEntry?.value.kind === 'atom' ? elixirAlias(structEntry.value.name) : null
        const entries = (
          options.sortMaps
            ? t.entries
                .map((e) => ({ e, k: printDumpTerm(e.key, options) }))
                .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
                .map((x) => x.e)
            : t.entries
        ).filter((e) => !struct || e !== structEntry)
        const keyword = entries.every((e) => keywordKey(e.key))
        push(struct ? `%${struct}{` : '%{')
        entries.forEach((e, i) => {
          if (i > 0) push(', ')
          const k = keyword ? keywordKey(e.key) : null
          if (k) push(`${k} `)
          else {
            ex(e.key)
            push(' => ')
          }
          ex(e.value)
        })
        more(t.more, entries.length > 0)
        return push('}')
      }
      case 'record':
        // Elixir has no syntax for an OTP 29 native record: the Erlang form, values in Elixir syntax
        push(`#${printAtom(t.module)}:${printAtom(t.name)}{`)
        t.fields.forEach((f, i) => {
          if (i > 0) push(', ')
          push(`${printAtom(f.name)} = `)
          ex(f.value)
        })
        return push('}')
      case 'binary':
        return push(printElixirBinary(t))
      case 'pid':
      case 'port':
      case 'ref':
      case 'fun':
        return push(elixirOpaque(t))
      case 'missing':
        return go(t)
    }
  }
  const go = (t: DumpTerm): void => {
    if (options.syntax === 'elixir' && t.kind !== 'missing') return ex(t)
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
      case 'record':
        // as OTP 29 prints a native record: #geometry:vec{x = 1.0,y = 7.0}
        push(`#${printAtom(t.module)}:${printAtom(t.name)}{`)
        t.fields.forEach((f, i) => {
          if (i > 0) push(',')
          push(`${printAtom(f.name)} = `)
          go(f.value)
        })
        return push('}')
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

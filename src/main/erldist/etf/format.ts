import type { Term } from './types'

export interface FormatOptions {
  /** 'p' prints printable lists as strings and printable binaries as `<<"...">>` (like `~tp`); 'w' never does (`~tw`). */
  style?: 'p' | 'w'
  /**
   * The node the term came from: its pids, ports and refs print as local (`<0.85.0>`), as the
   * node itself would print them. Others print with their node name in place of the 0.
   * When omitted every pid prints as local.
   */
  localNode?: string
}

/** Erlang source form of a term on one line, as `io_lib:format("~tp"|"~tw")` prints it. */
export function formatTerm(term: Term, options: FormatOptions = {}): string {
  const out: string[] = []
  write(term, options.style ?? 'p', options.localNode, out)
  return out.join('')
}

const RESERVED = new Set([
  'after',
  'and',
  'andalso',
  'band',
  'begin',
  'bnot',
  'bor',
  'bsl',
  'bsr',
  'bxor',
  'case',
  'catch',
  'cond',
  'div',
  'end',
  'fun',
  'if',
  'let',
  'not',
  'of',
  'or',
  'orelse',
  'receive',
  'rem',
  'try',
  'when',
  'xor'
])

function isLowerStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0xdf && c <= 0xff && c !== 0xf7)
}

function isNameChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x5f ||
    c === 0x40 ||
    (c >= 0xc0 && c <= 0xff && c !== 0xd7 && c !== 0xf7)
  )
}

/** An atom as Erlang writes it, quoted when it has to be. */
export function formatAtom(name: string): string {
  const cps = Array.from(name, (c) => c.codePointAt(0) as number)
  if (cps.length > 0 && isLowerStart(cps[0]) && cps.every(isNameChar) && !RESERVED.has(name)) return name
  return `'${escapeChars(cps, 0x27)}'`
}

function escapeChars(cps: number[], quote: number): string {
  let s = ''
  for (const c of cps) {
    if (c === quote) s += '\\' + String.fromCharCode(quote)
    else if (c === 0x5c) s += '\\\\'
    else if (c === 0x0a) s += '\\n'
    else if (c === 0x0d) s += '\\r'
    else if (c === 0x09) s += '\\t'
    else if (c === 0x0b) s += '\\v'
    else if (c === 0x08) s += '\\b'
    else if (c === 0x0c) s += '\\f'
    else if (c === 0x1b) s += '\\e'
    else if (c === 0x7f) s += '\\d'
    else if (c < 0x20 || (c >= 0x80 && c < 0xa0)) s += '\\' + c.toString(8).padStart(3, '0')
    else s += String.fromCodePoint(c)
  }
  return s
}

function isPrintableChar(c: number): boolean {
  return (c >= 32 && c <= 126) || (c >= 160 && c <= 255) || (c >= 8 && c <= 13) || c === 27
}

/** A float the way `float_to_list(F, [short])` prints it: shortest round-trip digits. */
export function formatFloat(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0'
  const sign = v < 0 ? '-' : ''
  const [mant, expText] = Math.abs(v).toExponential().split('e')
  const digits = mant.replace('.', '')
  const exp = Number(expText)
  const sci = `${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}e${exp}`
  if (exp >= 16) return sign + sci
  let dec: string
  if (exp < 0) dec = `0.${'0'.repeat(-exp - 1)}${digits}`
  else if (digits.length > exp + 1) dec = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`
  else dec = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`
  return sign + (dec.length <= sci.length ? dec : sci)
}

function nodePrefix(node: string, localNode: string | undefined): string {
  return localNode === undefined || node === localNode ? '0' : formatAtom(node)
}

function printableCodes(elements: Term[]): number[] | undefined {
  const out: number[] = []
  for (const e of elements) {
    if (e.kind !== 'integer' || typeof e.value !== 'number' || !isPrintableChar(e.value)) return undefined
    out.push(e.value)
  }
  return out
}

function utf8Printable(data: Uint8Array): number[] | undefined {
  let multibyte = false
  for (const b of data) if (b >= 0x80) multibyte = true
  if (!multibyte) return undefined
  const text = new TextDecoder('utf-8', { fatal: false }).decode(data)
  if (text.includes('\ufffd')) return undefined
  const cps = Array.from(text, (c) => c.codePointAt(0) as number)
  return cps.every(isPrintableChar) ? cps : undefined
}

type Item = Term | string

/** Iterative, so a 100 000-deep list prints without exhausting the stack. */
function write(root: Term, style: 'p' | 'w', localNode: string | undefined, out: string[]): void {
  const work: Item[] = [root]
  const seq = (open: string, items: Item[], close: string): void => {
    work.push(close)
    for (let i = items.length - 1; i >= 0; i--) {
      work.push(items[i])
      if (i > 0) work.push(',')
    }
    work.push(open)
  }
  while (work.length > 0) {
    const t = work.pop() as Item
    if (typeof t === 'string') {
      out.push(t)
      continue
    }
    switch (t.kind) {
      case 'atom':
        out.push(formatAtom(t.name))
        break
      case 'integer':
        out.push(t.value.toString())
        break
      case 'float':
        out.push(formatFloat(t.value))
        break
      case 'nil':
        out.push('[]')
        break
      case 'binary':
        out.push(formatBinary(t.data, style))
        break
      case 'bitstring': {
        const whole = Array.from(t.data.subarray(0, t.data.length - 1))
        const last = t.data[t.data.length - 1] >> (8 - t.bits)
        out.push(`<<${[...whole, `${last}:${t.bits}`].join(',')}>>`)
        break
      }
      case 'string': {
        const codes = Array.from(t.bytes)
        if (style === 'p' && codes.every(isPrintableChar)) out.push(`"${escapeChars(codes, 0x22)}"`)
        else out.push(`[${codes.join(',')}]`)
        break
      }
      case 'list': {
        if (style === 'p' && t.tail.kind === 'nil') {
          const codes = printableCodes(t.elements)
          if (codes) {
            out.push(`"${escapeChars(codes, 0x22)}"`)
            break
          }
        }
        if (t.tail.kind === 'nil') seq('[', t.elements, ']')
        else {
          work.push(']', t.tail, '|')
          seq('[', t.elements, '')
        }
        break
      }
      case 'tuple':
        seq('{', t.elements, '}')
        break
      case 'map': {
        const entries = t.entries.length > 32 ? [...t.entries].reverse() : t.entries
        work.push('}')
        for (let i = entries.length - 1; i >= 0; i--) {
          work.push(entries[i][1], ' => ', entries[i][0])
          if (i > 0) work.push(',')
        }
        work.push('#{')
        break
      }
      case 'pid':
        out.push(`<${nodePrefix(t.node, localNode)}.${t.id}.${t.serial}>`)
        break
      case 'port':
        out.push(`#Port<${nodePrefix(t.node, localNode)}.${t.id}>`)
        break
      case 'ref':
        out.push(`#Ref<${nodePrefix(t.node, localNode)}.${[...t.ids].reverse().join('.')}>`)
        break
      case 'fun':
        out.push(`#Fun<${formatAtom(t.module)}.${t.oldIndex}.${t.oldUniq}>`)
        break
      case 'export':
        out.push(`fun ${formatAtom(t.module)}:${formatAtom(t.name)}/${t.arity}`)
        break
      case 'local':
        out.push(`#Local<${t.bytes.length} bytes>`)
        break
      case 'record': {
        // as OTP 29 prints a native record: #geometry:vec{x = 1.0,y = 7.0}
        work.push('}')
        for (let i = t.fields.length - 1; i >= 0; i--) {
          work.push(t.fields[i][1], `${formatAtom(t.fields[i][0])} = `)
          if (i > 0) work.push(',')
        }
        work.push(`#${formatAtom(t.module)}:${formatAtom(t.name)}{`)
        break
      }
    }
  }
}

function formatBinary(data: Uint8Array, style: 'p' | 'w'): string {
  if (data.length > 0 && style === 'p') {
    const utf = utf8Printable(data)
    if (utf) return `<<"${escapeChars(utf, 0x22)}"/utf8>>`
    if (data.every(isPrintableChar)) return `<<"${escapeChars(Array.from(data), 0x22)}">>`
  }
  return `<<${data.join(',')}>>`
}

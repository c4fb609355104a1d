/**
 * The term model: one union discriminated by `kind`.
 *
 * Integers: `value` is a `number` when it is a safe integer (|n| <= 2^53 - 1) and a `bigint`
 * otherwise. The decoder always normalises this way, so an integer that fits is never a bigint;
 * the encoder accepts either.
 *
 * Pids, ports, references and atoms are their own kinds and never collapse to strings.
 * `string` is STRING_EXT (a list of bytes the sender packed); it is equal to the list of the same
 * small integers (`termEquals` treats them alike) but stays distinguishable.
 */
export type Term =
  | AtomTerm
  | IntegerTerm
  | FloatTerm
  | BinaryTerm
  | BitstringTerm
  | TupleTerm
  | NilTerm
  | ListTerm
  | StringTerm
  | MapTerm
  | PidTerm
  | PortTerm
  | RefTerm
  | FunTerm
  | ExportTerm
  | LocalTerm
  | RecordTerm

export interface AtomTerm {
  readonly kind: 'atom'
  readonly name: string
}
export interface IntegerTerm {
  readonly kind: 'integer'
  readonly value: number | bigint
}
export interface FloatTerm {
  readonly kind: 'float'
  readonly value: number
}
export interface BinaryTerm {
  readonly kind: 'binary'
  readonly data: Uint8Array
}
/** A bitstring whose last byte holds `bits` (1..7) significant high bits. */
export interface BitstringTerm {
  readonly kind: 'bitstring'
  readonly data: Uint8Array
  readonly bits: number
}
export interface TupleTerm {
  readonly kind: 'tuple'
  readonly elements: Term[]
}
export interface NilTerm {
  readonly kind: 'nil'
}
/** A non-empty list; `tail` is `nil` for a proper list. */
export interface ListTerm {
  readonly kind: 'list'
  readonly elements: Term[]
  readonly tail: Term
}
/** STRING_EXT: a proper list of small integers 0..255, packed. */
export interface StringTerm {
  readonly kind: 'string'
  readonly bytes: Uint8Array
}
/** Entries in wire order (which is the node's own order). */
export interface MapTerm {
  readonly kind: 'map'
  readonly entries: Array<readonly [Term, Term]>
}
export interface PidTerm {
  readonly kind: 'pid'
  readonly node: string
  readonly id: number
  readonly serial: number
  readonly creation: number
}
export interface PortTerm {
  readonly kind: 'port'
  readonly node: string
  readonly id: bigint
  readonly creation: number
}
export interface RefTerm {
  readonly kind: 'ref'
  readonly node: string
  readonly creation: number
  /** The ID words in wire order (the printed form `#Ref<0.c.b.a>` shows them reversed). */
  readonly ids: number[]
}
export interface FunTerm {
  readonly kind: 'fun'
  readonly module: string
  readonly arity: number
  readonly uniq: Uint8Array
  readonly index: number
  readonly oldIndex: number
  readonly oldUniq: number
  readonly pid: Term
  readonly free: Term[]
}
export interface ExportTerm {
  readonly kind: 'export'
  readonly module: string
  readonly name: string
  readonly arity: number
}
/**
 * RECORD_EXT (OTP 29 native record, EEP 79): `#module:name{field = value, ...}`. `exported` is the
 * tag's flags byte (1 when the record is exported from its module, 0 otherwise). Fields in wire order.
 */
export interface RecordTerm {
  readonly kind: 'record'
  readonly module: string
  readonly name: string
  readonly exported: boolean
  readonly fields: Array<readonly [string, Term]>
}
/** LOCAL_EXT: opaque bytes (tag included) in a node-internal format; never sent on the wire. */
export interface LocalTerm {
  readonly kind: 'local'
  readonly bytes: Uint8Array
}

export type TermKind = Term['kind']

const atomCache = new Map<string, AtomTerm>()

/** Interned atom term (the same object for the same name). */
export function atom(name: string): AtomTerm {
  let a = atomCache.get(name)
  if (a === undefined) {
    a = Object.freeze({ kind: 'atom', name }) as AtomTerm
    if (atomCache.size < 100_000) atomCache.set(name, a)
  }
  return a
}

export const NIL: NilTerm = Object.freeze({ kind: 'nil' }) as NilTerm

export function int(value: number | bigint): IntegerTerm {
  if (typeof value === 'bigint') {
    if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
      return { kind: 'integer', value: Number(value) }
    }
    return { kind: 'integer', value }
  }
  if (!Number.isInteger(value)) throw new TypeError(`int(${value}): not an integer`)
  if (!Number.isSafeInteger(value)) return { kind: 'integer', value: BigInt(value) }
  return { kind: 'integer', value }
}

export function float(value: number): FloatTerm {
  return { kind: 'float', value }
}

export function tuple(...elements: Term[]): TupleTerm {
  return { kind: 'tuple', elements }
}

/** A proper list (or `nil` when empty), with an optional improper tail. */
export function list(elements: Term[], tail: Term = NIL): ListTerm | NilTerm | Term {
  if (elements.length === 0) return tail
  return { kind: 'list', elements, tail }
}

export function binary(data: Uint8Array | string): BinaryTerm {
  return { kind: 'binary', data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data }
}

/** An Erlang string (list of code points) as a list term, `nil` when empty. */
export function charlist(text: string): Term {
  const codes = Array.from(text, (c) => int(c.codePointAt(0) ?? 0))
  return list(codes)
}

export function map(entries: Array<readonly [Term, Term]>): MapTerm {
  return { kind: 'map', entries }
}

/** Converts plain JS values to terms: string → binary, number → integer/float, arrays → lists. */
export function fromJs(value: unknown): Term {
  if (isTerm(value)) return value
  if (value === null || value === undefined) return atom('undefined')
  if (typeof value === 'boolean') return atom(value ? 'true' : 'false')
  if (typeof value === 'bigint') return int(value)
  if (typeof value === 'number') return Number.isInteger(value) ? int(value) : float(value)
  if (typeof value === 'string') return binary(value)
  if (value instanceof Uint8Array) return binary(value)
  if (Array.isArray(value)) return list(value.map(fromJs))
  if (typeof value === 'object') {
    return map(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [atom(k), fromJs(v)] as const)
    )
  }
  throw new TypeError(`fromJs: cannot convert ${typeof value}`)
}

const KINDS = new Set<string>([
  'atom',
  'integer',
  'float',
  'binary',
  'bitstring',
  'tuple',
  'nil',
  'list',
  'string',
  'map',
  'pid',
  'port',
  'ref',
  'fun',
  'export',
  'local',
  'record'
])

export function isTerm(value: unknown): value is Term {
  return typeof value === 'object' && value !== null && KINDS.has((value as { kind?: string }).kind ?? '')
}

export function isAtom(term: Term | undefined, name?: string): term is AtomTerm {
  return term?.kind === 'atom' && (name === undefined || term.name === name)
}

export function isTuple(term: Term | undefined, arity?: number): term is TupleTerm {
  return term?.kind === 'tuple' && (arity === undefined || term.elements.length === arity)
}

/** Elements of a proper list (`nil`, `list` with nil tail, or `string`); undefined otherwise. */
export function listElements(term: Term | undefined): Term[] | undefined {
  if (term === undefined) return undefined
  if (term.kind === 'nil') return []
  if (term.kind === 'string') return Array.from(term.bytes, (b) => int(b))
  if (term.kind === 'list' && term.tail.kind === 'nil') return term.elements
  return undefined
}

/** A number for integers and floats (bigints outside the safe range lose precision). */
export function asNumber(term: Term | undefined): number | undefined {
  if (term?.kind === 'integer') return Number(term.value)
  if (term?.kind === 'float') return term.value
  return undefined
}

/** An integer as a bigint, exact. */
export function asBigInt(term: Term | undefined): bigint | undefined {
  return term?.kind === 'integer' ? BigInt(term.value) : undefined
}

export function asAtom(term: Term | undefined): string | undefined {
  return term?.kind === 'atom' ? term.name : undefined
}

/** Text of a binary (UTF-8) or of a printable charlist; undefined for anything else. */
export function asText(term: Term | undefined): string | undefined {
  if (term === undefined) return undefined
  if (term.kind === 'binary')
    return Buffer.from(term.data.buffer, term.data.byteOffset, term.data.length).toString('utf8')
  if (term.kind === 'string') return Buffer.from(term.bytes).toString('latin1')
  const els = listElements(term)
  if (els === undefined) return undefined
  let out = ''
  for (const e of els) {
    if (e.kind !== 'integer' || typeof e.value !== 'number' || e.value < 0 || e.value > 0x10ffff)
      return undefined
    out += String.fromCodePoint(e.value)
  }
  return out
}

/** `proplists:get_value/2` for `[{Key, Value}]` lists keyed by atoms; undefined when absent. */
export function proplistGet(term: Term | undefined, key: string): Term | undefined {
  const els = listElements(term)
  if (els === undefined) return undefined
  for (const e of els) {
    if (e.kind === 'tuple' && e.elements.length >= 2 && isAtom(e.elements[0], key)) {
      return e.elements.length === 2 ? e.elements[1] : tuple(...e.elements.slice(1))
    }
    if (isAtom(e, key)) return atom('true')
  }
  return undefined
}

/** A `[{atom, Value}]` proplist as a plain object (later duplicates ignored). */
export function proplistToObject(term: Term | undefined): Record<string, Term> {
  const out: Record<string, Term> = {}
  for (const e of listElements(term) ?? []) {
    if (e.kind === 'tuple' && e.elements.length === 2 && e.elements[0].kind === 'atom') {
      const k = e.elements[0].name
      if (!(k in out)) out[k] = e.elements[1]
    }
  }
  return out
}

/** Map lookup by term key (uses `termEquals`). */
export function mapGet(term: Term | undefined, key: Term | string): Term | undefined {
  if (term?.kind !== 'map') return undefined
  const k = typeof key === 'string' ? atom(key) : key
  for (const [ek, ev] of term.entries) if (termEquals(ek, k)) return ev
  return undefined
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Exact equality (`=:=`); a `string` equals the list of the same small integers. Maps compare as sets. Iterative. */
export function termEquals(x: Term, y: Term): boolean {
  const work: Term[] = [x, y]
  while (work.length > 0) {
    let b = work.pop() as Term
    let a = work.pop() as Term
    if (a.kind === 'string' && b.kind !== 'string') a = stringToList(a)
    if (b.kind === 'string' && a.kind !== 'string') b = stringToList(b)
    if (a.kind !== b.kind) return false
    switch (a.kind) {
      case 'atom':
        if (a.name !== (b as AtomTerm).name) return false
        break
      case 'integer':
        if (BigInt(a.value) !== BigInt((b as IntegerTerm).value)) return false
        break
      case 'float':
        if (!Object.is(a.value, (b as FloatTerm).value)) return false
        break
      case 'binary':
        if (!bytesEqual(a.data, (b as BinaryTerm).data)) return false
        break
      case 'bitstring':
        if (a.bits !== (b as BitstringTerm).bits || !bytesEqual(a.data, (b as BitstringTerm).data))
          return false
        break
      case 'string':
        if (!bytesEqual(a.bytes, (b as StringTerm).bytes)) return false
        break
      case 'nil':
        break
      case 'tuple': {
        const be = (b as TupleTerm).elements
        if (a.elements.length !== be.length) return false
        for (let i = 0; i < be.length; i++) work.push(a.elements[i], be[i])
        break
      }
      case 'list': {
        const bl = b as ListTerm
        if (a.elements.length !== bl.elements.length) return false
        for (let i = 0; i < bl.elements.length; i++) work.push(a.elements[i], bl.elements[i])
        work.push(a.tail, bl.tail)
        break
      }
      case 'map': {
        const bm = b as MapTerm
        if (a.entries.length !== bm.entries.length) return false
        for (const [k, v] of a.entries) {
          const other = mapGet(bm, k)
          if (other === undefined) return false
          work.push(v, other)
        }
        break
      }
      case 'pid': {
        const bp = b as PidTerm
        if (a.node !== bp.node || a.id !== bp.id || a.serial !== bp.serial || a.creation !== bp.creation)
          return false
        break
      }
      case 'port': {
        const bp = b as PortTerm
        if (a.node !== bp.node || a.id !== bp.id || a.creation !== bp.creation) return false
        break
      }
      case 'ref': {
        const br = b as RefTerm
        if (
          a.node !== br.node ||
          a.creation !== br.creation ||
          a.ids.length !== br.ids.length ||
          a.ids.some((v, i) => v !== br.ids[i])
        )
          return false
        break
      }
      case 'fun': {
        const bf = b as FunTerm
        if (
          a.module !== bf.module ||
          a.index !== bf.index ||
          a.arity !== bf.arity ||
          !bytesEqual(a.uniq, bf.uniq) ||
          a.free.length !== bf.free.length
        )
          return false
        for (let i = 0; i < bf.free.length; i++) work.push(a.free[i], bf.free[i])
        break
      }
      case 'export': {
        const be = b as ExportTerm
        if (a.module !== be.module || a.name !== be.name || a.arity !== be.arity) return false
        break
      }
      case 'local':
        if (!bytesEqual(a.bytes, (b as LocalTerm).bytes)) return false
        break
      case 'record': {
        const br = b as RecordTerm
        if (a.module !== br.module || a.name !== br.name || a.fields.length !== br.fields.length) return false
        // the VM keeps a record's fields in one order whatever order they were sent in: compare by name
        for (const [field, value] of a.fields) {
          const other = br.fields.find(([f]) => f === field)
          if (other === undefined) return false
          work.push(value, other[1])
        }
        break
      }
    }
  }
  return true
}

function stringToList(s: StringTerm): Term {
  return list(Array.from(s.bytes, (x) => int(x)))
}

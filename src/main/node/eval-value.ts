/**
 * The small value model the collectors read results through. The dist client's terms are turned
 * into it in one place (`fromTerm` in term-adapter.ts); the collectors' converters and their
 * unit fixtures only know these shapes:
 * atoms → Atom, tuples → Tuple, proper lists → arrays, binaries → Uint8Array,
 * integers and floats → number (bigints folded), anything else → Opaque with its printed text.
 */
export class Atom {
  constructor(readonly name: string) {}
}
export class Tuple {
  constructor(readonly items: EVal[]) {}
}
export class Opaque {
  constructor(readonly text: string) {}
}
export type EVal = Atom | Tuple | EVal[] | Uint8Array | number | Opaque

export class ShapeError extends Error {}

const fail = (what: string, v: EVal | undefined): never => {
  throw new ShapeError(`expected ${what}, got ${describe(v)}`)
}

export function describe(v: EVal | undefined): string {
  if (v === undefined) return 'nothing'
  if (v instanceof Atom) return `atom ${v.name}`
  if (v instanceof Tuple) return `tuple/${v.items.length}`
  if (Array.isArray(v)) return `list/${v.length}`
  if (v instanceof Uint8Array) return `binary/${v.length}`
  if (typeof v === 'number') return `number ${v}`
  return `term ${v.text}`
}

export const isAtom = (v: EVal | undefined, name?: string): v is Atom =>
  v instanceof Atom && (name === undefined || v.name === name)

export function atom(v: EVal | undefined): string {
  return v instanceof Atom ? v.name : fail('an atom', v)
}

export function num(v: EVal | undefined): number {
  return typeof v === 'number' ? v : fail('a number', v)
}

/** A number, or null for `undefined`/other atoms. */
export function numOrNull(v: EVal | undefined): number | null {
  return typeof v === 'number' ? v : null
}

export function tuple(v: EVal | undefined, arity?: number): EVal[] {
  if (v instanceof Tuple && (arity === undefined || v.items.length === arity)) return v.items
  return fail(arity === undefined ? 'a tuple' : `a tuple of ${arity}`, v)
}

export function list(v: EVal | undefined): EVal[] {
  return Array.isArray(v) ? v : fail('a list', v)
}

/** A UTF-8 binary, or a list of character codes, as a string. */
export function text(v: EVal | undefined): string {
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8')
  if (Array.isArray(v) && v.every((c) => typeof c === 'number'))
    return String.fromCodePoint(...(v as number[]))
  return fail('text', v)
}

/** `[{key, value...}]` → key → the tuple's other items (tuples of any arity ≥ 2; others skipped). */
export function props(v: EVal | undefined): Map<string, EVal[]> {
  const out = new Map<string, EVal[]>()
  for (const item of list(v)) {
    if (
      item instanceof Tuple &&
      item.items.length >= 2 &&
      item.items[0] instanceof Atom &&
      !out.has(item.items[0].name)
    )
      out.set(item.items[0].name, item.items.slice(1))
  }
  return out
}

/** The single value of `{key, value}` in a proplist map. */
export function prop(m: Map<string, EVal[]>, key: string): EVal | undefined {
  return m.get(key)?.[0]
}

export function bool(v: EVal | undefined): boolean {
  return isAtom(v, 'true')
}

import { atom, binary, int, list, type Term } from '../erldist/etf/types'
import { Atom, Opaque, Tuple, type EVal } from './eval-value'
import type { Arg } from './live-client'

/** The distribution client's terms → the collectors' value model (the only place that knows both). */
export function fromTerm(t: Term): EVal {
  switch (t.kind) {
    case 'atom':
      return new Atom(t.name)
    case 'integer':
      return Number(t.value)
    case 'float':
      return t.value
    case 'binary':
      return t.data
    case 'tuple':
      return new Tuple(t.elements.map(fromTerm))
    case 'nil':
      return []
    case 'string':
      return Array.from(t.bytes)
    case 'list':
      return t.tail.kind === 'nil' ? t.elements.map(fromTerm) : new Opaque('improper list')
    case 'pid':
      return new Opaque(`<${t.node}.${t.id}.${t.serial}>`)
    default:
      return new Opaque(t.kind)
  }
}

/** A binding or rpc argument → a term. */
export function toTerm(a: Arg): Term {
  if (typeof a === 'number') return int(a)
  if (typeof a === 'boolean') return atom(a ? 'true' : 'false')
  if (Array.isArray(a)) return list(a.map(toTerm))
  if ('atom' in a) return atom(a.atom)
  return binary(a.binary)
}

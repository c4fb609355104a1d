import { formatTerm, type Term } from '../erldist/etf'

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

/**
 * A term as JSON for `--json` output: integers as numbers (strings beyond 2^53), floats as
 * numbers, atoms `{"atom": "ok"}` (true/false/undefined as JSON literals), binaries as UTF-8
 * strings (or `{"binary": base64}`), proper lists as arrays, tuples `{"tuple": [...]}`, maps
 * `{"map": [[k, v], ...]}`, pids/ports/refs/funs `{"pid": "<0.1.0>"}` etc.
 */
export function termToJson(t: Term, localNode?: string): Json {
  switch (t.kind) {
    case 'atom':
      if (t.name === 'true') return true
      if (t.name === 'false') return false
      if (t.name === 'undefined') return null
      return { atom: t.name }
    case 'integer':
      return typeof t.value === 'bigint' ? t.value.toString() : t.value
    case 'float':
      return t.value
    case 'binary': {
      const b = Buffer.from(t.data)
      const s = b.toString('utf8')
      return Buffer.from(s, 'utf8').equals(b) ? s : { binary: b.toString('base64') }
    }
    case 'bitstring':
      return { bitstring: formatTerm(t) }
    case 'nil':
      return []
    case 'string':
      return Array.from(t.bytes)
    case 'list':
      if (t.tail.kind === 'nil') return t.elements.map((e) => termToJson(e, localNode))
      return {
        improper_list: t.elements.map((e) => termToJson(e, localNode)),
        tail: termToJson(t.tail, localNode)
      }
    case 'tuple':
      return { tuple: t.elements.map((e) => termToJson(e, localNode)) }
    case 'map':
      return { map: t.entries.map(([k, v]) => [termToJson(k, localNode), termToJson(v, localNode)]) }
    default:
      return { [t.kind]: formatTerm(t, { localNode }) }
  }
}

import { Atom, Opaque, Tuple, type EVal } from '../../../src/main/node/eval-value'

/**
 * Reads what Erlang prints with ~p (tuples, lists, strings, binaries, atoms, numbers, pids) into
 * the collectors' value model, so fixtures can be pasted from a real node's output.
 */
export function parseErlang(source: string): EVal {
  let i = 0
  const s = source
  const ws = (): void => {
    while (i < s.length && /\s/.test(s[i])) i++
  }
  const expect = (c: string): void => {
    ws()
    if (s[i] !== c) throw new Error(`expected '${c}' at ${i}: ${s.slice(i, i + 20)}`)
    i++
  }
  const quoted = (q: string): string => {
    i++
    let out = ''
    while (s[i] !== q) {
      if (s[i] === '\\') {
        i++
        const c = s[i]
        out += c === 'n' ? '\n' : c === 't' ? '\t' : c
      } else out += s[i]
      i++
    }
    i++
    return out
  }
  const value = (): EVal => {
    ws()
    const c = s[i]
    if (c === '{') {
      i++
      const items = seq('}')
      return new Tuple(items)
    }
    if (c === '[') {
      i++
      ws()
      const items: EVal[] = []
      if (s[i] === ']') {
        i++
        return items
      }
      for (;;) {
        items.push(value())
        ws()
        if (s[i] === ',') i++
        else if (s[i] === '|') {
          i++
          value()
          expect(']')
          return items
        } else {
          expect(']')
          return items
        }
      }
    }
    if (c === '"') return [...quoted('"')].map((ch) => ch.codePointAt(0) ?? 0)
    if (c === "'") return new Atom(quoted("'"))
    if (c === '<' && s[i + 1] === '<') {
      i += 2
      ws()
      if (s[i] === '"') {
        const str = quoted('"')
        expect('>')
        expect('>')
        return new Uint8Array(Buffer.from(str, 'utf8'))
      }
      const bytes: number[] = []
      while (s[i] !== '>') {
        ws()
        const m = /^\d+/.exec(s.slice(i))
        if (!m) break
        bytes.push(Number(m[0]))
        i += m[0].length
        ws()
        if (s[i] === ',') i++
      }
      expect('>')
      expect('>')
      return new Uint8Array(bytes)
    }
    if (c === '<') {
      const end = s.indexOf('>', i)
      const t = s.slice(i, end + 1)
      i = end + 1
      return new Opaque(t)
    }
    const num = /^-?\d+(\.\d+(e[+-]?\d+)?)?/.exec(s.slice(i))
    if (num) {
      i += num[0].length
      return Number(num[0])
    }
    const a = /^[a-z][A-Za-z0-9_@]*/.exec(s.slice(i))
    if (a) {
      i += a[0].length
      return new Atom(a[0])
    }
    throw new Error(`cannot read at ${i}: ${s.slice(i, i + 30)}`)
  }
  const seq = (close: string): EVal[] => {
    const items: EVal[] = []
    ws()
    if (s[i] === close) {
      i++
      return items
    }
    for (;;) {
      items.push(value())
      ws()
      if (s[i] === ',') i++
      else {
        expect(close)
        return items
      }
    }
  }
  const v = value()
  return v
}

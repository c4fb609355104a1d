/** A whole `=proc:<pid>` section and the process's `proc_*` sections (split from one byte range). */
import type { StackFrame } from '../../../shared/contract/dump'
import type { HeapDecoder } from '../terms/heap-terms'
import { firstValue, idsIn, keyValues, splitLines } from '../text'

export function parseProcFields(body: string): {
  fields: { key: string; value: string }[]
  spawnedBy: string | null
  links: string[]
  monitors: string[]
  monitoredBy: string[]
} {
  const fields = keyValues(body)
  const spawnedBy = firstValue(fields, 'Spawned by')
  return {
    fields,
    spawnedBy: spawnedBy && spawnedBy !== '[]' ? spawnedBy : null,
    links: idsIn(firstValue(fields, 'Link list')),
    monitors: idsIn(
      fields
        .filter((f) => /^Monitors?$|^Monitor list/.test(f.key))
        .map((f) => f.value)
        .join(' ')
    ),
    monitoredBy: idsIn(firstValue(fields, 'Monitored by'))
  }
}

/** Splits `=proc_messages:…\n…=proc_heap:…\n…` into bodies by tag. */
export function splitProcExtras(text: string): Map<string, string> {
  const out = new Map<string, string>()
  let p = 0
  while (p < text.length) {
    if (text[p] !== '=') {
      const nl = text.indexOf('\n=', p)
      if (nl < 0) break
      p = nl + 1
      continue
    }
    const eol = text.indexOf('\n', p)
    const header = text.slice(p + 1, eol < 0 ? text.length : eol).replace(/\r$/, '')
    const tag = header.split(':')[0]
    const next = eol < 0 ? -1 : text.indexOf('\n=', eol)
    const body = eol < 0 ? '' : text.slice(eol + 1, next < 0 ? text.length : next + 1)
    out.set(tag, (out.get(tag) ?? '') + body)
    p = next < 0 ? text.length : next + 1
  }
  return out
}

export function parseStack(body: string, dec: HeapDecoder): StackFrame[] {
  const frames: StackFrame[] = []
  for (const line of splitLines(body)) {
    const c = line.indexOf(':')
    if (c < 0) continue
    const label = line.slice(0, c)
    const rest = line.slice(c + 1)
    if (rest.startsWith('SReturn addr')) frames.push({ kind: 'return', label, text: funIn(rest) })
    else if (rest.startsWith('SCatch')) frames.push({ kind: 'catch', label, text: funIn(rest) })
    else frames.push({ kind: 'var', label, term: dec.safe(() => dec.term(rest)) })
  }
  return frames
}

function funIn(s: string): string {
  const m = /\((.*)\)\s*$/.exec(s)
  return m ? m[1] : s.replace(/^S/, '')
}

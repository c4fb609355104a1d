/**
 * One process's detail as the CLI prints it, for a crash dump (`erlscope process DUMP PID`) and a
 * live node (`erlscope process NODE PID`) alike: each side maps what it read into a
 * `ProcessDetailView` (terms already printed, huge ones folded) and prints it here, as text or JSON.
 */
import { terminalText } from './terminal-text'

export interface ProcessDetailView {
  /** Where it was read: the dump's path or the node's name. */
  source: string
  pid: string
  /** Registered name, else label, else initial call (for the heading). */
  title: string | null
  /** In display order; `key` is the JSON key (camelCase), `label` the text one. */
  fields: { key: string; label: string; value: string | number | boolean | null }[]
  /** Named lists: links, monitors, monitored by, ETS tables owned … */
  lists: { key: string; label: string; items: string[] }[]
  /** Printed messages, oldest first, from `messagesOffset`; `messagesTotal` counts the whole queue. */
  messages: string[]
  messagesOffset: number
  messagesTotal: number
  /** Printed entries; null when the source did not have the dictionary. */
  dictionary: { key: string; value: string }[] | null
  /** One line per frame; null when the source did not have the stack. */
  stack: string[] | null
  /** What the source lacked or cut (heap not dumped, messages not copied …). */
  notes: string[]
  /** The length at which printed terms were folded (they end with `…`). */
  foldAt: number
}

/** A printed term cut to `max` characters, ending with `…` when cut. */
export function foldText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`
}

const line = (s: string): string => terminalText(s)

/** The detail as lines of text, every field escaped (a newline in a term cannot forge a line). */
export function processDetailText(v: ProcessDetailView): string {
  const out: string[] = []
  out.push(line(`Process ${v.pid}${v.title ? `  ${v.title}` : ''}  (${v.source})`))
  const width = Math.max(0, ...v.fields.map((f) => f.label.length)) + 2
  for (const f of v.fields)
    out.push(line(`  ${`${f.label}:`.padEnd(width)}${f.value === null ? '—' : String(f.value)}`))
  for (const n of v.notes) out.push(line(`  ! ${n}`))
  for (const l of v.lists) {
    if (l.items.length === 0) continue
    out.push('', line(`${l.label} (${l.items.length}):`))
    for (const item of l.items) out.push(line(`  ${item}`))
  }
  out.push('')
  if (v.messagesTotal === 0) out.push('Messages: none')
  else {
    const last = v.messagesOffset + v.messages.length
    out.push(
      v.messages.length === v.messagesTotal
        ? `Messages (${v.messagesTotal}):`
        : `Messages (${v.messagesOffset + 1}–${last} of ${v.messagesTotal}; --messages N for more):`
    )
    v.messages.forEach((m, i) => out.push(line(`  ${String(v.messagesOffset + i + 1).padStart(4)}. ${m}`)))
  }
  out.push('')
  if (v.dictionary === null) out.push('Dictionary: not available')
  else if (v.dictionary.length === 0) out.push('Dictionary: empty')
  else {
    out.push(`Dictionary (${v.dictionary.length}):`)
    for (const d of v.dictionary) out.push(line(`  ${d.key} => ${d.value}`))
  }
  out.push('')
  if (v.stack === null) out.push('Stack: not available')
  else {
    out.push(`Stack (${v.stack.length}):`)
    for (const s of v.stack) out.push(line(`  ${s}`))
  }
  return out.join('\n')
}

/** The detail as one JSON value (exact text: no terminal escaping). */
export function processDetailJson(v: ProcessDetailView): unknown {
  return {
    source: v.source,
    pid: v.pid,
    title: v.title,
    ...Object.fromEntries(v.fields.map((f) => [f.key, f.value])),
    ...Object.fromEntries(v.lists.map((l) => [l.key, l.items])),
    notes: v.notes,
    messagesTotal: v.messagesTotal,
    messagesOffset: v.messagesOffset,
    messages: v.messages,
    dictionary: v.dictionary,
    stack: v.stack,
    foldAt: v.foldAt
  }
}

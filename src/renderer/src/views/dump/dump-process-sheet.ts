import type { DumpProcessDetail, StackFrame } from '@shared/contract/dump'
import type { ProcessSheet, SheetField } from '@renderer/components/process-sheet'
import { printDumpTerm, type TermSyntax } from '@shared/dump-term-print'
import { exactBytes, groupDigits, humanBytes, humanDuration } from '@renderer/format/numbers'

/** Each printed term stops here; the drawer folds what is longer anyway. */
const MAX_TERM = 20_000

/** Fields the sheet already shows in its own words. */
const shownKeys = new Set([
  'Name',
  'State',
  'Message queue length',
  'Reductions',
  'Memory',
  'Stack+heap',
  'OldHeap'
])

type Print = (t: Parameters<typeof printDumpTerm>[0]) => string

function frameText(f: StackFrame, print: Print): string {
  if (f.kind === 'var') return `${f.label.padEnd(5)} ${f.term ? print(f.term) : (f.text ?? '')}`
  return `${f.kind === 'catch' ? 'catch' : 'return'} → ${f.text ?? f.label}`
}

/** A dump process as the shared drawer shows it. */
export function dumpProcessSheet(
  d: DumpProcessDetail,
  wordSize: number,
  messages: DumpProcessDetail['messages'],
  syntax: TermSyntax = 'erlang',
  /** Queue position of `messages[0]` (a page other than the detail's own). */
  messageOffset = d.messageOffset,
  /** The message (1-based) the user jumped to. */
  messageMark?: number
): ProcessSheet {
  const print: Print = (t) => printDumpTerm(t, { maxLength: MAX_TERM, syntax })
  const r = d.row
  const words = (w: number): string => `${groupDigits(w)} words (${humanBytes(w * wordSize)})`
  const memory: SheetField =
    r.memoryBytes !== null
      ? { label: 'Memory', value: humanBytes(r.memoryBytes), title: exactBytes(r.memoryBytes) }
      : {
          label: 'Memory',
          value: `≈ ${humanBytes(r.memoryEstimateBytes)} (estimate)`,
          title: `Estimated from Stack+heap and OldHeap: ${exactBytes(r.memoryEstimateBytes)}; this dump has no Memory line.`
        }
  const fields: SheetField[] = [
    { label: 'Registered name', value: r.name ?? '—', mono: true },
    ...(d.label !== null ? [{ label: 'Label', value: d.label, mono: true }] : []),
    {
      label: 'Spawned as',
      value: r.spawnedAs ?? '—',
      mono: true,
      title: d.spawnedVia ? `From proc_lib's '$initial_call'; spawned as ${d.spawnedVia}` : undefined
    },
    { label: 'Spawned by', value: d.spawnedBy ?? '—', mono: true },
    { label: 'Current function', value: r.currentFunction ?? '—', mono: true },
    { label: 'State', value: r.state ?? '—' },
    memory,
    {
      label: 'Message queue',
      value: groupDigits(r.messageQueueLength),
      tone: r.messageQueueLength > 10_000 ? 'danger' : r.messageQueueLength > 1000 ? 'warn' : undefined
    },
    { label: 'Reductions', value: groupDigits(r.reductions) },
    { label: 'Stack + heap', value: words(r.stackHeapWords) },
    { label: 'Old heap', value: words(r.oldHeapWords) },
    ...d.fields
      .filter((f) => !shownKeys.has(f.key) && !f.key.startsWith('Spawned') && f.key !== 'Current call')
      .map((f) => ({
        label: f.key,
        value: f.value,
        mono: /^[<#[{]/.test(f.value)
      }))
  ]
  const lists = [
    ...(d.notes.length ? [{ label: 'Not in this dump', items: d.notes }] : []),
    { label: 'Links', items: d.links },
    { label: 'Monitors', items: d.monitors },
    { label: 'Monitored by', items: d.monitoredBy },
    {
      label: 'ETS tables owned',
      items: d.ets.map(
        (t) =>
          `${t.name ?? t.table}  ${t.type ?? ''} · ${groupDigits(t.objects)} objects · ${humanBytes(t.bytes)}`
      )
    },
    {
      label: 'Timers',
      items: d.timers.map(
        (t) => `${t.message ?? '?'}  fires in ${t.timeLeftMs === null ? '?' : humanDuration(t.timeLeftMs)}`
      )
    }
  ]
  return {
    pid: r.pid,
    title: r.name ?? r.spawnedAs ?? r.pid,
    subtitle: r.state ?? undefined,
    fields,
    lists,
    messages: messages.map((m) =>
      m.seqTraceToken ? `${print(m.term)}   % seq_trace ${print(m.seqTraceToken)}` : print(m.term)
    ),
    // the dump drawer says which page is shown above its pager
    messageNote: undefined,
    messagesStart: messageOffset + 1,
    messagesMark: messageMark,
    dictionary:
      d.dictionary === null ? null : d.dictionary.map((e) => `${print(e.key)} => ${print(e.value)}`),
    stack: d.stack === null ? null : d.stack.map((f) => frameText(f, print))
  }
}

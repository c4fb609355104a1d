/** A crash dump's process (DumpFile.process) as the CLI's shared `ProcessDetailView`. */
import type { DumpProcessDetail, DumpTerm, StackFrame } from '../../shared/contract/dump'
import { printDumpTerm, type TermSyntax } from '../../shared/dump-term-print'
import { fmtBytes } from '../crashdump/dump-file'
import type { ProcessDetailView } from './process-detail'

/** Printed terms stop here (values, messages, stack variables). */
export const TERM_FOLD = 2000
/** Dictionary keys are kept whole up to this length (they name what the value is). */
export const KEY_FOLD = 20_000

export interface DumpProcessViewOptions {
  source: string
  wordSize: number
  syntax: TermSyntax
  /** Decoded messages, oldest first (fetched in pages by the caller). */
  messages: DumpProcessDetail['messages']
}

function frameLine(f: StackFrame, print: (t: DumpTerm) => string): string {
  if (f.kind === 'var') return `${f.label.padEnd(5)} ${f.term ? print(f.term) : (f.text ?? '')}`
  return `${f.kind === 'catch' ? 'catch ' : 'return'} ${f.text ?? f.label}`
}

/** One message as the detail prints it (folded at TERM_FOLD, with its seq_trace token). */
export function dumpMessageText(m: DumpProcessDetail['messages'][number], syntax: TermSyntax): string {
  const print = (t: DumpTerm): string => printDumpTerm(t, { maxLength: TERM_FOLD, syntax })
  return m.seqTraceToken ? `${print(m.term)}   % seq_trace ${print(m.seqTraceToken)}` : print(m.term)
}

export function dumpProcessView(d: DumpProcessDetail, o: DumpProcessViewOptions): ProcessDetailView {
  const print = (t: DumpTerm): string => printDumpTerm(t, { maxLength: TERM_FOLD, syntax: o.syntax })
  const r = d.row
  const words = (w: number): string => `${w} words (${fmtBytes(w * o.wordSize)})`
  const shown = new Set([
    'Name',
    'State',
    'Spawned as',
    'Spawned by',
    'Current call',
    'Message queue length',
    'Reductions',
    'Memory',
    'Stack+heap',
    'OldHeap'
  ])
  const other = d.fields.filter((f) => !shown.has(f.key) && !f.key.startsWith('Link list'))
  return {
    source: o.source,
    pid: r.pid,
    title: r.name ?? d.label ?? r.spawnedAs,
    fields: [
      { key: 'name', label: 'Registered name', value: r.name },
      { key: 'label', label: 'Label', value: d.label },
      { key: 'spawnedAs', label: 'Spawned as', value: r.spawnedAs },
      ...(d.spawnedVia ? [{ key: 'spawnedVia', label: 'Spawned via', value: d.spawnedVia }] : []),
      { key: 'spawnedBy', label: 'Spawned by', value: d.spawnedBy },
      { key: 'currentFunction', label: 'Current function', value: r.currentFunction },
      { key: 'state', label: 'State', value: r.state },
      {
        key: 'memoryBytes',
        label: 'Memory',
        value: r.memoryBytes === null ? null : r.memoryBytes
      },
      ...(r.memoryBytes === null
        ? [{ key: 'memoryEstimateBytes', label: 'Memory (estimate)', value: r.memoryEstimateBytes }]
        : []),
      { key: 'messageQueueLength', label: 'Message queue', value: r.messageQueueLength },
      { key: 'reductions', label: 'Reductions', value: r.reductions },
      { key: 'stackHeap', label: 'Stack + heap', value: words(r.stackHeapWords) },
      { key: 'oldHeap', label: 'Old heap', value: words(r.oldHeapWords) },
      ...other.map((f) => ({ key: f.key, label: f.key, value: f.value }))
    ],
    lists: [
      { key: 'links', label: 'Links', items: d.links },
      { key: 'monitors', label: 'Monitors', items: d.monitors },
      { key: 'monitoredBy', label: 'Monitored by', items: d.monitoredBy },
      {
        key: 'ets',
        label: 'ETS tables owned',
        items: d.ets.map((t) => `${t.name ?? t.table} ${t.type ?? ''} ${t.objects ?? '?'} objects`)
      },
      {
        key: 'timers',
        label: 'Timers',
        items: d.timers.map((t) => `${t.message ?? '?'} in ${t.timeLeftMs ?? '?'} ms`)
      }
    ],
    messages: o.messages.map((m) => dumpMessageText(m, o.syntax)),
    messagesOffset: 0,
    messagesTotal: d.messagesTotal,
    dictionary:
      d.dictionary === null
        ? null
        : d.dictionary.map((e) => ({
            key: printDumpTerm(e.key, { maxLength: KEY_FOLD, syntax: o.syntax }),
            value: print(e.value)
          })),
    stack: d.stack === null ? null : d.stack.map((f) => frameLine(f, print)),
    notes: d.notes,
    foldAt: TERM_FOLD
  }
}

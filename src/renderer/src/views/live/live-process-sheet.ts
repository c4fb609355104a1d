import type { MessagesResult, ProcessDetail } from '@shared/contract/node'
import type { ProcessSheet } from '@renderer/components/process-sheet'
import { exactBytes, groupDigits, humanBytes } from '@renderer/format/numbers'

export function liveProcessSheet(
  d: ProcessDetail,
  wordSize: number,
  messages: MessagesResult | null
): ProcessSheet {
  // the node sends these in bytes (process_info's words times its word size)
  const sized = (bytes: number): { value: string; title: string } => ({
    value: `${humanBytes(bytes)} (${groupDigits(bytes / wordSize)} words)`,
    title: exactBytes(bytes)
  })
  const gc = Object.entries(d.garbageCollection).map(([k, v]) => `${k}: ${groupDigits(v)}`)
  return {
    pid: d.pid,
    title: d.registeredName ?? d.initialCall ?? d.pid,
    subtitle: d.status,
    fields: [
      { label: 'Registered name', value: d.registeredName ?? '—', mono: true },
      { label: 'Initial call', value: d.initialCall ?? '—', mono: true },
      { label: 'Current function', value: d.currentFunction ?? '—', mono: true },
      { label: 'Status', value: d.status },
      { label: 'Memory', value: humanBytes(d.memory), title: exactBytes(d.memory) },
      {
        label: 'Message queue',
        value: groupDigits(d.messageQueueLength),
        tone: d.messageQueueLength > 10_000 ? 'danger' : d.messageQueueLength > 1000 ? 'warn' : undefined
      },
      { label: 'Reductions', value: groupDigits(d.reductions) },
      { label: 'Heap size', ...sized(d.heapSize) },
      { label: 'Stack size', ...sized(d.stackSize) },
      { label: 'Total heap size', ...sized(d.totalHeapSize) },
      {
        label: 'Binaries (refc)',
        value: `${humanBytes(d.binaryMemory)} in ${groupDigits(d.binaryCount)}`,
        title: exactBytes(d.binaryMemory)
      },
      { label: 'Trap exit', value: String(d.trapExit) },
      { label: 'Priority', value: d.priority },
      { label: 'Group leader', value: d.groupLeader, mono: true },
      { label: 'GC', value: gc.join(', ') || '—', mono: true }
    ],
    lists: [
      { label: 'Links', items: d.links },
      { label: 'Monitors', items: d.monitors },
      { label: 'Monitored by', items: d.monitoredBy }
    ],
    messages: messages
      ? messages.messages.map((m) => (m.truncated ? `${m.text} …(folded, ${humanBytes(m.bytes)})` : m.text))
      : null,
    messageNote: messages?.partial
      ? `Showing the first ${messages.messages.length} of ${groupDigits(messages.queueLength)} messages (copied and trimmed on the node).`
      : undefined,
    dictionary: d.dictionary.map((e) => `${e.key} => ${e.value}`),
    stack: d.currentStacktrace.map((f) =>
      f.file ? `${f.mfa}  (${f.file}${f.line ? `:${f.line}` : ''})` : f.mfa
    )
  }
}

/** A live process (collectors' `process` and `messages`) as the CLI's shared `ProcessDetailView`. */
import type { MessagesResult, ProcessDetail } from '../../shared/contract/node'
import { LIMITS } from '../node/collectors'
import type { ProcessDetailView } from './process-detail'

/** `min_heap_size` -> `gcMinHeapSize`: JSON keys stay camelCase. */
export function gcKey(name: string): string {
  return `gc${name.replace(/(^|_)([a-z0-9])/g, (_m, _u: string, c: string) => c.toUpperCase())}`
}

export function liveProcessView(
  node: string,
  d: ProcessDetail,
  m: MessagesResult | undefined
): ProcessDetailView {
  const notes: string[] = []
  if (m === undefined && d.messageQueueLength > 0)
    notes.push('messages not copied: --messages N copies the first N (main checks the queue length first)')
  return {
    source: node,
    pid: d.pid,
    title: d.registeredName ?? d.initialCall,
    fields: [
      { key: 'registeredName', label: 'Registered name', value: d.registeredName },
      { key: 'initialCall', label: 'Initial call', value: d.initialCall },
      { key: 'currentFunction', label: 'Current function', value: d.currentFunction },
      { key: 'status', label: 'Status', value: d.status },
      { key: 'memoryBytes', label: 'Memory', value: d.memory },
      { key: 'messageQueueLength', label: 'Message queue', value: d.messageQueueLength },
      { key: 'reductions', label: 'Reductions', value: d.reductions },
      { key: 'heapBytes', label: 'Heap', value: d.heapSize },
      { key: 'stackBytes', label: 'Stack', value: d.stackSize },
      { key: 'totalHeapBytes', label: 'Total heap', value: d.totalHeapSize },
      { key: 'binaryBytes', label: 'Refc binaries', value: d.binaryMemory },
      { key: 'binaryCount', label: 'Refc binary count', value: d.binaryCount },
      { key: 'trapExit', label: 'Trap exit', value: d.trapExit },
      { key: 'priority', label: 'Priority', value: d.priority },
      { key: 'groupLeader', label: 'Group leader', value: d.groupLeader },
      ...Object.entries(d.garbageCollection).map(([k, v]) => ({ key: gcKey(k), label: `GC ${k}`, value: v }))
    ],
    lists: [
      { key: 'links', label: 'Links', items: d.links },
      { key: 'monitors', label: 'Monitors', items: d.monitors },
      { key: 'monitoredBy', label: 'Monitored by', items: d.monitoredBy }
    ],
    messages: m ? m.messages.map((x) => x.text) : [],
    messagesOffset: 0,
    messagesTotal: m ? m.queueLength : d.messageQueueLength,
    dictionary: d.dictionary,
    stack: d.currentStacktrace.map(
      (f) => `${f.mfa}${f.file ? ` (${f.file}${f.line !== undefined ? `:${f.line}` : ''})` : ''}`
    ),
    notes,
    foldAt: LIMITS.printChars
  }
}

/** The rows of `erlscope processes DUMP --json`, built as text (1M rows: no objects, no JSON.stringify). */
import type { DumpProcessRow } from '../../shared/contract/dump'
import { displayCalls, displayName } from '../../shared/elixir-names'
import type { ProcColumns } from '../crashdump/dump-index'
import { jsonNumber as jnum, jsonString as jstr } from './json-stream'

/** One row: the same text as JSON.stringify of the row object with these fields in this order. */
export function processJson(r: DumpProcessRow): string {
  return `{"pid":${jstr(r.pid)},"name":${jstr(r.name)},"spawnedAs":${jstr(r.spawnedAs)},"label":${jstr(r.label ?? null)},"state":${jstr(r.state)},"messageQueueLength":${jnum(r.messageQueueLength)},"reductions":${jnum(r.reductions)},"stackHeapWords":${jnum(r.stackHeapWords)},"memoryBytes":${jnum(r.memoryBytes)},"memoryEstimateBytes":${jnum(r.memoryEstimateBytes)},"currentFunction":${jstr(r.currentFunction)}}`
}

/**
 * processJson(dump.row(r)) straight from the index's columns: the interned strings (states,
 * functions) are converted to JSON once each, not once per row. `spawnedAs`, when given, replaces
 * the row's own (a proc_lib process's `'$initial_call'`); `label` is the process's label, if known.
 */
export function processJsonFromColumns(
  p: ProcColumns,
  wordSize: number
): (r: number, spawnedAs?: string | null, label?: string | null) => string {
  const interned: (string | undefined)[] = new Array<string | undefined>(p.strings.length)
  const str = (i: number): string => {
    if (i < 0) return 'null'
    let s = interned[i]
    if (s === undefined) {
      s = jstr(displayCalls(p.strings[i]))
      interned[i] = s
    }
    return s
  }
  return (r, spawnedAs, label) => {
    const name = p.name[r]
    const mem = p.memory[r]
    return `{"pid":${jstr(p.pid[r])},"name":${name === null ? 'null' : jstr(displayName(name))},"spawnedAs":${spawnedAs === undefined ? str(p.spawnedAs[r]) : jstr(spawnedAs)},"label":${jstr(label ?? null)},"state":${str(p.state[r])},"messageQueueLength":${jnum(p.msgq[r])},"reductions":${jnum(p.reds[r])},"stackHeapWords":${jnum(p.stackHeap[r])},"memoryBytes":${Number.isNaN(mem) ? 'null' : jnum(mem)},"memoryEstimateBytes":${jnum((p.stackHeap[r] + p.oldHeap[r]) * wordSize)},"currentFunction":${str(p.current[r])}}`
  }
}

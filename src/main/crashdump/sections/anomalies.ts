/**
 * Values a real VM never writes: negative sizes or counts, numbers past what a machine can hold,
 * a process dumped twice. Such a dump was damaged or edited; the summary says so instead of
 * adding the numbers up as if they were true.
 */
import type { DumpMemory } from '../../../shared/contract/dump'
import type { ProcColumns } from '../dump-index'
import { pidRows } from '../pid-rows'

/** Bytes past 1 PiB, words past 2^47, or a mailbox past 2^40 messages cannot be real. */
const MAX_BYTES = 2 ** 50
const MAX_WORDS = 2 ** 47
const MAX_MESSAGES = 2 ** 40
/** Examples named per kind of anomaly. */
const EXAMPLES = 3

interface Check {
  field: string
  values: Float64Array
  max: number
}

function examples(pids: string[]): string {
  const shown = pids.slice(0, EXAMPLES).join(', ')
  return pids.length > EXAMPLES ? `${shown} and ${pids.length - EXAMPLES} more` : shown
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}

/** Warnings about process fields and `=proc` sections (empty for a dump written by a real VM). */
export function procAnomalies(p: ProcColumns): string[] {
  const out: string[] = []
  const { repeated } = pidRows(p)
  if (repeated.length > 0)
    out.push(
      `${plural(repeated.length, 'process has', 'processes have')} more than one =proc section (${examples(repeated)}): a VM writes each process once, so the dump was damaged or edited; the process table lists every section.`
    )
  const checks: Check[] = [
    { field: 'Message queue length', values: p.msgq, max: MAX_MESSAGES },
    { field: 'Reductions', values: p.reds, max: Number.MAX_SAFE_INTEGER },
    { field: 'Stack+heap', values: p.stackHeap, max: MAX_WORDS },
    { field: 'OldHeap', values: p.oldHeap, max: MAX_WORDS },
    { field: 'Memory', values: p.memory, max: MAX_BYTES }
  ]
  for (const c of checks) {
    const negative: string[] = []
    const absurd: string[] = []
    for (let r = 0; r < p.count; r++) {
      const v = c.values[r]
      if (v < 0) negative.push(p.pid[r])
      else if (v > c.max) absurd.push(p.pid[r])
    }
    if (negative.length > 0)
      out.push(
        `${plural(negative.length, 'process has', 'processes have')} a negative “${c.field}” (${examples(negative)}): the dump was damaged or edited, and totals that include it are wrong.`
      )
    if (absurd.length > 0)
      out.push(
        `${plural(absurd.length, 'process has', 'processes have')} an impossibly large “${c.field}” (${examples(absurd)}): the dump was damaged or edited, and totals that include it are wrong.`
      )
  }
  return out
}

/** Warnings about the `=memory` section. */
export function memoryAnomalies(m: DumpMemory): string[] {
  const bad: string[] = []
  for (const [key, v] of Object.entries(m) as [keyof DumpMemory, number | null][])
    if (v !== null && (v < 0 || v > MAX_BYTES)) bad.push(`${key} = ${v}`)
  if (bad.length === 0) return []
  return [
    `The =memory section holds impossible values (${bad.join(', ')}): the dump was damaged or edited, so the memory figures are not to be trusted.`
  ]
}

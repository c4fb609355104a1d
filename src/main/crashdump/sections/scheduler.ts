/** `=scheduler:N`, `=dirty_cpu_scheduler:N`, `=dirty_io_scheduler:N`, `=dirty_*_run_queue`. */
import type { DumpScheduler } from '../../../shared/contract/dump'
import { num, splitLines } from '../text'

export function parseScheduler(tag: string, id: string | null, body: string): DumpScheduler {
  const fields: { key: string; value: string }[] = []
  const stackTrace: string[] = []
  let inTrace = false
  for (const line of splitLines(body)) {
    if (inTrace) {
      stackTrace.push(line)
      continue
    }
    const c = line.indexOf(':')
    const key = c < 0 ? line : line.slice(0, c)
    const value = c < 0 ? '' : line.slice(c + 1).trim()
    if (key === 'Current Process Limited Stack Trace') {
      inTrace = true
      continue
    }
    fields.push({ key, value })
  }
  const get = (k: string): string | null => {
    const f = fields.find((x) => x.key === k)
    return f && f.value !== '' ? f.value : null
  }
  let rq: number | null = null
  for (const k of [
    'Run Queue Max Length',
    'Run Queue High Length',
    'Run Queue Normal Length',
    'Run Queue Low Length'
  ]) {
    const v = num(get(k))
    if (v !== null) rq = (rq ?? 0) + v
  }
  const type: DumpScheduler['type'] =
    tag === 'dirty_cpu_scheduler'
      ? 'dirty_cpu'
      : tag === 'dirty_io_scheduler'
        ? 'dirty_io'
        : tag === 'scheduler'
          ? 'normal'
          : (tag as DumpScheduler['type'])
  return {
    id: id === null ? tag : `${tag}:${id}`,
    type,
    currentProcess: get('Current Process'),
    currentPort: get('Current Port'),
    runQueueLength: rq,
    sleepInfo: get('Scheduler Sleep Info Flags'),
    fields,
    stackTrace
  }
}

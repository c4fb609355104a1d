/** `=timer:<owner>` sections. */
import type { DumpTimer } from '../../../shared/contract/dump'
import { firstValue, keyValues, num } from '../text'

export function parseTimer(owner: string, body: string): DumpTimer {
  const kv = keyValues(body)
  return { owner, message: firstValue(kv, 'Message'), timeLeftMs: num(firstValue(kv, 'Time left')) }
}

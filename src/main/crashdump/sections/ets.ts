/** `=ets:<owner>` sections. */
import type { DumpEtsTable } from '../../../shared/contract/dump'
import { firstValue, keyValues, num } from '../text'

export function parseEts(owner: string, body: string, wordSize: number): DumpEtsTable {
  const fields = keyValues(body)
  const words = num(firstValue(fields, 'Words'))
  const objects = num(firstValue(fields, 'Objects')) ?? num(firstValue(fields, 'Elements'))
  return {
    owner,
    ownerName: null,
    table: firstValue(fields, 'Table') ?? '',
    name: firstValue(fields, 'Name'),
    type:
      firstValue(fields, 'Type') ??
      (fields.some((f) => f.value.startsWith('Ordered set') || f.key.startsWith('Ordered set'))
        ? 'ordered_set'
        : null),
    protection: firstValue(fields, 'Protection'),
    objects,
    words,
    bytes: words === null ? null : words * wordSize,
    buckets: num(firstValue(fields, 'Buckets')),
    fields
  }
}

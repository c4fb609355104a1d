/** `=memory`, `=hash_table:`, `=index_table:`, `=allocated_areas`. */
import type {
  DumpAllocatedArea,
  DumpHashTable,
  DumpIndexTable,
  DumpMemory
} from '../../../shared/contract/dump'
import { firstValue, keyValues, num } from '../text'

export function parseMemory(body: string): DumpMemory {
  const kv = keyValues(body)
  const g = (k: string): number | null => num(firstValue(kv, k))
  return {
    total: g('total'),
    processes: g('processes'),
    processes_used: g('processes_used'),
    system: g('system'),
    atom: g('atom'),
    atom_used: g('atom_used'),
    binary: g('binary'),
    code: g('code'),
    ets: g('ets')
  }
}

export function parseHashTable(name: string, body: string): DumpHashTable {
  const kv = keyValues(body)
  return {
    name,
    size: num(firstValue(kv, 'size')),
    used: num(firstValue(kv, 'used')),
    objs: num(firstValue(kv, 'objs')),
    depth: num(firstValue(kv, 'depth'))
  }
}

export function parseIndexTable(name: string, body: string): DumpIndexTable {
  const kv = keyValues(body)
  return {
    name,
    size: num(firstValue(kv, 'size')),
    limit: num(firstValue(kv, 'limit')),
    // `used` in dumps before R13B (e.g. R10B's atom_tab)
    entries: num(firstValue(kv, 'entries') ?? firstValue(kv, 'used'))
  }
}

export function parseAllocatedAreas(body: string): DumpAllocatedArea[] {
  return keyValues(body).map(({ key, value }) => {
    const [a, u] = value.trim().split(/\s+/)
    return { name: key, allocated: num(a), used: u === undefined ? null : num(u) }
  })
}

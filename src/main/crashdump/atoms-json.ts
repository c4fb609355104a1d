import type { DumpSummary } from '../../shared/contract/dump'

/** The atom count against the limit, and the atom table's memory (shared by the report and MCP). */
export function atomsJson(s: DumpSummary): {
  count: number | null
  limit: number | null
  share: number | null
  memoryBytes: number | null
  usedBytes: number | null
} {
  const { used, limit } = s.limits.atoms
  return {
    count: used,
    limit,
    share: used !== null && limit ? used / limit : null,
    memoryBytes: s.memory.atom,
    usedBytes: s.memory.atom_used
  }
}

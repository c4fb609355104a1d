import type { MemoryCategory } from '@shared/contract/node'

export { memoryCategories, type MemoryCategory } from '@shared/contract/node'

/** The same colours as the --mem-* CSS variables in theme.css (charts need literal values). */
export const memoryColors: Record<MemoryCategory, string> = {
  total: '#6b7280',
  processes: '#4c78d8',
  processes_used: '#7f9fe6',
  system: '#8c6bd6',
  atom: '#e0a526',
  atom_used: '#f0c96b',
  binary: '#e8594a',
  code: '#3fae8c',
  ets: '#d45fa3'
}

/**
 * The parts of `total` that do not overlap, for stacked charts: processes + system = total, and
 * system = atom + binary + code + ets + other.
 */
export const stackedParts = ['processes', 'binary', 'ets', 'code', 'atom', 'other_system'] as const
export type StackedPart = (typeof stackedParts)[number]
export const stackedColors: Record<StackedPart, string> = {
  processes: memoryColors.processes,
  binary: memoryColors.binary,
  ets: memoryColors.ets,
  code: memoryColors.code,
  atom: memoryColors.atom,
  other_system: memoryColors.system
}
export const stackedLabels: Record<StackedPart, string> = {
  processes: 'processes',
  binary: 'binary',
  ets: 'ets',
  code: 'code',
  atom: 'atom',
  other_system: 'other system'
}

export function stackedValues(m: Record<MemoryCategory, number>): Record<StackedPart, number> {
  return {
    processes: m.processes,
    binary: m.binary,
    ets: m.ets,
    code: m.code,
    atom: m.atom,
    other_system: Math.max(0, m.system - m.atom - m.binary - m.code - m.ets)
  }
}

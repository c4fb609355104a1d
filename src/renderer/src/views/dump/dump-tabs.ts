import type { SectionKind } from '@shared/contract/dump'

export type DumpTab =
  | 'summary'
  | 'processes'
  | 'memory'
  | 'ets'
  | 'ports'
  | 'timers'
  | 'schedulers'
  | 'nodes'
  | 'modules'
  | 'funs'
  | 'atoms'
  | 'persistent_terms'
  | 'internal_tables'

export const dumpTabs: { id: DumpTab; label: string }[] = [
  { id: 'summary', label: 'Summary' },
  { id: 'processes', label: 'Processes' },
  { id: 'memory', label: 'Memory & allocators' },
  { id: 'ets', label: 'ETS' },
  { id: 'ports', label: 'Ports' },
  { id: 'timers', label: 'Timers' },
  { id: 'schedulers', label: 'Schedulers' },
  { id: 'nodes', label: 'Nodes' },
  { id: 'modules', label: 'Modules' },
  { id: 'funs', label: 'Funs' },
  { id: 'atoms', label: 'Atoms' },
  { id: 'persistent_terms', label: 'Persistent terms' },
  { id: 'internal_tables', label: 'Internal tables' }
]

/** The tabs shown by the generic section table, and the section each reads. */
export const tableTabs = [
  'ets',
  'ports',
  'timers',
  'schedulers',
  'nodes',
  'modules',
  'funs',
  'atoms',
  'persistent_terms'
] as const
export type TableTab = (typeof tableTabs)[number]
export const isTableTab = (tab: DumpTab): tab is TableTab => (tableTabs as readonly string[]).includes(tab)
export type { SectionKind }

import type { DumpMemory } from '@shared/contract/dump'

/** Where a dump's `=memory` category is explained (the dump's counterpart of the live categoryView). */
export type DumpExplainTarget =
  'processes' | 'binary_holders' | 'ets' | 'atoms' | 'modules' | 'ports' | 'allocators'

export const dumpCategoryView: Partial<
  Record<keyof DumpMemory, { target: DumpExplainTarget; label: string; long: string }[]>
> = {
  processes: [{ target: 'processes', label: 'processes', long: 'Processes by memory' }],
  system: [
    { target: 'ports', label: 'ports', long: 'Ports by queue' },
    { target: 'allocators', label: 'allocators', long: 'Allocators and allocated areas' }
  ],
  binary: [{ target: 'binary_holders', label: 'holders', long: 'Processes by refc binaries' }],
  ets: [{ target: 'ets', label: 'tables', long: 'ETS tables by memory' }],
  code: [{ target: 'modules', label: 'modules', long: 'Loaded modules by size, old code flagged' }],
  atom: [{ target: 'atoms', label: 'atoms', long: 'Atom count against the limit' }]
}

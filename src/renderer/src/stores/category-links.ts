import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { EtsSortKey, PortSortKey } from '@shared/contract/categories'
import type { MemoryCategory, ProcessGroup, ProcessSortKey } from '@shared/contract/node'
import { useUiStore } from './ui'

/** The Memory tab's sub-views: the chart, then one view per category's culprits. */
export type MemorySubView = 'chart' | 'ets' | 'ports' | 'binaries' | 'atoms' | 'churn'

export const memorySubViews: { id: MemorySubView; label: string }[] = [
  { id: 'chart', label: 'Over time' },
  { id: 'ets', label: 'ETS' },
  { id: 'ports', label: 'Ports & sockets' },
  { id: 'binaries', label: 'Binaries' },
  { id: 'atoms', label: 'Atoms & code' },
  { id: 'churn', label: 'Churn' }
]

/** Where each `erlang:memory()` category's culprits are explained. */
export const categoryView: Record<
  MemoryCategory,
  { view: MemorySubView | 'processes' | 'allocators'; label: string } | null
> = {
  total: null,
  processes: { view: 'processes', label: 'Processes by memory' },
  processes_used: { view: 'processes', label: 'Processes by memory' },
  system: { view: 'ports', label: 'Ports & sockets' },
  atom: { view: 'atoms', label: 'Atoms' },
  atom_used: { view: 'atoms', label: 'Atoms' },
  binary: { view: 'binaries', label: 'Binary holders & leak check' },
  code: { view: 'atoms', label: 'Loaded modules' },
  ets: { view: 'ets', label: 'ETS tables by memory' }
}

/** A group the Churn view counted, with the words it was shown in. */
export interface GroupFilter {
  group: ProcessGroup
  label: string
}

/** What another view asks the Processes view to show. */
export interface ProcessRequest {
  sortBy?: ProcessSortKey
  filter?: string
  group?: GroupFilter
}

/**
 * Links from a memory category to the view that explains it, and requests one view makes of
 * another (open Processes filtered on an owner's pid, sorted by growth ...); the view opened
 * takes the request once.
 */
export const useCategoryLinksStore = defineStore('category-links', () => {
  const ui = useUiStore()
  const sub = ref<MemorySubView>('chart')
  const etsSort = ref<EtsSortKey | null>(null)
  const portSort = ref<PortSortKey | null>(null)
  const processRequest = ref<ProcessRequest | null>(null)
  /** Sessions whose user agreed to scheduler utilization measurements. */
  const schedulerConsent = ref<string[]>([])
  function showProcesses(req: ProcessRequest): void {
    processRequest.value = req
    ui.showTab('processes')
  }

  /** The ETS and Ports views take the ranking a link asked for once, when they open. */
  function takeEtsSort(): EtsSortKey | null {
    const v = etsSort.value
    etsSort.value = null
    return v
  }
  function takePortSort(): PortSortKey | null {
    const v = portSort.value
    portSort.value = null
    return v
  }

  /** The Processes view takes the pending request once, when it opens. */
  function takeProcessRequest(): ProcessRequest | null {
    const req = processRequest.value
    processRequest.value = null
    return req
  }

  /** Opens the view explaining `category`; a growing category opens it sorted by growth. */
  function explain(category: MemoryCategory, growing: boolean): void {
    const target = categoryView[category]
    if (!target) return
    if (target.view === 'processes') {
      showProcesses({ sortBy: growing ? 'growth' : 'memory' })
      return
    }
    if (target.view === 'allocators') {
      ui.showTab('allocators')
      return
    }
    if (target.view === 'ets') etsSort.value = growing ? 'growth' : 'memory'
    if (target.view === 'ports') portSort.value = growing ? 'growth' : 'queue'
    sub.value = target.view
    ui.showTab('memory')
  }

  return {
    sub,
    takeEtsSort,
    takePortSort,
    takeProcessRequest,
    schedulerConsent,
    explain,
    showProcesses
  }
})

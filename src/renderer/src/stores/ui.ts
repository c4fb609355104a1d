import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { TermSyntax } from '@shared/dump-term-print'

/** 'cluster' has no tab of its own: the sidebar opens it under each connected node. */
export type WorkspaceTab = 'overview' | 'memory' | 'processes' | 'allocators' | 'cluster' | 'dump'

export const workspaceTabs: { id: WorkspaceTab; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'memory', label: 'Memory' },
  { id: 'processes', label: 'Processes' },
  { id: 'allocators', label: 'Allocators' },
  { id: 'dump', label: 'Crash dump' }
]

/** Which tab is shown, what the status bar says last, whether the connect dialog is open. */
export const useUiStore = defineStore('ui', () => {
  const activeTab = ref<WorkspaceTab>('overview')
  const connectOpen = ref(false)
  const lastError = ref<string | null>(null)
  /** How dump terms print in the process drawer: Erlang or Elixir syntax. */
  const termSyntax = ref<TermSyntax>('erlang')

  function showTab(tab: WorkspaceTab): void {
    activeTab.value = tab
  }

  function reportError(message: string | null): void {
    lastError.value = message
  }

  return { activeTab, connectOpen, lastError, termSyntax, showTab, reportError }
})

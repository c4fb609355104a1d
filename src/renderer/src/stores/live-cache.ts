import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AtomsAndCode, BinLeakResult, ChurnReport, EtsPage, PortPage } from '@shared/contract/categories'
import type { AllocatorReport, ProcessRow, SystemOverview } from '@shared/contract/node'

/** The process table as last read: kept so a lost node does not turn into "0 processes". */
export interface ProcessesSeen {
  rows: ProcessRow[]
  total: number
  processCount: number
  takenAt: number
}

export interface SessionViews {
  overview?: SystemOverview
  allocators?: AllocatorReport
  processes?: ProcessesSeen
  ets?: EtsPage
  ports?: PortPage
  atoms?: AtomsAndCode
  churn?: ChurnReport
  binLeak?: BinLeakResult
}

/**
 * The last data each live view showed, per session, so a view that is opened (or stays open)
 * while the node is unreachable shows what it last knew, with its time, instead of going blank.
 */
export const useLiveCacheStore = defineStore('live-cache', () => {
  const bySession = ref<Record<string, SessionViews>>({})

  function views(sessionId: string): SessionViews {
    return (bySession.value[sessionId] ??= {})
  }

  function keep<K extends keyof SessionViews>(sessionId: string, key: K, value: SessionViews[K]): void {
    views(sessionId)[key] = value
  }

  function seen<K extends keyof SessionViews>(sessionId: string | null, key: K): SessionViews[K] | undefined {
    return sessionId ? bySession.value[sessionId]?.[key] : undefined
  }

  function forget(sessionId: string): void {
    delete bySession.value[sessionId]
  }

  return { keep, seen, forget }
})

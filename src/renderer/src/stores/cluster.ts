import { defineStore } from 'pinia'
import { ref, shallowRef, triggerRef } from 'vue'
import type { ClusterSample, ClusterWatchRequest } from '@shared/contract/cluster'
import type { SessionInfo } from '@shared/contract/node'
import { call, on } from '@renderer/api'
import { useSessionsStore } from './sessions'

/** The cluster seen through each session (the latest sample), and members opened through it. */
export const useClusterStore = defineStore('cluster', () => {
  const samples = shallowRef(new Map<string, ClusterSample>())
  const hidden = ref(false)
  const intervalMs = ref(5000)

  function keep(sessionId: string, sample: ClusterSample): void {
    samples.value.set(sessionId, sample)
    triggerRef(samples)
  }

  async function watch(sessionId: string): Promise<void> {
    const req: ClusterWatchRequest = { hidden: hidden.value, intervalMs: intervalMs.value }
    keep(sessionId, await call('cluster:watch', sessionId, req))
  }

  async function unwatch(sessionId: string): Promise<void> {
    await call('cluster:unwatch', sessionId)
  }

  /** Opens `node` through the session's node and shows it. */
  async function open(sessionId: string, node: string): Promise<SessionInfo> {
    const info = await call('cluster:open', sessionId, node)
    await useSessionsStore().adopt(info)
    return info
  }

  on('cluster:sample', ({ sessionId, sample }) => keep(sessionId, sample))

  return { samples, hidden, intervalMs, watch, unwatch, open }
})

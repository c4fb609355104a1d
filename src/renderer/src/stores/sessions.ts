import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import type { ConnectRequest, MemorySample, SessionInfo } from '@shared/contract/node'
import { call, on } from '@renderer/api'
import { useLiveCacheStore } from './live-cache'

/** The renderer keeps at most this many samples per session for charts (24 h at 1 s). */
const MAX_SAMPLES = 86_400

/** Live sessions, the one shown in the workspace, and each session's memory history. */
export const useSessionsStore = defineStore('sessions', () => {
  const sessions = ref<SessionInfo[]>([])
  const activeId = ref<string | null>(null)
  const history = shallowRef(new Map<string, MemorySample[]>())
  /** Reconnect attempts so far, per session, while it is away. */
  const retries = ref<Record<string, { attempt: number }>>({})

  const active = computed(() => sessions.value.find((s) => s.sessionId === activeId.value) ?? null)
  const activeHistory = computed(() => (activeId.value ? (history.value.get(activeId.value) ?? []) : []))

  function upsert(info: SessionInfo): void {
    const i = sessions.value.findIndex((s) => s.sessionId === info.sessionId)
    if (i >= 0) sessions.value[i] = info
    else sessions.value.push(info)
  }

  async function connect(req: ConnectRequest): Promise<SessionInfo> {
    return adopt(await call('node:connect', req))
  }

  /** Shows a session main opened (by node:connect, or a cluster member through its entry). */
  async function adopt(info: SessionInfo): Promise<SessionInfo> {
    upsert(info)
    activeId.value = info.sessionId
    history.value.set(info.sessionId, await call('node:memory-history', info.sessionId))
    triggerRef(history)
    return info
  }

  async function disconnect(sessionId: string): Promise<void> {
    await call('node:disconnect', sessionId)
    sessions.value = sessions.value.filter((s) => s.sessionId !== sessionId)
    history.value.delete(sessionId)
    triggerRef(history)
    useLiveCacheStore().forget(sessionId)
    if (activeId.value === sessionId) activeId.value = sessions.value[0]?.sessionId ?? null
  }

  /** The active session is not connected (its views show what they last read). */
  const offline = computed(() => active.value !== null && active.value.state !== 'connected')

  function select(sessionId: string): void {
    activeId.value = sessionId
  }

  function sessionFor(node: string): SessionInfo | undefined {
    return sessions.value.find((s) => s.node === node && !s.through && s.state !== 'closed')
  }

  on('node:sample', ({ sessionId, sample }) => {
    const samples = history.value.get(sessionId)
    if (!samples) return
    const next =
      samples.length >= MAX_SAMPLES ? samples.slice(samples.length - MAX_SAMPLES + 1) : samples.slice()
    next.push(sample)
    history.value.set(sessionId, next)
    const s = sessions.value.find((x) => x.sessionId === sessionId)
    if (s) s.rttMs = sample.rttMs
    triggerRef(history)
  })

  on('node:status', (event) => {
    const s = sessions.value.find((x) => x.sessionId === event.sessionId)
    if (!s) return
    s.state = event.state
    // a round trip measured before a loss says nothing about the link now
    if (event.state === 'connected' && event.rttMs !== undefined) s.rttMs = event.rttMs
    else if (event.state !== 'connected') s.rttMs = undefined
    s.error = event.state === 'connected' ? undefined : event.error
    s.lostAt = event.state === 'reconnecting' ? (event.lostAt ?? s.lostAt ?? Date.now()) : undefined
    if (event.incarnation !== undefined) s.incarnation = event.incarnation
    if (event.attempt !== undefined) retries.value[event.sessionId] = { attempt: event.attempt }
    if (event.state === 'connected') {
      void call('node:memory-history', event.sessionId).then((samples) => {
        history.value.set(event.sessionId, samples)
        triggerRef(history)
      })
    }
  })

  return {
    sessions,
    activeId,
    active,
    activeHistory,
    history,
    connect,
    adopt,
    disconnect,
    select,
    sessionFor,
    offline,
    retries
  }
})

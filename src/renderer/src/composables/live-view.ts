import { useLatestRequest } from '@renderer/composables/latest-request'
import { useLiveCacheStore, type SessionViews } from '@renderer/stores/live-cache'
import { useSessionsStore } from '@renderer/stores/sessions'

type Viewed<K extends keyof SessionViews> = NonNullable<SessionViews[K]>

/**
 * Loads one live view's data for the active session: from the node while it is connected (only
 * the newest request lands), else the data last read (also when the view is opened again), which
 * the stale banner dates. `show` gets each value, `fresh` when it came from the node just now.
 */
export function useLiveView<K extends keyof SessionViews>(
  key: K,
  fetch: (sessionId: string) => Promise<Viewed<K>>,
  show: (value: Viewed<K>, fresh: boolean) => void
) {
  const sessions = useSessionsStore()
  const cache = useLiveCacheStore()
  const { loading, error, run, stop } = useLatestRequest()

  async function load(): Promise<void> {
    const id = sessions.activeId
    if (!id) return
    if (sessions.active?.state !== 'connected') {
      const seen = cache.seen(id, key)
      if (seen) show(seen, false)
      stop(null)
      return
    }
    await run(async (isCurrent) => {
      const value = await fetch(id)
      if (!isCurrent()) return
      show(value, true)
      cache.keep(id, key, value)
    })
  }

  return { loading, error, load }
}

import { onBeforeUnmount, ref, watch, type WatchSource } from 'vue'
import { errorMessage } from '@renderer/api'

/**
 * Loads where only the newest request may update the view: a slower, older answer (a previous
 * sort or filter) is dropped. `run(work)` gives `work` an `isCurrent()` to check after each await.
 */
export function useLatestRequest() {
  const loading = ref(false)
  const error = ref<string | null>(null)
  let generation = 0

  async function run(work: (isCurrent: () => boolean) => Promise<void>): Promise<void> {
    const mine = ++generation
    const isCurrent = (): boolean => mine === generation
    loading.value = true
    error.value = null
    try {
      await work(isCurrent)
    } catch (e) {
      if (isCurrent()) error.value = errorMessage(e)
    } finally {
      if (isCurrent()) loading.value = false
    }
  }

  /** Drops whatever is in flight and shows `message` instead. */
  function stop(message: string | null): void {
    generation++
    loading.value = false
    error.value = message
  }

  return { loading, error, run, stop }
}

/** Calls `fn` once `source` has stopped changing for `ms` (typing in a filter box). */
export function watchDebounced(source: WatchSource, fn: () => void, ms = 250): void {
  let timer: ReturnType<typeof setTimeout> | null = null
  watch(source, () => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(fn, ms)
  })
  onBeforeUnmount(() => {
    if (timer) clearTimeout(timer)
  })
}

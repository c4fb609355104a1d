import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { DumpOpened, DumpProgress, RecentDump } from '@shared/contract/dump'
import { ApiError, call, errorMessage, on } from '@renderer/api'
import { useUiStore } from './ui'

/** A dump in the sidebar: being indexed, open, or failed to open. */
export interface OpenDump {
  /** Local key (the backend's dumpId is only known once the first progress event arrives). */
  key: string
  path: string
  name: string
  dumpId: string | null
  state: 'indexing' | 'open' | 'failed'
  bytesRead: number
  totalBytes: number
  /** Bytes per second while indexing. */
  rate: number
  startedAt: number
  opened: DumpOpened | null
  error: string | null
}

export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path
}

/** Open crash dumps (with indexing progress), the active one, and recent files. */
export const useDumpsStore = defineStore('dumps', () => {
  const dumps = ref<OpenDump[]>([])
  const activeKey = ref<string | null>(null)
  const recent = ref<RecentDump[]>([])
  let seq = 0

  const active = computed(() => dumps.value.find((d) => d.key === activeKey.value) ?? null)
  /** The status-bar error this store last reported; cleared once a dump opens or the failed one goes. */
  let reported: string | null = null

  function clearReported(): void {
    const ui = useUiStore()
    if (reported !== null && ui.lastError === reported) ui.reportError(null)
    reported = null
  }

  function find(key: string): OpenDump | undefined {
    return dumps.value.find((d) => d.key === key)
  }

  function onProgress(p: DumpProgress): void {
    const d =
      dumps.value.find((x) => x.dumpId === p.dumpId) ??
      dumps.value.find((x) => x.dumpId === null && x.state === 'indexing' && x.path === p.path)
    if (!d) return
    d.dumpId = p.dumpId
    d.totalBytes = p.totalBytes || d.totalBytes
    if (p.phase !== 'indexing') return
    d.bytesRead = p.bytesRead
    const seconds = (performance.now() - d.startedAt) / 1000
    if (seconds > 0.05) d.rate = p.bytesRead / seconds
  }

  async function loadRecent(): Promise<void> {
    try {
      recent.value = await call('dump:recent')
    } catch {
      recent.value = []
    }
  }

  /** Opens (or shows, when already open) the dump at `path`. */
  async function open(path: string): Promise<void> {
    const ui = useUiStore()
    ui.showTab('dump')
    const existing = dumps.value.find((d) => d.path === path && d.state !== 'failed')
    if (existing) {
      activeKey.value = existing.key
      return
    }
    dumps.value = dumps.value.filter((d) => !(d.path === path && d.state === 'failed'))
    const key = `local-${++seq}`
    dumps.value.push({
      key,
      path,
      name: baseName(path),
      dumpId: null,
      state: 'indexing',
      bytesRead: 0,
      totalBytes: 0,
      rate: 0,
      startedAt: performance.now(),
      opened: null,
      error: null
    })
    activeKey.value = key
    try {
      const opened = await call('dump:open', path)
      const d = find(key)
      if (!d) {
        // closed while indexing finished
        await call('dump:close', opened.dumpId).catch(() => undefined)
        return
      }
      clearReported()
      Object.assign(d, {
        opened,
        dumpId: opened.dumpId,
        state: 'open',
        bytesRead: opened.size,
        totalBytes: opened.size
      })
      void loadRecent()
    } catch (error) {
      const d = find(key)
      if (!d) return
      if (error instanceof ApiError && error.code === 'dump_cancelled') {
        remove(key)
        return
      }
      d.state = 'failed'
      // the full path is shown once above the error (and as the item's title): name the file by its name
      d.error = errorMessage(error).split(path).join(d.name)
      reported = d.error.includes(d.name) ? d.error : `Could not open ${d.name}: ${d.error}`
      ui.reportError(reported)
    }
  }

  function remove(key: string): void {
    const index = dumps.value.findIndex((d) => d.key === key)
    if (index < 0) return
    if (dumps.value[index].state === 'failed') clearReported()
    dumps.value.splice(index, 1)
    if (activeKey.value === key)
      activeKey.value = dumps.value[Math.min(index, dumps.value.length - 1)]?.key ?? null
  }

  async function cancel(key: string): Promise<void> {
    const d = find(key)
    if (!d?.dumpId || d.state !== 'indexing') return
    await call('dump:cancel', d.dumpId).catch(() => undefined)
  }

  async function close(key: string): Promise<void> {
    const d = find(key)
    if (!d) return
    remove(key)
    if (d.dumpId && d.state !== 'failed') await call('dump:close', d.dumpId).catch(() => undefined)
  }

  function select(key: string): void {
    activeKey.value = key
    useUiStore().showTab('dump')
  }

  /** Subscribes to progress, restores dumps open in main (after a reload), loads recent files. */
  function start(): () => void {
    const off = on('dump:progress', onProgress)
    void call('dump:list')
      .then((list) => {
        for (const o of list) {
          if (dumps.value.some((d) => d.dumpId === o.dumpId)) continue
          dumps.value.push({
            key: `local-${++seq}`,
            path: o.path,
            name: baseName(o.path),
            dumpId: o.dumpId,
            state: 'open',
            bytesRead: o.size,
            totalBytes: o.size,
            rate: 0,
            startedAt: 0,
            opened: o,
            error: null
          })
        }
        activeKey.value ??= dumps.value[0]?.key ?? null
      })
      .catch(() => undefined)
    void loadRecent()
    return off
  }

  return { dumps, activeKey, active, recent, open, cancel, close, select, start, loadRecent }
})

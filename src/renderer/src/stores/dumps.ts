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
  /** While indexing: decompressing a compressed file first (bytes are compressed bytes), or reading. */
  phase: 'decompressing' | 'indexing'
  /** The sample dump shipped with erlscope (main knows its path). */
  sample: boolean
  /** Bumped by a refresh: views keyed on it read the dump again. */
  revision: number
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
      dumps.value.find(
        (x) =>
          x.dumpId === null && x.state === 'indexing' && (x.path === p.path || (x.sample && x.path === ''))
      )
    if (!d) return
    d.dumpId = p.dumpId
    if (p.phase !== 'indexing' && p.phase !== 'decompressing') return
    if (p.phase !== d.phase) {
      d.phase = p.phase
      d.startedAt = performance.now()
      d.rate = 0
    }
    d.totalBytes = p.totalBytes || d.totalBytes
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
    await openWith(path, false, () => call('dump:open', path))
  }

  /** Opens the sample dump that ships with erlscope: main resolves it, the window never names a path. */
  async function openSample(): Promise<void> {
    await openWith('', true, () => call('dump:open-sample'))
  }

  async function openWith(path: string, sample: boolean, invoke: () => Promise<DumpOpened>): Promise<void> {
    const ui = useUiStore()
    ui.showTab('dump')
    const same = (d: OpenDump): boolean => (sample ? d.sample : !d.sample && d.path === path)
    const existing = dumps.value.find((d) => same(d) && d.state !== 'failed')
    if (existing) {
      activeKey.value = existing.key
      return
    }
    dumps.value = dumps.value.filter((d) => !(same(d) && d.state === 'failed'))
    const key = `local-${++seq}`
    dumps.value.push({
      key,
      path,
      name: sample ? 'sample dump' : baseName(path),
      dumpId: null,
      state: 'indexing',
      phase: 'indexing',
      sample,
      revision: 0,
      bytesRead: 0,
      totalBytes: 0,
      rate: 0,
      startedAt: performance.now(),
      opened: null,
      error: null
    })
    activeKey.value = key
    try {
      const opened = await invoke()
      const d = find(key)
      if (!d) {
        // closed while indexing finished
        await call('dump:close', opened.dumpId).catch(() => undefined)
        return
      }
      clearReported()
      Object.assign(d, {
        opened,
        path: opened.path,
        name: baseName(opened.path),
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
      d.error = path ? errorMessage(error).split(path).join(d.name) : errorMessage(error)
      reported = d.error.includes(d.name) ? d.error : `Could not open ${d.name}: ${d.error}`
      ui.reportError(reported)
    }
  }

  /** Reads an open dump again (one still being written); its views reload. */
  async function refresh(key: string): Promise<void> {
    const d = find(key)
    if (!d?.dumpId || d.state !== 'open') return
    const before = d.opened
    Object.assign(d, {
      state: 'indexing',
      phase: 'indexing',
      bytesRead: 0,
      rate: 0,
      startedAt: performance.now()
    })
    try {
      const opened = await call('dump:refresh', d.dumpId)
      Object.assign(d, { opened, state: 'open', bytesRead: opened.size, totalBytes: opened.size })
    } catch (error) {
      Object.assign(d, { opened: before, state: 'open' })
      if (!(error instanceof ApiError && error.code === 'dump_cancelled'))
        useUiStore().reportError(`Could not refresh ${d.name}: ${errorMessage(error)}`)
    }
    d.revision++
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
            phase: 'indexing',
            sample: false,
            revision: 0,
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

  return {
    dumps,
    activeKey,
    active,
    recent,
    open,
    openSample,
    refresh,
    cancel,
    close,
    select,
    start,
    loadRecent
  }
})

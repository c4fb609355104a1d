import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { EpmdNode, SaveConnectionInput, SavedConnection } from '@shared/contract/node'
import { call, errorMessage, on } from '@renderer/api'

/** Saved connections (never their cookies) and the nodes the local EPMD knows. */
export const useConnectionsStore = defineStore('connections', () => {
  const saved = ref<SavedConnection[]>([])
  const epmd = ref<EpmdNode[]>([])
  const epmdError = ref<string | null>(null)
  const defaultCookiePresent = ref(false)

  async function refresh(): Promise<void> {
    saved.value = await call('connections:list')
    defaultCookiePresent.value = (await call('cookie:default')).present
  }

  async function refreshEpmd(): Promise<void> {
    try {
      epmd.value = await call('epmd:names')
      epmdError.value = null
    } catch (error) {
      epmd.value = []
      epmdError.value = errorMessage(error)
    }
  }

  async function save(input: SaveConnectionInput): Promise<SavedConnection> {
    const connection = await call('connections:save', input)
    saved.value = await call('connections:list')
    return connection
  }

  async function remove(id: string): Promise<void> {
    await call('connections:delete', id)
    saved.value = saved.value.filter((c) => c.id !== id)
  }

  async function move(id: string, delta: -1 | 1): Promise<void> {
    const ids = saved.value.map((c) => c.id)
    const from = ids.indexOf(id)
    const to = from + delta
    if (from < 0 || to < 0 || to >= ids.length) return
    ids.splice(to, 0, ...ids.splice(from, 1))
    saved.value = await call('connections:reorder', ids)
  }

  on('connections:changed', ({ connections }) => (saved.value = connections))

  return { saved, epmd, epmdError, defaultCookiePresent, refresh, refreshEpmd, save, remove, move }
})

import { contextBridge, ipcRenderer, webUtils } from 'electron'
import type { Bridge, Channel, EventChannel, Events } from '../shared/api'
import { BRIDGE_KEY, DROPPED_PATH_CHANNEL, eventChannels, requestChannels } from '../shared/api'

const request = Object.fromEntries(
  requestChannels.map((channel: Channel) => [
    channel,
    (...args: unknown[]) => ipcRenderer.invoke(channel, ...args)
  ])
) as Bridge['request']

const bridge: Bridge = {
  request: Object.freeze(request),
  on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void {
    if (!eventChannels.includes(event)) throw new Error(`Unknown event channel '${String(event)}'`)
    const wrapped = (_e: unknown, payload: Events[E]): void => listener(payload)
    ipcRenderer.on(event, wrapped)
    return () => {
      ipcRenderer.removeListener(event, wrapped)
    }
  },
  pathForFile: (file: File) => {
    const path = webUtils.getPathForFile(file)
    // sent before the renderer can ask dump:open for it: both go down the same ordered IPC pipe
    if (path !== '') ipcRenderer.send(DROPPED_PATH_CHANNEL, path)
    return path
  }
}

contextBridge.exposeInMainWorld(BRIDGE_KEY, Object.freeze(bridge))

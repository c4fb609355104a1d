import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import type { Channel, Handlers } from '../../shared/api'
import { requestChannels } from '../../shared/api'
import { dispatch } from './dispatch'

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean

/** Registers one request channel; the handler's type is the contract's, so drift does not compile. */
export function handle<K extends Channel>(
  ipcMain: IpcMain,
  channel: K,
  handlers: Handlers,
  isTrusted: SenderCheck
): void {
  ipcMain.handle(channel, (event, ...args: unknown[]) => {
    if (!isTrusted(event)) {
      return { ok: false, error: { code: 'invalid_request', message: 'Request from an untrusted frame.' } }
    }
    return dispatch(handlers, channel, args)
  })
}

export function bindHandlers(ipcMain: IpcMain, handlers: Handlers, isTrusted: SenderCheck): void {
  for (const channel of requestChannels) handle(ipcMain, channel, handlers, isTrusted)
}

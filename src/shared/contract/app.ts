export interface AppInfo {
  name: string
  version: string
  platform: string
  /** 'electron' inside the desktop app, 'browser-harness' when the renderer runs in a test browser. */
  host: 'electron' | 'browser-harness'
}

export interface AppApi {
  'app:info': () => AppInfo
}

export interface AppEvents {
  'app:error': { message: string }
}

export const appRequestChannels: Record<keyof AppApi, true> = { 'app:info': true }
export const appEventChannels: Record<keyof AppEvents, true> = { 'app:error': true }

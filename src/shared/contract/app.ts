export interface AppInfo {
  name: string
  version: string
  platform: string
  /** 'electron' inside the desktop app, 'browser-harness' when the renderer runs in a test browser. */
  host: 'electron' | 'browser-harness'
  /** This machine's short host name: what `erl -sname app` appends (`app@<shortHost>`). */
  shortHost: string
}

/** Links the app may open in the user's browser: a closed set, never a URL from the renderer. */
export type ExternalLink = 'erlang-memory-guide' | 'recon-docs' | 'crashdump-docs' | 'erlscope-repo'

export interface AppApi {
  'app:info': () => AppInfo
  /** Shows the native file picker for a crash dump; null when cancelled (or no native picker). */
  'app:pick-dump': () => string | null
  'app:open-link': (link: ExternalLink) => void
}

export interface AppEvents {
  /** Main asks the renderer to open a dump (File > Open, a path on the command line). */
  'app:open-dump': { path: string }
  /** Main asks the renderer to show a view (menu items). */
  'app:show': { view: 'connect' | 'open-dump' }
}

export const appRequestChannels: Record<keyof AppApi, true> = {
  'app:info': true,
  'app:pick-dump': true,
  'app:open-link': true
}
export const appEventChannels: Record<keyof AppEvents, true> = { 'app:open-dump': true, 'app:show': true }

import type { BrowserWindowConstructorOptions } from 'electron'

/** The renderer runs sandboxed, isolated, with no Node: everything goes through the preload bridge. */
export function windowOptions(
  preloadPath: string,
  dark: boolean,
  /** The app icon (resources/icon/icon.png, 512x512); macOS takes the bundle's icon instead. */
  iconPath?: string
): BrowserWindowConstructorOptions {
  return {
    ...(iconPath ? { icon: iconPath } : {}),
    width: 1440,
    height: 900,
    minWidth: 980,
    minHeight: 620,
    show: false,
    title: 'erlscope',
    backgroundColor: dark ? '#15171c' : '#f6f7f9',
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false
    }
  }
}

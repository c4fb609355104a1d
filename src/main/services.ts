import type { Emit, Handlers, HandlersOf } from '../shared/api'
import type { AppApi, AppInfo } from '../shared/contract/app'
import { AppError } from './app-error'
import type { SecretStore } from './store/secrets'
import { vettedUrl } from './external-links'
import { APP_VERSION } from './version'

/** What the host (Electron, or the browser test harness) gives the services. */
export interface ServiceEnv {
  host: AppInfo['host']
  emit: Emit
  userDataDir: string
  /** Encrypts saved cookies (Electron safeStorage); the harness passes a store of its own. */
  secrets: SecretStore
  /** Native file picker; absent where there is none. */
  pickDumpFile?: () => Promise<string | null>
  /** Opens a vetted https URL in the system browser; absent where there is none. */
  openExternal?: (url: string) => Promise<void>
}

export interface Services {
  handlers: Handlers
  dispose(): Promise<void>
}

function appHandlers(env: ServiceEnv): HandlersOf<AppApi> {
  return {
    'app:info': async () => ({
      name: 'erlscope',
      version: APP_VERSION,
      platform: process.platform,
      host: env.host
    }),
    'app:pick-dump': async () => (env.pickDumpFile ? env.pickDumpFile() : null),
    'app:open-link': async (link) => {
      const url = vettedUrl(link)
      if (!url) throw new AppError('invalid_request', `Unknown link '${String(link)}'.`)
      await env.openExternal?.(url)
    }
  }
}

/** Builds the one handler table that both Electron's ipcMain and the e2e harness serve. */
export function createServices(env: ServiceEnv): Services {
  const handlers: Handlers = {
    ...appHandlers(env)
  }
  return {
    handlers,
    async dispose() {}
  }
}

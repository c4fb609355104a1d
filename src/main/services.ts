import { join } from 'node:path'
import type { Emit, Handlers, HandlersOf } from '../shared/api'
import type { AppApi, AppInfo } from '../shared/contract/app'
import { AppError } from './app-error'
import type { AskUser } from './ask-user'
import { shortHostname } from './erldist/node-name'
import type { SecretStore } from './store/secrets'
import { createDumpHandlers } from './crashdump/handlers'
import { vettedUrl } from './external-links'
import { createNodeHandlers } from './node/handlers'
import type { RouteEnv } from './route/route'
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
  /** The built dump-indexer worker (out/main/dump-worker.js); absent: index in-process. */
  dumpWorkerPath?: string
  /**
   * Asks the user a yes/no question main must not take from the renderer (a native dialog in
   * Electron); absent: every question is answered no.
   */
  askUser?: AskUser
  /** Where routes read SSH_AUTH_SOCK and ~/.ssh (tests pass a home of their own); default this process's. */
  routeEnv?: RouteEnv
  /** The sample dump (default: resources/sample-dump/ of the app). */
  sampleDumpPath?: string
  /** Opens a vetted https URL in the system browser; absent where there is none. */
  openExternal?: (url: string) => Promise<void>
}

export interface Services {
  handlers: Handlers
  /**
   * Lets `dump:open` read a file main handed out outside the handler table: a file dropped on the
   * window (the preload's webUtils.getPathForFile), File > Open from the menu, the command line.
   */
  grantDumpPath(path: string): void
  dispose(): Promise<void>
}

function appHandlers(env: ServiceEnv, grantDumpPath: (path: string) => void): HandlersOf<AppApi> {
  return {
    'app:info': async () => ({
      name: 'erlscope',
      version: APP_VERSION,
      platform: process.platform,
      host: env.host,
      shortHost: shortHostname()
    }),
    'app:pick-dump': async () => {
      const path = env.pickDumpFile ? await env.pickDumpFile() : null
      if (path !== null) grantDumpPath(path)
      return path
    },
    'app:open-link': async (link) => {
      const url = vettedUrl(link)
      if (!url) throw new AppError('invalid_request', `Unknown link '${String(link)}'.`)
      await env.openExternal?.(url)
    }
  }
}

/** `resources/sample-dump/` of the app: src/main/ and the bundle's out/main/ both sit two levels down. */
export function defaultSampleDumpPath(): string | undefined {
  return typeof __dirname === 'string'
    ? join(__dirname, '../../resources/sample-dump/erl_crash.dump.xz')
    : undefined
}

/** Builds the one handler table that both Electron's ipcMain and the e2e harness serve. */
export function createServices(env: ServiceEnv): Services {
  const node = createNodeHandlers({
    emit: env.emit,
    userDataDir: env.userDataDir,
    secrets: env.secrets,
    askUser: env.askUser,
    routeEnv: env.routeEnv
  })
  const dump = createDumpHandlers({
    sampleDumpPath: env.sampleDumpPath ?? defaultSampleDumpPath(),
    emit: env.emit,
    userDataDir: env.userDataDir,
    workerPath: env.dumpWorkerPath
  })
  const handlers: Handlers = {
    ...appHandlers(env, dump.grantPath),
    ...node.handlers,
    ...dump.handlers
  }
  return {
    handlers,
    grantDumpPath: dump.grantPath,
    async dispose() {
      await Promise.allSettled([node.dispose(), dump.dispose()])
    }
  }
}

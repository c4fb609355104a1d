import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { Emit } from '../../src/shared/api'
import { BRIDGE_KEY, eventChannels, requestChannels } from '../../src/shared/api'
import { dispatch } from '../../src/main/ipc/dispatch'
import { createServices, type ServiceEnv, type Services } from '../../src/main/services'
import { serveFolder } from './static-server'
import { testSecretStore } from './test-secrets'

export const repoRoot = resolve(__dirname, '../..')
export const rendererDir = join(repoRoot, 'out/renderer')
export const screenshotDir = join(repoRoot, 'test-results/screenshots')
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export interface AppHarness {
  page: Page
  services: Services
  userDataDir: string
  /** Makes a file dropped with this name resolve to this path (what webUtils.getPathForFile does in Electron). */
  registerFilePath(name: string, path: string): Promise<void>
  /** Saves a PNG; throws when the renderer has thrown an uncaught exception since the last check. */
  screenshot(name: string): Promise<string>
  /**
   * Saves the window at 1440x900 as `name` and at 1024x640 as `name-1024x640` (after scrolling
   * `smallShows` into view, if given), then gives the window back the size it had.
   */
  screenshots(name: string, options?: { smallShows?: string }): Promise<{ large: string; small: string }>
  /** Stops the page and the services (keeps userDataDir unless told to remove it); throws when the renderer threw. */
  close(options?: { keepUserData?: boolean }): Promise<void>
}

export interface HarnessOptions {
  userDataDir?: string
  env?: Partial<ServiceEnv>
  viewport?: { width: number; height: number }
  colorScheme?: 'light' | 'dark'
}

let browser: Browser | null = null

async function sharedBrowser(): Promise<Browser> {
  browser ??= await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic'
    ]
  })
  return browser
}

export async function closeBrowser(): Promise<void> {
  await browser?.close()
  browser = null
}

/**
 * The built renderer in real Chromium, talking to the real main-process handler table through a
 * Playwright binding in place of the Electron preload: the page runs the same code as in the app.
 */
export async function openApp(options: HarnessOptions = {}): Promise<AppHarness> {
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`No built renderer at ${rendererDir}: run 'npm run build' first.`)
  }
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'erlscope-e2e-'))
  mkdirSync(userDataDir, { recursive: true })
  const server = await serveFolder(rendererDir)
  const context = await (
    await sharedBrowser()
  ).newContext({
    viewport: options.viewport ?? { width: 1440, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
    deviceScaleFactor: 1
  })
  const page = await context.newPage()
  // an exception in the renderer fails the test: at the next screenshot, or when the app closes
  const pageErrors: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message))
  const failOnPageErrors = (): void => {
    if (pageErrors.length === 0) return
    const errors = pageErrors.splice(0)
    throw new Error(`The renderer threw ${errors.length} uncaught exception(s):\n${errors.join('\n')}`)
  }

  const emit: Emit = (event, payload) => {
    void page
      .evaluate(
        ([e, p]) =>
          (window as unknown as { __erlscopeEmit(e: string, p: unknown): void }).__erlscopeEmit(e, p),
        [event, payload] as const
      )
      .catch(() => undefined)
  }
  const services = createServices({
    host: 'browser-harness',
    emit,
    userDataDir,
    secrets: testSecretStore(userDataDir),
    dumpWorkerPath: join(repoRoot, 'out/main/dump-worker.js'),
    ...options.env
  })
  await page.exposeBinding('__erlscopeInvoke', (_source, channel: unknown, args: unknown) =>
    dispatch(services.handlers, channel, args)
  )
  // what the Electron preload sends main for a dropped file (DROPPED_PATH_CHANNEL): the same grant
  await page.exposeBinding('__erlscopeDroppedPath', (_source, path: unknown) => {
    if (typeof path === 'string') services.grantDumpPath(path)
  })
  await page.addInitScript(
    ({ key, requests, events }) => {
      type Listener = (payload: unknown) => void
      const listeners = new Map<string, Set<Listener>>()
      const paths = new Map<string, string>()
      const w = window as unknown as Record<string, unknown> & {
        __erlscopeInvoke(channel: string, args: unknown[]): Promise<unknown>
        __erlscopeDroppedPath(path: string): Promise<void>
      }
      w.__erlscopeEmit = (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload))
      w.__erlscopeRegisterPath = (name: string, path: string) => paths.set(name, path)
      const request = Object.fromEntries(
        requests.map((channel) => [channel, (...args: unknown[]) => w.__erlscopeInvoke(channel, args)])
      )
      w[key] = Object.freeze({
        request: Object.freeze(request),
        on(event: string, listener: Listener) {
          if (!(events as string[]).includes(event)) throw new Error(`Unknown event channel '${event}'`)
          if (!listeners.has(event)) listeners.set(event, new Set())
          listeners.get(event)!.add(listener)
          return () => listeners.get(event)?.delete(listener)
        },
        // webUtils.getPathForFile: a path only for a file the test dropped, told to main at once
        pathForFile: (file: File) => {
          const path = paths.get(file.name) ?? ''
          if (path !== '') void w.__erlscopeDroppedPath(path)
          return path
        }
      })
    },
    { key: BRIDGE_KEY, requests: [...requestChannels], events: [...eventChannels] }
  )
  await page.goto(server.url)
  await page.waitForSelector('.shell')

  const harness: AppHarness = {
    page,
    services,
    userDataDir,
    async registerFilePath(name, path) {
      await page.evaluate(
        ([n, p]) =>
          (
            window as unknown as { __erlscopeRegisterPath(n: string, p: string): void }
          ).__erlscopeRegisterPath(n, p),
        [name, path] as const
      )
    },
    async screenshot(name) {
      failOnPageErrors()
      mkdirSync(screenshotDir, { recursive: true })
      const file = join(screenshotDir, `${name}.png`)
      await page.screenshot({ path: file })
      return file
    },
    async screenshots(name, { smallShows } = {}) {
      const size = page.viewportSize() ?? { width: 1440, height: 900 }
      const resize = async (width: number, height: number): Promise<void> => {
        await page.setViewportSize({ width, height })
        // let the layout and the charts settle at the new size
        await page.waitForTimeout(400)
      }
      await resize(1440, 900)
      const large = await harness.screenshot(name)
      await resize(1024, 640)
      if (smallShows) await page.locator(smallShows).first().scrollIntoViewIfNeeded()
      const small = await harness.screenshot(`${name}-1024x640`)
      await resize(size.width, size.height)
      return { large, small }
    },
    async close({ keepUserData = false } = {}) {
      try {
        await context.close()
        await services.dispose()
        await server.close()
        if (!keepUserData && !options.userDataDir) rmSync(userDataDir, { recursive: true, force: true })
      } finally {
        // the caller's afterAll stops at the throw: close the shared browser here so nothing leaks
        if (pageErrors.length > 0) await closeBrowser()
        failOnPageErrors()
      }
    }
  }
  return harness
}

/** Drops a real file on the page the way a user drags one from the file manager. */
export async function dropFile(
  h: AppHarness,
  path: string,
  name = path.split('/').pop() ?? 'erl_crash.dump'
): Promise<void> {
  await h.registerFilePath(name, path)
  const dataTransfer = await h.page.evaluateHandle((fileName) => {
    const dt = new DataTransfer()
    dt.items.add(new File(['(dropped file)'], fileName))
    return dt
  }, name)
  await h.page.dispatchEvent('main.workspace', 'dragenter', { dataTransfer })
  await h.page.dispatchEvent('main.workspace', 'dragover', { dataTransfer })
  await h.page.dispatchEvent('main.workspace', 'drop', { dataTransfer })
}

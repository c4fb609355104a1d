// Loads the project's TypeScript sources in a bench through Vite's SSR loader (no build needed).
import { createServer } from 'vite'

/** `const ts = await tsModules(); const { x } = await ts.load('/src/...ts'); ...; await ts.close()` */
export async function tsModules() {
  const vite = await createServer({
    root: new URL('..', import.meta.url).pathname,
    configFile: false,
    logLevel: 'error',
    appType: 'custom',
    server: { middlewareMode: true, hmr: false, ws: false },
    optimizeDeps: { noDiscovery: true, include: [] }
  })
  return { load: (path) => vite.ssrLoadModule(path), close: () => vite.close() }
}

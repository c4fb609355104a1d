import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

/**
 * What each supported Electron major runs, so the bundles target exactly that (electron-vite 6
 * knows majors up to 44 and would silently build Electron 45 for 44's Chromium and Node).
 * Chromium from electron-to-chromium; Node from Electron's release notes (lower bound of the line).
 * Bumping `electron` to a major that is not listed fails the build until a row is added here.
 */
const ELECTRON_RUNTIMES: Record<string, { chrome: string; node: string }> = {
  '45': { chrome: 'chrome156', node: 'node24.11' }
}
const electronVersion = (
  JSON.parse(readFileSync(resolve(__dirname, 'node_modules/electron/package.json'), 'utf8')) as {
    version: string
  }
).version
const runtime = ELECTRON_RUNTIMES[electronVersion.split('.')[0]]
if (!runtime)
  throw new Error(
    `electron ${electronVersion} is installed but electron.vite.config.ts has no build targets for it: add its Chromium and Node to ELECTRON_RUNTIMES.`
  )

/**
 * ssh2 tries two optional native addons (cpu-features, its own sshcrypto.node) inside try/catch
 * and falls back to Node's crypto. Bundled, they would be Linux binaries built for the system
 * Node's ABI; replace them with a module that throws, so every build uses the portable path.
 */
const NATIVE_OPTIONAL = /(^cpu-features$|sshcrypto\.node$)/
const noNativeAddons: Plugin = {
  name: 'erlscope-no-native-addons',
  enforce: 'pre',
  resolveId(id) {
    return NATIVE_OPTIONAL.test(id) ? `\0no-native:${id}` : null
  },
  load(id) {
    if (!id.startsWith('\0no-native:')) return null
    return `throw new Error(${JSON.stringify(`optional native addon left out of the bundle: ${id.slice(11)}`)})`
  }
}

const alias = {
  '@renderer': resolve(__dirname, 'src/renderer/src'),
  '@shared': resolve(__dirname, 'src/shared')
}

export default defineConfig({
  main: {
    resolve: { alias },
    plugins: [noNativeAddons],
    build: {
      target: runtime.node,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/main/cli/index.ts'),
          'dump-worker': resolve(__dirname, 'src/main/crashdump/worker.ts'),
          'dump-part-worker': resolve(__dirname, 'src/main/crashdump/part-worker.ts')
        }
      }
    }
  },
  preload: {
    resolve: { alias },
    build: {
      target: runtime.node,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    resolve: { alias },
    plugins: [vue()],
    build: {
      target: runtime.chrome,
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } }
    }
  }
})

/**
 * ssh2, loaded on first use: it takes a tenth of a second or more to load, which every
 * `erlscope` command (a dump report, too) would otherwise pay at start.
 */
import type * as Ssh2 from 'ssh2'

type Ssh2Module = typeof Ssh2

let loading: Promise<Ssh2Module> | null = null

export function ssh2Module(): Promise<Ssh2Module> {
  // ssh2 is CommonJS: its exports are the default export under Node's ESM loader, Vite's SSR
  // runner and the bundle alike
  loading ??= import('ssh2').then((m) => (m as unknown as { default?: Ssh2Module }).default ?? m)
  return loading
}

import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { eventChannels, requestChannels } from '../../src/shared/api'
import { repoRoot } from '../support/app-harness'

const outDir = join(repoRoot, 'out')
const preloadFile = join(outDir, 'preload/index.cjs')

interface BootRecord {
  windows: { webPreferences: Record<string, unknown> }[]
  handled: string[]
  listened: string[]
  loaded: { file?: string; url?: string }[]
  errors: string[]
  windowOpenHandler?: { action: string }
  menus: number
  senderChecks: Record<'app' | 'foreign' | 'lookalike' | 'noFrame', unknown>
}

describe('the built app (what only Electron would otherwise reveal)', () => {
  it('boots the built main process with secure window settings and every contract channel', () => {
    const recordFile = join(mkdtempSync(join(tmpdir(), 'erlscope-boot-')), 'record.json')
    const run = spawnSync(
      process.execPath,
      ['-r', join(repoRoot, 'test/support/electron-standin.cjs'), join(outDir, 'main/index.js')],
      {
        env: { ...process.env, ERLSCOPE_BOOT_RECORD: recordFile, ELECTRON_RENDERER_URL: '' },
        timeout: 20_000
      }
    )
    expect(run.status, run.stderr.toString()).toBe(0)
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as BootRecord
    expect(record.errors).toEqual([])
    expect(record.windows).toHaveLength(1)
    const prefs = record.windows[0].webPreferences
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true
    })
    expect(prefs.preload).toBe(preloadFile)
    // the window icon: the 512x512 PNG rendered from resources/icon/icon.svg
    const icon = String((record.windows[0] as { icon?: string }).icon)
    expect(icon).toBe(join(repoRoot, 'resources/icon/icon.png'))
    const png = readFileSync(icon)
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512])
    expect(existsSync(String(prefs.preload))).toBe(true)
    expect([...record.handled].sort()).toEqual([...requestChannels].sort())
    // the preload's report of a dropped file's path, heard apart from the bridge's channels
    expect(record.listened).toEqual(['app:dropped-path'])
    expect(record.windowOpenHandler).toEqual({ action: 'deny' })
    expect(record.loaded[0].file).toBe(join(outDir, 'renderer/index.html'))
    expect(existsSync(record.loaded[0].file!)).toBe(true)
    expect(record.menus).toBe(1)
    // main's sender check, run through the handler it registered: only the app's own page is served
    const refused = {
      ok: false,
      error: { code: 'invalid_request', message: 'Request from an untrusted frame.' }
    }
    expect(record.senderChecks.app).toEqual({ ok: true, value: [] })
    expect(record.senderChecks.foreign).toEqual(refused)
    expect(record.senderChecks.lookalike).toEqual(refused)
    expect(record.senderChecks.noFrame).toEqual(refused)
  })

  it('emits a sandbox-loadable preload: one CommonJS file that requires only electron', () => {
    const source = readFileSync(preloadFile, 'utf8')
    expect(source).not.toMatch(/^\s*import\s/m)
    expect(source).not.toMatch(/\bimport\(/)
    const required = [...source.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1])
    expect(new Set(required)).toEqual(new Set(['electron']))

    let exposed: { key: string; api: Record<string, unknown> } | null = null
    const invoked: unknown[][] = []
    const sent: unknown[][] = []
    const electron = {
      contextBridge: {
        exposeInMainWorld: (key: string, api: Record<string, unknown>) => (exposed = { key, api })
      },
      ipcRenderer: {
        invoke: (...a: unknown[]) => (invoked.push(a), Promise.resolve()),
        send: (...a: unknown[]) => sent.push(a),
        on() {},
        removeListener() {}
      },
      webUtils: { getPathForFile: (f: { real?: boolean }) => (f.real ? '/dropped/x.dump' : '') }
    }
    const module = { exports: {} }
    runInNewContext(source, {
      require: (name: string) => {
        if (name !== 'electron') throw new Error(`preload required ${name}`)
        return electron
      },
      module,
      exports: module.exports
    })
    expect(exposed).not.toBeNull()
    const { key, api } = exposed!
    expect(key).toBe('erlscope')
    expect(Object.isFrozen(api)).toBe(true)
    expect(Object.keys(api).sort()).toEqual(['on', 'pathForFile', 'request'])
    const request = api.request as Record<string, (...a: unknown[]) => unknown>
    expect(Object.isFrozen(request)).toBe(true)
    expect(Object.keys(request).sort()).toEqual([...requestChannels].sort())
    void request['app:info']()
    expect(invoked).toEqual([['app:info']])
    // a dropped file's path goes to main (which lets dump:open read it) off the bridge; a File
    // the page made up has no path, so nothing is sent for it
    const pathForFile = api.pathForFile as (f: unknown) => string
    expect(pathForFile({ real: true })).toBe('/dropped/x.dump')
    expect(pathForFile({})).toBe('')
    expect(sent).toEqual([['app:dropped-path', '/dropped/x.dump']])
    expect(Object.keys(request)).not.toContain('app:dropped-path')
    expect(() => (api.on as (e: string, f: () => void) => void)('not-a-channel', () => {})).toThrow()
    expect(eventChannels.length).toBeGreaterThan(0)
  })

  it('ships a renderer with a strict Content-Security-Policy', () => {
    const html = readFileSync(join(outDir, 'renderer/index.html'), 'utf8')
    const csp = /Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? ''
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("object-src 'none'")
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).not.toMatch(/https?:/)
    expect(html).not.toMatch(/<script(?![^>]*type="module"[^>]*src="\.\/)/)
  })

  it('has a CLI that runs under plain Node without Electron', () => {
    const cli = join(outDir, 'main/cli.js')
    const seen = new Set<string>()
    const visit = (file: string): void => {
      if (seen.has(file)) return
      seen.add(file)
      const src = readFileSync(file, 'utf8')
      expect(src, `${file} must not load electron`).not.toMatch(/require\(["']electron["']\)/)
      for (const m of src.matchAll(/require\(["'](\.{1,2}\/[^"']+)["']\)/g)) visit(join(dirname(file), m[1]))
    }
    visit(cli)
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
    const version = execFileSync(join(repoRoot, 'bin/erlscope'), ['--version'], { encoding: 'utf8' }).trim()
    expect(version).toBe(pkg.version)
    const help = execFileSync(join(repoRoot, 'bin/erlscope'), ['--help'], { encoding: 'utf8' })
    expect(help).toContain('Usage:')
    expect(readdirSync(join(outDir, 'main'))).toContain('dump-worker.js')
    // the CLI indexes big dumps on threads running this script, which must not load electron either
    expect(readdirSync(join(outDir, 'main'))).toContain('dump-part-worker.js')
    visit(join(outDir, 'main', 'dump-part-worker.js'))
  })
})

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, dropFile, openApp } from '../support/app-harness'
import { writeDump } from '../support/dump-writer'

/** A real dump whose bytes were edited: a negative Stack+heap and one process written twice. */
describe('a damaged dump in the GUI (real erl dump, edited bytes, real Chromium)', () => {
  let dir: string
  let damaged: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'erlscope-e2e-damaged-'))
    const { dump } = await writeDump(dir, 'sound', 'erlang:halt("damaged on purpose")')
    let text = readFileSync(dump, 'latin1')
    text = text.replace(/(=proc:<0\.1\.0>\n(?:[^=][^\n]*\n)*?Stack\+heap: )(\d+)/, '$1-$2')
    const start = text.indexOf('=proc:<0.2.0>\n')
    const end = text.indexOf('\n=', start + 1) + 1
    text = text.slice(0, end) + text.slice(start, end) + text.slice(end)
    damaged = join(dir, 'damaged.dump')
    writeFileSync(damaged, text, 'latin1')
  })
  afterAll(async () => {
    await closeBrowser()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  for (const viewport of [
    { width: 1024, height: 640 },
    { width: 1440, height: 900 }
  ])
    it(`says what a real VM never writes, in a banner above the summary (${viewport.width}x${viewport.height})`, async () => {
      const app = await openApp({ viewport })
      try {
        await dropFile(app, damaged)
        const banner = app.page.locator('[data-testid=warning-banner]')
        await banner.waitFor()
        const text = await banner.innerText()
        expect(text).toMatch(/Damaged dump/)
        expect(text).toMatch(/negative “Stack\+heap” \(<0\.1\.0>\)/)
        expect(text).toMatch(/more than one =proc section \(<0\.2\.0>\)/)
        expect(await app.page.locator('[data-testid=truncation-banner]').count()).toBe(0)
        expect(await app.page.locator('[data-testid=slogan]').innerText()).toBe('damaged on purpose')
        await app.screenshot(`dump-damaged-${viewport.width}x${viewport.height}`)
      } finally {
        await app.close()
      }
    })
})

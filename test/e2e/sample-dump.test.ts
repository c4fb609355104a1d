/**
 * A first-time user with no node and no dump: "Open the sample dump" in the empty state opens the
 * xz-compressed dump shipped in resources/ (written by a real erl; see its make script) and the
 * summary names the planted culprits.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, openApp, repoRoot, type AppHarness } from '../support/app-harness'

const SAMPLE = join(repoRoot, 'resources/sample-dump/erl_crash.dump.xz')

describe('the sample dump (empty state button, real Chromium)', () => {
  let app: AppHarness

  beforeAll(async () => {
    app = await openApp({ viewport: { width: 1024, height: 640 } })
  })
  afterAll(async () => {
    await app?.close()
    await closeBrowser()
  })

  it('ships the sample dump', () => {
    expect(existsSync(SAMPLE)).toBe(true)
  })

  it('opens the sample from the empty state and shows the planted culprits', async () => {
    const { page } = app
    await page.click('.main-tabs [data-tab=dump]')
    const button = page.locator('[data-action=open-sample-dump]')
    await button.waitFor()
    await app.screenshot('sample-dump-empty-state-1024')
    await page.setViewportSize({ width: 1440, height: 900 })
    await app.screenshot('sample-dump-empty-state-1440')
    await button.click()
    await page.waitForSelector('[data-testid=slogan]', { timeout: 60_000 })
    expect(await page.locator('[data-testid=slogan]').innerText()).toMatch(
      /^shop: order_queue stopped taking orders/
    )
    const summary = page.locator('[data-testid=dump-summary]')
    await expect
      .poll(() => summary.locator('[data-top=mailbox] tbody tr').first().innerText())
      .toContain('order_queue')
    expect(await summary.locator('[data-top=mailbox] tbody tr').first().innerText()).toContain('20,000')
    const text = await summary.innerText()
    expect(text).toContain('session_cache')
    expect(text).toMatch(/ETS takes \d+ % of memory; the largest table is session_cache/)
    expect(await page.locator('[data-testid=dump-compression]').innerText()).toContain('xz-compressed')
    await expect
      .poll(() => page.locator('[data-testid=dump-list] .item.active').innerText())
      .toContain('erl_crash.dump.xz')
    await app.screenshot('sample-dump-summary-1440')
    await page.setViewportSize({ width: 1024, height: 640 })
    await app.screenshot('sample-dump-summary-1024')

    // the binary holder: its process sheet has the binary virtual heap the dump records
    await page.click('[data-testid=dump-tabs] [data-tab=processes]')
    const table = page.locator('[data-testid=dump-processes]')
    await table.locator('.row').first().waitFor()
    await page.locator('[data-testid=process-filter]').fill('image_resizer')
    await expect.poll(() => table.locator('.row').first().innerText()).toContain('image_resizer')
    await table.locator('.row').first().click()
    const drawer = page.locator('[data-testid=process-drawer]')
    await expect.poll(() => drawer.locator('.title').innerText()).toBe('image_resizer')
    expect(await drawer.innerText()).toMatch(/BinVHeap/)
    await app.screenshot('sample-dump-binary-holder-1024')
  })
})

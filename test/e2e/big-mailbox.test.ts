/**
 * A dump with a 200,000-message queue and 6,000 other processes, written by a real `erl`, in the
 * built renderer (real Chromium): the process table loads pages as it scrolls and keeps only a
 * few; the mailbox opens on its first page, pages on, jumps to the last page and to a message
 * number, and says where it is.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, dropFile, openApp, type AppHarness } from '../support/app-harness'
import { writeDump, type Generated } from '../support/dump-writer'

const COUNT = 200_000
const SCENARIO = `
  Box = spawn(fun() -> receive never -> ok end end),
  register(big_mailbox, Box),
  [Box ! {msg, N} || N <- lists:seq(1, ${COUNT})],
  _Idle = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, 6000)],
  timer:sleep(200),
  ok = file:write_file(Expected, pid_to_list(Box)),
  erlang:halt("erlscope e2e: big mailbox")
`

describe('a 200,000-message queue in the GUI (real erl dump, real Chromium)', () => {
  let app: AppHarness
  let dir: string
  let gen: Generated

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'erlscope-e2e-mailbox-'))
    gen = await writeDump(dir, 'mailbox', SCENARIO)
    app = await openApp({ viewport: { width: 1440, height: 900 } })
  }, 240_000)
  afterAll(async () => {
    await app?.close()
    await closeBrowser()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('scrolls the process table page by page without holding every row', async () => {
    const { page } = app
    await dropFile(app, gen.dump)
    await page.waitForSelector('[data-testid=slogan]', { timeout: 120_000 })
    await page.click('[data-testid=dump-tabs] [data-tab=processes]')
    const table = page.locator('[data-testid=dump-processes]')
    await table.locator('.row').first().waitFor({ timeout: 60_000 })
    const position = table.locator('[data-testid=process-position]')
    await expect.poll(() => position.innerText()).toMatch(/^Rows 1–\d+ of 6,0\d\d processes/)
    const total = Number(/of ([\d,]+) processes/.exec(await position.innerText())?.[1].replace(/,/g, ''))
    // to the end: the last rows arrive from main, the placeholders go
    await table.locator('.viewport').evaluate((el) => (el.scrollTop = el.scrollHeight))
    await expect
      .poll(() => position.innerText())
      .toMatch(new RegExp(`^Rows [\\d,]+–${total.toLocaleString('en-US')} of`))
    await expect.poll(() => table.locator('.pending').count(), { timeout: 30_000 }).toBe(0)
    const last = await table.locator('.row').last().getAttribute('data-index')
    expect(Number(last)).toBe(total - 1)
    // the middle, then back: pages come and go, a bounded number stays
    await table.locator('.viewport').evaluate((el) => (el.scrollTop = el.scrollHeight / 2))
    await expect.poll(() => table.locator('.pending').count(), { timeout: 30_000 }).toBe(0)
    await table.locator('.viewport').evaluate((el) => (el.scrollTop = 0))
    await expect.poll(() => table.locator('.pending').count(), { timeout: 30_000 }).toBe(0)
    const held = Number(await table.locator('.vtable').getAttribute('data-loaded-rows'))
    expect(held).toBeGreaterThan(0)
    expect(held).toBeLessThan(total / 2)
    await app.screenshot('dump-processes-paged')
  }, 180_000)

  it('opens the big mailbox on its first page and pages on', async () => {
    const { page } = app
    const table = page.locator('[data-testid=dump-processes]')
    await table.locator('[data-col=messageQueueLength]').click()
    await expect.poll(() => table.locator('.row').first().innerText()).toContain('big_mailbox')
    await table.locator('.row').first().click()
    const drawer = page.locator('[data-testid=process-drawer]')
    await expect.poll(() => drawer.locator('.title').innerText()).toBe('big_mailbox')
    await drawer.locator('[data-tab=messages]').click()
    const items = drawer.locator('[data-testid=messages] ol.terms > li')
    const first = async (): Promise<string> => (await items.first().innerText()).trim()
    const where = drawer.locator('[data-testid=messages-count]')
    await expect.poll(first, { timeout: 60_000 }).toBe('{msg,1}')
    expect(await items.count()).toBe(100)
    expect(await where.innerText()).toMatch(/Messages 1–100 of 200,000 · page 1 of 2,000/)
    await app.screenshot('dump-mailbox-first-page')

    await drawer.locator('[data-action=more-messages]').click()
    await expect.poll(first).toBe('{msg,101}')
    expect(await where.innerText()).toMatch(/Messages 101–200 of 200,000 · page 2 of 2,000/)

    await drawer.locator('[data-action=last-messages]').click()
    await expect.poll(first, { timeout: 60_000 }).toBe('{msg,199901}')
    expect((await items.last().innerText()).trim()).toBe('{msg,200000}')
    expect(await drawer.locator('ol.terms').getAttribute('start')).toBe('199901')
    expect(await where.innerText()).toMatch(/Messages 199,901–200,000 of 200,000 · page 2,000 of 2,000/)
    expect(await drawer.locator('[data-action=more-messages]').isDisabled()).toBe(true)

    // a message number, as a user reads it: the page holding it
    await drawer.locator('[data-testid=messages-jump]').fill('150,042')
    await drawer.locator('[data-testid=messages-jump]').press('Enter')
    await expect.poll(first, { timeout: 60_000 }).toBe('{msg,150001}')
    expect(await where.innerText()).toMatch(/Messages 150,001–150,100 of 200,000 · page 1,501 of 2,000/)
    // the message asked for is marked (and scrolled to)
    expect((await drawer.locator('ol.terms > li.mark').innerText()).trim()).toBe('{msg,150042}')
    expect(await drawer.locator('ol.terms > li.mark').count()).toBe(1)
    await app.screenshots('dump-mailbox-deep-page')

    await drawer.locator('[data-action=prev-messages]').click()
    await expect.poll(first).toBe('{msg,149901}')
    expect(await drawer.locator('ol.terms > li.mark').count()).toBe(0)
    await drawer.locator('[data-action=first-messages]').click()
    await expect.poll(first).toBe('{msg,1}')
    expect(readFileSync(gen.expected, 'utf8')).toMatch(/^<\d+\.\d+\.\d+>$/)
  }, 180_000)
})

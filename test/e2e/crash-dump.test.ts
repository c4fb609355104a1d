import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, dropFile, openApp, type AppHarness } from '../support/app-harness'
import { writeDump, type Generated } from '../support/dump-writer'

/** A registered process with a big mailbox of known messages, idle processes, ETS tables, a timer. */
const SCENARIO = `
  Box = spawn(fun() -> put(order_count, 2000), receive never -> ok end end),
  register(order_box, Box),
  [Box ! {order, N, <<"payload">>} || N <- lists:seq(1, 2000)],
  _Idle = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, 200)],
  Orders = ets:new(erlscope_orders, [named_table, public, set]),
  [ets:insert(Orders, {N, lists:duplicate(30, N)}) || N <- lists:seq(1, 3000)],
  {ok, _L} = gen_tcp:listen(0, [binary]),
  erlang:send_after(600000, Box, tick),
  timer:sleep(100),
  ok = file:write_file(Expected, pid_to_list(Box)),
  erlang:halt("testing erlscope")
`

const expectedMessage = (n: number): string => `{order,${n},<<"payload">>}`

describe('crash dumps in the GUI (real erl dump, real Chromium)', () => {
  let app: AppHarness
  let dir: string
  let full: Generated
  let cut: Generated

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'erlscope-e2e-dump-'))
    ;[full, cut] = await Promise.all([
      writeDump(dir, 'orders', SCENARIO),
      writeDump(dir, 'orders-cut', SCENARIO, { ERL_CRASH_DUMP_BYTES: '150000' })
    ])
    app = await openApp()
  })
  afterAll(async () => {
    await app?.close()
    await closeBrowser()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const dumpTab = (tab: string): string => `[data-testid=dump-tabs] [data-tab=${tab}]`

  it('drops a dump and shows the triage summary', async () => {
    const { page } = app
    await dropFile(app, full.dump)
    await page.waitForSelector('[data-testid=slogan]')
    expect(await page.locator('[data-testid=slogan]').innerText()).toBe('testing erlscope')
    await expect
      .poll(() => page.locator('[data-testid=dump-list] .item.active').innerText())
      .toContain('orders.dump')
    const summary = page.locator('[data-testid=dump-summary]')
    await expect
      .poll(() => summary.locator('[data-top=mailbox] tbody tr').first().innerText())
      .toContain('order_box')
    expect(await summary.locator('[data-top=mailbox] tbody tr').first().innerText()).toContain('2,000')
    expect(await summary.innerText()).toContain('erlscope_orders')
    await page.waitForSelector('[data-testid=dump-memory] canvas')
    await app.screenshot('dump-summary')
    await page.locator('[data-dump-tab=summary]').evaluate((el) => (el.scrollTop = el.scrollHeight))
    await app.screenshot('dump-summary-lower')
    await page.locator('[data-dump-tab=summary]').evaluate((el) => (el.scrollTop = 0))
  })

  it('sorts processes by mailbox and reads the decoded messages of the first one', async () => {
    const { page } = app
    await page.click(dumpTab('processes'))
    const table = page.locator('[data-testid=dump-processes]')
    await table.locator('.row').first().waitFor()
    await table.locator('[data-col=messageQueueLength]').click()
    await expect
      .poll(() => table.locator('[aria-sort=descending]').getAttribute('data-col'))
      .toBe('messageQueueLength')
    await expect.poll(() => table.locator('.row').first().innerText()).toContain('order_box')
    await table.locator('.row').first().click()

    const drawer = page.locator('[data-testid=process-drawer]')
    await expect.poll(() => drawer.locator('.title').innerText()).toBe('order_box')
    await drawer.locator('[data-tab=messages]').click()
    const items = drawer.locator('[data-testid=messages] ol.terms > li')
    await expect.poll(() => items.count()).toBe(100)
    const texts = (await items.allInnerTexts()).map((t) => t.trim())
    expect(texts).toEqual(Array.from({ length: 100 }, (_, i) => expectedMessage(i + 1)))
    expect(await drawer.locator('[data-testid=messages-count]').innerText()).toMatch(
      /Messages 1–100 of 2,000 · page 1 of 20/
    )
    await app.screenshot('dump-process-messages')

    // the next page replaces this one (a queue of millions is never held whole), numbered on
    await drawer.locator('[data-action=more-messages]').click()
    await expect.poll(async () => (await items.first().innerText()).trim()).toBe(expectedMessage(101))
    expect(await items.count()).toBe(100)
    expect((await items.nth(99).innerText()).trim()).toBe(expectedMessage(200))
    expect(await drawer.locator('ol.terms').getAttribute('start')).toBe('101')
    expect(await drawer.locator('[data-testid=messages-count]').innerText()).toMatch(
      /Messages 101–200 of 2,000 · page 2 of 20/
    )
    await drawer.locator('[data-action=first-messages]').click()
    await expect.poll(async () => (await items.first().innerText()).trim()).toBe(expectedMessage(1))

    await drawer.locator('[data-tab=dictionary]').click()
    expect(await drawer.innerText()).toContain('order_count => 2000')
    // the same terms in Elixir syntax, then back
    await drawer.locator('[data-testid=term-syntax] [data-syntax=elixir]').click()
    await expect.poll(() => drawer.innerText()).toContain(':order_count => 2000')
    await drawer.locator('[data-tab=messages]').click()
    expect((await items.first().innerText()).trim()).toBe('{:order, 1, "payload"}')
    await app.screenshots('dump-process-elixir')
    await drawer.locator('[data-testid=term-syntax] [data-syntax=erlang]').click()
    expect((await items.first().innerText()).trim()).toBe(expectedMessage(1))
    await drawer.locator('[data-tab=info]').click()
    expect(await drawer.innerText()).toMatch(/Timers \(1\)\s+tick/)
    await app.screenshot('dump-processes-drawer')
    await drawer.locator('button.close').click()
  })

  it('shows the section tabs as tables', async () => {
    const { page } = app
    await page.click(dumpTab('ets'))
    const ets = page.locator('[data-section=ets]')
    await expect.poll(() => ets.locator('.row').first().innerText()).toContain('erlscope_orders')
    await app.screenshot('dump-ets')

    await page.click(dumpTab('memory'))
    await page.locator('[data-testid=dump-allocators] [data-allocator]').first().waitFor()
    await app.screenshot('dump-memory-allocators')

    await page.click(dumpTab('ports'))
    await expect.poll(() => page.locator('[data-section=ports]').innerText()).toContain('tcp_inet')
    await page.click(dumpTab('timers'))
    await expect.poll(() => page.locator('[data-section=timers]').innerText()).toContain('tick')
    await page.click(dumpTab('schedulers'))
    await page.locator('[data-section=schedulers] .row').first().click()
    await page.locator('[data-testid=section-detail]').waitFor()
    await app.screenshot('dump-schedulers')
    await page.click(dumpTab('internal_tables'))
    await expect
      .poll(() => page.locator('[data-testid=dump-internal-tables]').innerText())
      .toContain('atom_tab')
    await page.click(dumpTab('atoms'))
    await expect.poll(() => page.locator('[data-section=atoms] .row').count()).toBeGreaterThan(10)
  })

  it('shows where a truncated dump was cut', async () => {
    const { page } = app
    await dropFile(app, cut.dump)
    await page.waitForSelector('[data-testid=truncation-banner]')
    expect(await page.locator('[data-testid=truncation-banner]').innerText()).toMatch(/Truncated dump/)
    expect(await page.locator('[data-testid=slogan]').innerText()).toBe('testing erlscope')
    expect(await page.locator('[data-testid=dump-list] .item').count()).toBe(2)
    await app.screenshot('dump-truncated')
  })
})

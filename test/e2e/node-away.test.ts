import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, openApp, type AppHarness } from '../support/app-harness'
import { startNode, type ErlNode } from '../support/erl-node'
import { SEEDED, pidOf, seedBigHeap, seedIdle } from '../support/seeded-node'

/** A registered process the test kills while its drawer is open. */
const VICTIM = 'erlscope_seed_victim'

const STALE = /^⚠\s*As of \d\d:\d\d:\d\d — node unreachable since \d\d:\d\d:\d\d, retrying/

describe('views that keep their data and say so when the node goes away and comes back', () => {
  let node: ErlNode
  let app: AppHarness
  const userDataDir = mkdtempSync(join(tmpdir(), 'erlscope-e2e-away-'))

  beforeAll(async () => {
    node = await startNode()
    await seedBigHeap(node, 200_000)
    await seedIdle(node, 50)
    await node.eval(`register(${VICTIM}, spawn(fun() -> receive stop -> ok end end)), ok`)
    app = await openApp({ userDataDir })
  })
  afterAll(async () => {
    await app?.close()
    await node?.stop()
    await closeBrowser()
    rmSync(userDataDir, { recursive: true, force: true })
  })

  const status = '[data-testid=session-status]'

  it('connects with a bare -sname name: this host is added, as erl does', async () => {
    const { page } = app
    await page.click('.top-actions [data-action=connect]')
    const dialog = page.locator('[data-testid=connect-dialog]')
    await dialog.locator('input[name=node]').fill(node.alive)
    await dialog.locator('input[name=cookie]').fill(node.cookie)
    await expect.poll(() => dialog.innerText()).toContain(`connects to ${node.name}, as erl -sname does`)
    expect(await page.locator('[data-action=do-connect]').isEnabled()).toBe(true)
    await app.screenshot('away-connect-bare-name')
    await page.click('[data-action=do-connect]')
    await page.waitForSelector('[data-testid=overview] .gauge', { timeout: 30_000 })
    expect(await page.locator(status).innerText()).toContain(node.name)
  })

  it('stamps the drawer, refreshes it on a tab change, and says "exited" when the process died', async () => {
    const { page } = app
    const victim = await pidOf(node, VICTIM)
    await page.click('.main-tabs [data-tab=processes]')
    await page.fill('[data-testid=processes] input.filter', VICTIM)
    const row = page.locator(`[data-testid=processes] .row[data-key="${victim}"]`)
    await row.waitFor({ timeout: 30_000 })
    expect(await page.locator('[data-testid=processes-stamp]').innerText()).toMatch(/as of \d\d:\d\d:\d\d/)
    await row.click()
    const drawer = page.locator('[data-testid=process-drawer]')
    await drawer.locator('dl').waitFor({ timeout: 30_000 })
    const stamp = drawer.locator('[data-testid=drawer-stamp]')
    await expect.poll(() => stamp.innerText()).toMatch(/^as of \d\d:\d\d:\d\d/)
    expect(await drawer.locator('[data-testid=drawer-exited]').count()).toBe(0)

    await node.eval(`exit(whereis(${VICTIM}), kill)`)
    await drawer.locator('[data-tab=stack]').click()
    await drawer.locator('[data-testid=drawer-exited]').waitFor({ timeout: 30_000 })
    expect(await stamp.innerText()).toMatch(/found gone at \d\d:\d\d:\d\d; figures as of \d\d:\d\d:\d\d/)
    expect(await drawer.locator('header .sub').innerText()).toContain('exited (was waiting)')
    // the last figures stay readable under the "exited" mark
    await drawer.locator('[data-tab=info]').click()
    expect(await drawer.locator('dl').innerText()).toContain(VICTIM)
    await app.screenshot('away-drawer-exited')

    // Escape closes the drawer
    await page.keyboard.press('Escape')
    await expect.poll(() => drawer.count()).toBe(0)
  })

  it('focuses the filter with Ctrl+F and with /, and Escape closes the connect dialog', async () => {
    const { page } = app
    const filter = page.locator('[data-testid=processes] input.filter')
    await page.locator('[data-testid=processes] .summary').click()
    expect(await filter.evaluate((el) => el === document.activeElement)).toBe(false)
    await page.keyboard.press('Control+f')
    expect(await filter.evaluate((el) => el === document.activeElement)).toBe(true)
    await page.fill('[data-testid=processes] input.filter', '')
    await page.locator('[data-testid=processes] .summary').click()
    await page.keyboard.press('/')
    expect(await filter.evaluate((el) => el === document.activeElement)).toBe(true)
    // typed into the filter, "/" is a character
    await page.keyboard.type('a/b')
    expect(await filter.inputValue()).toBe('a/b')
    await page.fill('[data-testid=processes] input.filter', '')

    await page.click('.top-actions [data-action=connect]')
    await page.locator('[data-testid=connect-dialog]').waitFor()
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('[data-testid=connect-dialog]').count()).toBe(0)
  })

  it('keeps every view with an "as of … node unreachable, retrying" banner when the node is killed', async () => {
    const { page } = app
    const heapPid = await pidOf(node, SEEDED.bigHeap)
    // fill every view once
    await page.click('[data-sort=memory]')
    await expect
      .poll(() => page.locator('[data-testid=processes] .row').first().getAttribute('data-key'), {
        timeout: 30_000
      })
      .toBe(heapPid)
    await page.click('.main-tabs [data-tab=allocators]')
    await page.waitForSelector('[data-testid=allocators] .row', { timeout: 30_000 })
    await page.click('.main-tabs [data-tab=memory]')
    await page.click('[data-testid=memory-subtabs] [data-tab=ets]')
    await page.waitForSelector('[data-testid=ets-view] .row', { timeout: 30_000 })
    await page.click('[data-testid=memory-subtabs] [data-tab=chart]')
    await expect
      .poll(() => page.locator('[data-testid=memory]').innerText(), { timeout: 30_000 })
      .toMatch(/\b([3-9]|\d\d+) samples/)
    await expect.poll(() => page.locator('[data-testid=rtt]').count()).toBe(1)

    node.kill()
    await expect
      .poll(() => page.locator(status).innerText(), { timeout: 30_000 })
      .toMatch(/unreachable since/)
    // no round trip measured before the loss is shown as if it were current
    expect(await page.locator('[data-testid=rtt]').count()).toBe(0)

    const banner = (tab: string) => page.locator(`[data-testid=${tab}] [data-testid=stale-banner]`)
    // Memory: the samples stay, under the banner
    await expect.poll(() => banner('memory').innerText(), { timeout: 30_000 }).toMatch(STALE)
    expect(await page.locator('[data-testid=memory] [data-category=total] .num').first().innerText()).toMatch(
      /MiB/
    )
    await app.screenshot('away-memory')

    // Processes: the rows of before, never "0 processes on the node"
    await page.click('.main-tabs [data-tab=processes]')
    await expect.poll(() => banner('processes').innerText()).toMatch(STALE)
    expect(await page.locator('[data-testid=processes] .row').first().getAttribute('data-key')).toBe(heapPid)
    const summary = await page.locator('[data-testid=processes-summary]').innerText()
    expect(summary).not.toMatch(/\b0 processes on the node/)
    expect(summary).toMatch(/[1-9][\d,]* processes on the node/)
    await page.click('[data-action=refresh]')
    expect(await page.locator('[data-testid=processes] .row').count()).toBeGreaterThan(0)
    await app.screenshot('away-processes')

    // Overview and Allocators: what they showed, opened again while the node is away
    await page.click('.main-tabs [data-tab=overview]')
    await expect.poll(() => banner('overview').innerText()).toMatch(STALE)
    expect(await page.locator('[data-testid=overview] .gauge').count()).toBeGreaterThanOrEqual(3)
    await app.screenshot('away-overview')
    await page.click('.main-tabs [data-tab=allocators]')
    await expect.poll(() => banner('allocators').innerText()).toMatch(STALE)
    expect(await page.locator('[data-testid=allocators]').innerText()).toMatch(/eheap_alloc\[\d+\]/)
    await app.screenshot('away-allocators')

    // a Memory sub-view (ETS): read again on opening, it keeps its rows under the banner
    await page.click('.main-tabs [data-tab=memory]')
    await page.click('[data-testid=memory-subtabs] [data-tab=ets]')
    await expect.poll(() => banner('ets-view').innerText()).toMatch(STALE)
    expect(await page.locator('[data-testid=ets-view] .row').count()).toBeGreaterThan(0)
    expect(await page.locator('[data-testid=ets-summary]').innerText()).toMatch(/[1-9][\d,]* tables/)
    await app.screenshot('away-memory-ets')
    await page.click('[data-testid=memory-subtabs] [data-tab=chart]')
  })

  it('breaks the memory series at a restart under the same name and measures growth from there', async () => {
    const { page } = app
    const { alive, cookie } = node
    await page.click('.main-tabs [data-tab=memory]')
    const memory = page.locator('[data-testid=memory]')
    expect(await memory.getAttribute('data-incarnation')).toBe('1')
    expect(await page.locator('[data-testid=restart-note]').count()).toBe(0)

    node = await startNode({ alive, cookie })
    await expect.poll(() => page.locator(status).innerText(), { timeout: 90_000 }).toMatch(/\bconnected\b/)
    await expect.poll(() => memory.getAttribute('data-incarnation'), { timeout: 30_000 }).toBe('2')
    const note = page.locator('[data-testid=restart-note]')
    await note.waitFor({ timeout: 30_000 })
    expect(await note.innerText()).toMatch(/restarted at \d\d:\d\d:\d\d/)
    expect(await page.locator('[data-testid=memory] [data-testid=stale-banner]').count()).toBe(0)
    // the samples of the old VM are kept (one history), the series is cut between the two
    const incarnations = await page.evaluate(async () => {
      const bridge = window.erlscope!
      const sessions = await bridge.request['node:sessions']()
      if (!sessions.ok) throw new Error(sessions.error.message)
      const samples = await bridge.request['node:memory-history'](sessions.value[0].sessionId)
      if (!samples.ok) throw new Error(samples.error.message)
      return [...new Set(samples.value.map((x) => x.incarnation))]
    })
    expect(incarnations).toEqual([1, 2])
    await app.screenshot('away-memory-restarted')

    // the allocator history went on in the background and is split at the restart too
    const points = async (): Promise<number[]> =>
      page.evaluate(async () => {
        const bridge = window.erlscope!
        const sessions = await bridge.request['node:sessions']()
        if (!sessions.ok) throw new Error(sessions.error.message)
        const reply = await bridge.request['node:allocator-history'](sessions.value[0].sessionId)
        if (!reply.ok) throw new Error(reply.error.message)
        return reply.value.map((p) => p.incarnation)
      })
    expect((await points())[0]).toBe(1)
    await expect.poll(async () => (await points()).at(-1), { timeout: 30_000 }).toBe(2)
  })
})

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, openApp, type AppHarness } from '../support/app-harness'
import { startNode, type ErlNode } from '../support/erl-node'
import {
  CULPRITS,
  seedAtomLeak,
  seedBinLeak,
  seedGrowingEts,
  seedStuckSocket
} from '../support/seeded-categories'
import { SEEDED, pidOf, seedChurner } from '../support/seeded-node'

/** From the Memory tab to each category's culprit, on a real node seeded with each problem. */
describe('memory categories lead to their culprits (real erl, real Chromium)', () => {
  let node: ErlNode
  let app: AppHarness
  const userDataDir = mkdtempSync(join(tmpdir(), 'erlscope-e2e-categories-'))

  beforeAll(async () => {
    node = await startNode()
    await Promise.all([
      seedGrowingEts(node),
      seedStuckSocket(node),
      seedBinLeak(node),
      seedAtomLeak(node),
      seedChurner(node, 10)
    ])
    app = await openApp({ userDataDir })
    const { page } = app
    await page.click('.top-actions [data-action=connect]')
    await page.fill('[data-testid=connect-dialog] input[name=node]', node.name)
    await page.fill('[data-testid=connect-dialog] input[name=cookie]', node.cookie)
    await page.selectOption('[data-testid=connect-dialog] select[name=interval]', '500')
    await page.click('[data-action=do-connect]')
    await page.waitForSelector('[data-testid=overview] .gauge')
  })
  afterAll(async () => {
    await app?.close()
    await node?.stop()
    await closeBrowser()
    rmSync(userDataDir, { recursive: true, force: true })
  })

  it('a growing ets leads in two clicks to the growing table, ranked by growth', async () => {
    const { page } = app
    await page.click('.main-tabs [data-tab=memory]')
    await page.waitForSelector('[data-category=ets] .badge', { timeout: 30_000 })
    await app.screenshots('live-memory-categories')
    await page.click('[data-explain=ets]')
    await page.waitForSelector('[data-testid=ets-view] [data-sort=growth].on')
    await expect
      .poll(() => page.locator('[data-testid=ets-view] .row').first().innerText(), { timeout: 30_000 })
      .toContain(CULPRITS.etsTable)
    const first = await page.locator('[data-testid=ets-view] .row').first().innerText()
    expect(first).toContain(CULPRITS.etsOwner)
    expect(first).toMatch(/\+[\d.]+ (KiB|MiB)/)
    expect(await page.locator('[data-testid=ets-summary]').innerText()).toMatch(/of erlang:memory\(ets\)/)
    await app.screenshots('live-ets')
  })

  it('previews at most 50 objects of the table, only when asked', async () => {
    const { page } = app
    await page.locator('[data-testid=ets-view] .row').first().click()
    await page.waitForSelector('[data-testid=ets-detail]')
    expect(await page.locator('[data-testid=ets-preview]').count()).toBe(0)
    await page.click('[data-testid=ets-detail] [data-action=preview]')
    await page.waitForSelector('[data-testid=ets-preview] li')
    expect(await page.locator('[data-testid=ets-preview] li').count()).toBe(50)
    expect(await page.locator('[data-testid=ets-preview] li').first().innerText()).toMatch(/^\{\d+,\[1,2,3/)
    await app.screenshots('live-ets-preview')
  })

  it('system leads to the TCP socket whose peer never reads', async () => {
    const { page } = app
    await page.click('[data-testid=memory-subtabs] [data-tab=chart]')
    await page.click('[data-explain=system]')
    await page.waitForSelector('[data-testid=ports-view]')
    await page.click('[data-testid=ports-view] [data-sort=queue]')
    await expect
      .poll(() => page.locator('[data-testid=ports-view] .row').first().innerText(), { timeout: 30_000 })
      .toContain(CULPRITS.tcpSender)
    const first = await page.locator('[data-testid=ports-view] .row').first().innerText()
    expect(first).toContain('tcp_inet')
    expect(first).toMatch(/\d+(\.\d+)? MiB/)
    await page.locator('[data-testid=ports-view] .row').first().click()
    await page.waitForSelector('[data-testid=port-detail]')
    expect(await page.locator('[data-testid=port-detail]').innerText()).toMatch(/its peer has not taken/)
    await app.screenshots('live-ports')
  })

  it('the binary-leak check explains itself first, then names the process GC frees', async () => {
    const { page } = app
    await page.click('[data-testid=memory-subtabs] [data-tab=binaries]')
    await page.click('[data-testid=binaries-view] [data-action=binleak]')
    await page.waitForSelector('[data-testid=binleak-explained]')
    expect(await page.locator('[data-testid=binleak-explained]').innerText()).toMatch(
      /garbage-collects every process/
    )
    await app.screenshots('live-binleak-consent')
    await page.click('[data-action=binleak-confirm]')
    await page.waitForSelector('[data-testid=binleak-summary]', { timeout: 60_000 })
    const first = await page.locator('[data-testid=binaries-view] .row').first().innerText()
    expect(first).toContain(CULPRITS.binLeaker)
    expect(first).toMatch(/32\.0 MiB/)
    await app.screenshots('live-binleak')
  })

  it('atoms show the count against the limit and its growth', async () => {
    const { page } = app
    await page.click('[data-testid=memory-subtabs] [data-tab=atoms]')
    await page.waitForSelector('[data-testid=atom-count] .value')
    expect(await page.locator('[data-testid=atoms-view] .row').count()).toBeGreaterThan(5)
    // the growth comes from the session's background samples: there on the first read of the view
    expect(await page.locator('[data-testid=atom-growth] .value').innerText()).toMatch(/^\+[\d,]+\/min/)
    expect(await page.locator('[data-testid=atom-growth] .sub').innerText()).toMatch(
      /limit is reached|sampled/
    )
    await page.click('[data-testid=atoms-view] [data-action=refresh]')
    await expect
      .poll(() => page.locator('[data-testid=atom-growth] .value').innerText(), { timeout: 20_000 })
      .toMatch(/^\+[\d,]+\/min/)
    await app.screenshots('live-atoms')
  })

  it('churn names the spawner', async () => {
    const { page } = app
    await page.click('.main-tabs [data-tab=memory]')
    await page.click('[data-testid=memory-subtabs] [data-tab=churn]')
    await page.waitForSelector('[data-testid=churn-stats]', { timeout: 30_000 })
    // a loaded machine can stall the spawner for a whole window: measure again until it shows
    await expect
      .poll(
        async () => {
          const text = await page.locator('[data-testid=churn-by-parent] .row').first().innerText()
          if (
            !text.includes(SEEDED.churner) &&
            (await page.locator('[data-testid=churn-view] [data-action=refresh]').isEnabled())
          )
            await page.click('[data-testid=churn-view] [data-action=refresh]')
          return text
        },
        { timeout: 60_000, interval: 1000 }
      )
      .toContain(SEEDED.churner)
    await page.click('[data-testid=scheduler-usage] [data-action=scheduler-usage]')
    expect(await page.locator('[data-testid=scheduler-explained]').innerText()).toMatch(/scheduler_wall_time/)
    await page.click('[data-action=scheduler-confirm]')
    await expect
      .poll(() => page.locator('[data-testid=scheduler-usage]').innerText(), { timeout: 20_000 })
      .toMatch(/normal \d+%/)
    await app.screenshots('live-churn')
  })

  it('an owner opens Processes filtered on its pid', async () => {
    const { page } = app
    await page.click('[data-testid=memory-subtabs] [data-tab=ets]')
    await page.locator('[data-testid=ets-view] [data-sort=memory]').click()
    await expect
      .poll(() => page.locator('[data-testid=ets-view] .row').first().innerText(), { timeout: 30_000 })
      .toContain(CULPRITS.etsTable)
    await page.locator('[data-testid=ets-view] .row').first().click()
    await page.click('[data-testid=ets-detail] [data-action=owner]')
    const pid = await pidOf(node, CULPRITS.etsOwner)
    await expect
      .poll(() => page.locator('[data-testid=processes] .row').first().getAttribute('data-key'), {
        timeout: 20_000
      })
      .toBe(pid)
    expect(await page.locator('[data-testid=processes] .filter').inputValue()).toBe(pid)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, openApp, type AppHarness } from '../support/app-harness'
import { connectThroughDialog } from '../support/connect-dialog'
import { startNode, type ErlNode } from '../support/erl-node'
import { pidOf } from '../support/seeded-node'
import { STORM, seedSpawnStorm, stormCount, stormWorkers } from '../support/spawn-storm'

/**
 * A real node in a spawn storm (20 `shop:churn/0` workers every 10 ms from a module compiled on
 * it): Memory tab → Churn names the initial call first with the node's own numbers; clicking the
 * group opens Processes keeping to it (a chip that clears), and so does the spawner as a parent.
 */
describe('churn leads to the spawn storm (real erl, real Chromium)', () => {
  let node: ErlNode
  let app: AppHarness

  beforeAll(async () => {
    node = await startNode()
    await seedSpawnStorm(node)
    app = await openApp()
    await connectThroughDialog(app.page, node, { interval: '500' })
  })
  afterAll(async () => {
    await app?.close()
    await node?.stop()
    await closeBrowser()
  })

  it('Memory → Churn names shop:churn/0 first, with the count and spawn rate the node gives', async () => {
    const { page } = app
    const before = await stormCount(node)
    await page.click('.main-tabs [data-tab=memory]')
    await page.click('[data-testid=memory-subtabs] [data-tab=churn]')
    const first = page.locator('[data-testid=churn-by-initial-call] .row').first()
    await expect.poll(() => first.innerText(), { timeout: 30_000 }).toContain(STORM.initialCall)
    const shown = Number((await first.locator('.cell').nth(1).innerText()).replace(/,/g, ''))
    const workers = await stormWorkers(node)
    expect(shown).toBeGreaterThan(workers / 3)
    expect(shown).toBeLessThan(workers * 3)
    // the spawn rate between samples against the spawner's own count over the same seconds
    await expect
      .poll(() => page.locator('[data-testid=churn-spawn-rate] .sub').innerText(), { timeout: 30_000 })
      .toMatch(/last minute/)
    const after = await stormCount(node)
    const nodeRate = ((after.spawned - before.spawned) * 1000) / (after.atMs - before.atMs)
    const meanText = await page.locator('[data-testid=churn-spawn-rate] .sub').innerText()
    const mean = Number(/^([\d,]+)\/s/.exec(meanText)?.[1].replace(/,/g, ''))
    expect(mean).toBeGreaterThan(nodeRate * 0.5)
    expect(mean).toBeLessThan(nodeRate * 1.5 + 50)
    expect(await page.locator('[data-testid=churn-spawned] .value').innerText()).toMatch(/^[\d,]+$/)
    expect(await page.locator('[data-testid=process-count-chart] canvas').count()).toBeGreaterThan(0)
    await expect
      .poll(() => page.locator('[data-testid=churn-by-parent] .row').first().innerText(), { timeout: 30_000 })
      .toContain(STORM.spawner)
    await app.screenshots('live-churn-storm')
  })

  it('clicking the initial call opens Processes keeping to that group; the chip clears it', async () => {
    const { page } = app
    await page.locator('[data-testid=churn-by-initial-call] .row').first().click()
    await page.waitForSelector('[data-testid=processes] [data-testid=process-group-filter]')
    expect(await page.locator('[data-testid=process-group-filter]').innerText()).toContain(STORM.initialCall)
    const rows = page.locator('[data-testid=processes] .row')
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(5)
    const labels = await rows.evaluateAll((els) =>
      els.map((e) => e.querySelectorAll('.cell')[1]?.textContent ?? '')
    )
    expect(new Set(labels.map((l) => l.trim()))).toEqual(new Set([STORM.initialCall]))
    expect(await page.locator('[data-testid=processes-summary]').innerText()).toMatch(
      new RegExp(`matching ${STORM.initialCall}`)
    )
    // the text filter stays free for the user
    expect(await page.locator('[data-testid=processes] .filter').inputValue()).toBe('')
    await app.screenshots('live-processes-churn-group')
    await page.click('[data-testid=process-group-filter] [data-action=clear-group]')
    expect(await page.locator('[data-testid=process-group-filter]').count()).toBe(0)
    await expect
      .poll(
        async () =>
          new Set(
            (
              await rows.evaluateAll((els) =>
                els.map((e) => e.querySelectorAll('.cell')[1]?.textContent ?? '')
              )
            ).map((l) => l.trim())
          ).size,
        { timeout: 30_000 }
      )
      .toBeGreaterThan(3)
  })

  it('clicking the spawner among the parents opens Processes with its children only', async () => {
    const { page } = app
    const spawner = await pidOf(node, STORM.spawner)
    await page.click('.main-tabs [data-tab=memory]')
    await page.click('[data-testid=memory-subtabs] [data-tab=churn]')
    const parent = page.locator('[data-testid=churn-by-parent] .row').first()
    await expect.poll(() => parent.innerText(), { timeout: 30_000 }).toContain(spawner)
    await parent.click()
    await page.waitForSelector('[data-testid=process-group-filter]')
    expect(await page.locator('[data-testid=process-group-filter]').innerText()).toContain(spawner)
    const rows = page.locator('[data-testid=processes] .row')
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(5)
    const labels = await rows.evaluateAll((els) =>
      els.map((e) => e.querySelectorAll('.cell')[1]?.textContent ?? '')
    )
    expect(new Set(labels.map((l) => l.trim()))).toEqual(new Set([STORM.initialCall]))
  })
})

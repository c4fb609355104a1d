import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, dropFile, openApp, type AppHarness } from '../support/app-harness'
import { writeDump, type Generated } from '../support/dump-writer'
import { startNode, type ErlNode } from '../support/erl-node'
import { SEEDED, pidOf, seedBigHeap, seedMailbox } from '../support/seeded-node'
import { connectThroughDialog } from '../support/connect-dialog'

/** A dump with a process holding an ETS table and a timer, linked to a child it spawned. */
const SCENARIO = `
  Owner = spawn(fun() ->
    T = ets:new(layout_orders, [named_table, public]),
    [ets:insert(T, {N, N}) || N <- lists:seq(1, 500)],
    Child = spawn_link(fun() -> receive never -> ok end end),
    register(layout_child, Child),
    erlang:send_after(600000, self(), tick),
    receive never -> ok end
  end),
  register(layout_owner, Owner),
  [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, 50)],
  timer:sleep(200),
  ok = file:write_file(Expected, pid_to_list(Owner)),
  erlang:halt("layout check")
`

const viewports = [
  { width: 1024, height: 640 },
  { width: 1440, height: 900 },
  { width: 2560, height: 1440 }
] as const

/** Nothing in the workspace runs past its right edge (the page would need a sideways scroll). */
async function fitsSideways(page: Page): Promise<{ overflow: number; offenders: string[] }> {
  return page.evaluate(() => {
    const ws = document.querySelector('main.workspace') as HTMLElement
    const right = ws.getBoundingClientRect().right
    const name = (el: Element): string => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`
    const boxes = [...ws.querySelectorAll<HTMLElement>('.panel, section, .toolbar, .gauge, table')]
    const offenders = [
      // past the workspace's right edge
      ...boxes
        .filter((el) => el.getBoundingClientRect().right > right + 1 && el.getClientRects().length > 0)
        .map(name),
      // content spilling out of its panel (a box that does not scroll its overflow)
      ...boxes
        .filter((el) => getComputedStyle(el).overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1)
        .map((el) => `${name(el)} spills`)
    ]
    return { overflow: ws.scrollWidth - ws.clientWidth, offenders }
  })
}

describe('every view from 1024x640 to 2560x1440', () => {
  let node: ErlNode
  let dump: Generated
  let dir: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'erlscope-e2e-layout-'))
    ;[node, dump] = await Promise.all([startNode(), writeDump(dir, 'layout', SCENARIO)])
    await seedMailbox(node, 500, 5)
    await seedBigHeap(node, 100_000)
  })
  afterAll(async () => {
    await node?.stop()
    await closeBrowser()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  for (const vp of viewports) {
    const size = `${vp.width}x${vp.height}`
    it(`live tabs and dump tabs at ${size}`, async () => {
      const app: AppHarness = await openApp({ viewport: vp })
      const { page } = app
      try {
        await connectThroughDialog(page, node)
        await page.waitForSelector('[data-testid=overview-memory]', { timeout: 30_000 })
        expect(await fitsSideways(page)).toEqual({ overflow: 0, offenders: [] })
        await app.screenshot(`layout-${size}-overview`)

        await page.click('.main-tabs [data-tab=memory]')
        await expect
          .poll(() => page.locator('[data-testid=memory]').innerText(), { timeout: 30_000 })
          .toMatch(/\b([3-9]|\d\d+) samples/)
        // the chart header stays on one line
        const header = await page.locator('[data-testid=memory] .chart .toolbar').boundingBox()
        expect(header?.height).toBeLessThan(44)
        expect(await fitsSideways(page)).toEqual({ overflow: 0, offenders: [] })
        await app.screenshot(`layout-${size}-memory`)

        await page.click('.main-tabs [data-tab=processes]')
        const heap = await pidOf(node, SEEDED.bigHeap)
        await page.locator(`[data-testid=processes] .row[data-key="${heap}"]`).click({ timeout: 30_000 })
        await page.locator('[data-testid=process-drawer] dl').waitFor({ timeout: 30_000 })
        // with the drawer open the toolbar takes at most two rows
        const toolbar = await page.locator('[data-testid=processes] .toolbar').boundingBox()
        expect(toolbar?.height).toBeLessThan(84)
        expect(await fitsSideways(page)).toEqual({ overflow: 0, offenders: [] })
        await app.screenshot(`layout-${size}-processes-drawer`)
        await page.keyboard.press('Escape')

        await page.click('.main-tabs [data-tab=allocators]')
        await page.waitForSelector('[data-testid=allocators] .row', { timeout: 30_000 })
        expect(await fitsSideways(page)).toEqual({ overflow: 0, offenders: [] })
        await app.screenshot(`layout-${size}-allocators`)

        await dropFile(app, dump.dump)
        await page.waitForSelector('[data-testid=slogan]', { timeout: 60_000 })
        expect(await fitsSideways(page)).toEqual({ overflow: 0, offenders: [] })
        await app.screenshot(`layout-${size}-dump-summary`)
        // every dump tab is reachable: shown, or behind the tab bar's scroll buttons
        const tabs = page.locator('[data-testid=dump-tabs]')
        const clipped = await tabs.locator('.tab-list').evaluate((el) => el.scrollWidth > el.clientWidth + 1)
        if (clipped)
          expect(await page.locator('[data-testid=dump-tabs] [data-tab-scroll=after]').isVisible()).toBe(true)
        for (const tab of ['processes', 'memory', 'ets', 'timers', 'internal_tables']) {
          await page
            .locator(`[data-testid=dump-tabs] [data-tab=${tab}]`)
            .evaluate((el) => el.scrollIntoView({ inline: 'nearest' }))
          await page.click(`[data-testid=dump-tabs] [data-tab=${tab}]`)
          await page.waitForTimeout(300)
          if (tab === 'processes') {
            await page.locator('[data-testid=dump-processes] .row').first().waitFor({ timeout: 30_000 })
            await page.locator('[data-testid=dump-processes] .row', { hasText: 'layout_owner' }).click()
            await page.locator('[data-testid=process-drawer] dl').waitFor({ timeout: 30_000 })
          }
          expect(await fitsSideways(page)).toEqual({ overflow: 0, offenders: [] })
          await app.screenshot(`layout-${size}-dump-${tab}`)
          if (tab === 'processes') await page.keyboard.press('Escape')
        }
      } finally {
        await app.close()
      }
    })
  }
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, openApp, type AppHarness } from '../support/app-harness'
import { connectThroughDialog } from '../support/connect-dialog'
import { startNode, type ErlNode } from '../support/erl-node'
import { CULPRITS, portOwnedBy, seedGrowingSendQueue } from '../support/seeded-categories'

/**
 * The memory map: on a real node whose `system` grows because a TCP peer never reads (fresh
 * binaries queued in the port), the Memory tab flags `system` as growing, and two clicks lead to
 * the port: the category (Ports & sockets ranked by queue growth), then the port's row.
 */
describe('a growing system leads in two clicks to the stuck socket (real erl, real Chromium)', () => {
  let node: ErlNode
  let app: AppHarness

  beforeAll(async () => {
    node = await startNode()
    await seedGrowingSendQueue(node)
    app = await openApp()
    await connectThroughDialog(app.page, node, { interval: '500' })
  })
  afterAll(async () => {
    await app?.close()
    await node?.stop()
    await closeBrowser()
  })

  it('Memory: system is flagged growing; click → ports by growth; click → the port', async () => {
    const { page } = app
    await page.click('.main-tabs [data-tab=memory]')
    await page.selectOption('[data-testid=memory] select', '1')
    await expect
      .poll(() => page.locator('[data-category=system] .badge').count(), { timeout: 120_000, interval: 1000 })
      .toBe(1)
    await app.screenshot('live-memory-map-system-growing')
    // click 1: the category
    await page.click('[data-explain=system]')
    await page.waitForSelector('[data-testid=ports-view] [data-sort=growth].on')
    const first = page.locator('[data-testid=ports-view] .row').first()
    await expect.poll(() => first.innerText(), { timeout: 30_000 }).toContain(CULPRITS.tcpGrower)
    expect(await first.innerText()).toContain('tcp_inet')
    const port = await portOwnedBy(node, CULPRITS.tcpGrower)
    expect(await first.getAttribute('data-key')).toBe(port)
    // click 2: the port, with the node's own queue figure beside erlscope's
    await first.click()
    const detail = page.locator('[data-testid=port-detail]')
    await expect.poll(() => detail.innerText()).toContain(port)
    expect(await detail.innerText()).toContain(CULPRITS.tcpGrower)
    expect(await detail.innerText()).toMatch(/its peer has not taken/)
    const queue = Number(await node.eval(`element(2, erlang:port_info(list_to_port("${port}"), queue_size))`))
    expect(queue).toBeGreaterThan(1024 * 1024)
    await app.screenshot('live-memory-map-system-port')
  }, 200_000)
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, openApp, type AppHarness } from '../support/app-harness'
import { startCluster, type ErlCluster } from '../support/erl-cluster'
import { connectThroughDialog } from '../support/connect-dialog'

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 640 }
] as const

describe('a cluster through one node in the GUI (real erl nodes, real Chromium)', () => {
  let cluster: ErlCluster
  let app: AppHarness

  beforeAll(async () => {
    cluster = await startCluster({
      members: 4,
      bootEval: (i) =>
        i === 0
          ? // one member leaks binaries: it must come first (the fastest growing)
            `spawn(fun() -> register(leaky, self()), L = fun Loop(Acc) -> receive after 200 -> Loop([binary:copy(<<7>>, 2097152) | Acc]) end end, L([]) end)`
          : undefined
    })
    app = await openApp()
  }, 180_000)
  afterAll(async () => {
    await app?.close()
    await cluster?.stop()
    await closeBrowser()
  })

  it('lists the nodes of the entry worst first and opens a member through the entry', async () => {
    const { page } = app
    await connectThroughDialog(page, { name: cluster.entry.name, cookie: cluster.cookie })

    await page.click(`[data-entry="${cluster.entry.name}"] [data-action=show-cluster]`)
    await page.selectOption('[data-testid=cluster] select[name=interval]', '2000')
    const rows = page.locator('[data-testid=cluster] tbody .row')
    await expect.poll(async () => rows.count(), { timeout: 30_000 }).toBe(cluster.all.length)
    for (const n of cluster.all)
      expect(
        await page.locator(`[data-testid=cluster] .row[data-node="${n.name}"]`).getAttribute('data-state')
      ).toBe('up')
    // after a few samples the leaking member ranks first by growth
    const leaky = cluster.members[0].name
    await expect
      .poll(async () => `${await rows.first().getAttribute('data-node')} ${await rows.first().innerText()}`, {
        timeout: 60_000
      })
      .toMatch(new RegExp(`^${leaky} [^]*\\+[\\d.]+ MiB/min`))
    expect(await page.locator(`[data-entry="${cluster.entry.name}"]`).innerText()).toContain(
      `Cluster · ${cluster.all.length} nodes`
    )
    for (const size of SIZES) {
      await page.setViewportSize(size)
      await app.screenshot(`cluster-${size.width}x${size.height}`)
    }
    await page.setViewportSize(SIZES[0])

    const target = cluster.members[1].name
    await page.click(`[data-testid=cluster] .row[data-node="${target}"]`)
    await page.waitForSelector('[data-testid=overview] .gauge')
    expect(await page.locator('[data-testid=session-status]').innerText()).toContain(target)
    expect(await page.locator('[data-testid=route]').innerText()).toBe(`via ${cluster.entry.name}`)
    expect(await page.locator('[data-testid=overview]').innerText()).toContain(target)
    await page.waitForSelector(`[data-entry="${cluster.entry.name}"] [data-node="${target}"][data-through]`)

    await page.click('.main-tabs [data-tab=processes]')
    await expect
      .poll(async () => page.locator('[data-testid=processes] .row').count(), { timeout: 20_000 })
      .toBeGreaterThan(10)
    for (const size of SIZES) {
      await page.setViewportSize(size)
      await app.screenshot(`cluster-member-${size.width}x${size.height}`)
    }
    await page.setViewportSize(SIZES[0])
  })

  it('shows a member that dies as down while the others keep their figures', async () => {
    const { page } = app
    const victim = cluster.members[3]
    await page.click(`[data-entry="${cluster.entry.name}"] [data-action=show-cluster]`)
    victim.kill()
    const row = page.locator(`[data-testid=cluster] .row[data-node="${victim.name}"]`)
    await expect.poll(async () => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('down')
    expect(await page.locator('[data-testid=cluster] tbody .row').first().getAttribute('data-node')).toBe(
      victim.name
    )
    expect(await row.innerText()).toMatch(/not answering: (noconnection|left the node list)/)
    expect(await page.locator('[data-testid=cluster] .row[data-state=up]').count()).toBe(
      cluster.all.length - 1
    )
    await app.screenshot('cluster-member-down-1440x900')
  })
})

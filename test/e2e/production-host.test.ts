import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, openApp, type AppHarness } from '../support/app-harness'
import { netnsUnavailable, startProductionHost, type ProductionHost } from '../support/netns-host'

const skip = netnsUnavailable()
if (skip) console.warn(`production-host GUI test skipped: ${skip}`)

describe.skipIf(skip !== undefined)(
  'a production host out of reach, in the GUI (real sshd, real nodes)',
  () => {
    let host: ProductionHost
    let app: AppHarness
    beforeAll(async () => {
      host = await startProductionHost()
      app = await openApp()
    }, 180_000)
    afterAll(async () => {
      // the namespace goes even when the page does not close cleanly
      await Promise.allSettled([app?.close(), host?.stop()])
      await closeBrowser()
    })

    it('connects through ssh -W as a proxy command, shows the cluster and opens the other node through the first', async () => {
      const { page } = app
      await page.click('.top-actions [data-action=connect]')
      const dialog = page.locator('[data-testid=connect-dialog]')
      await dialog.locator('input[name=node]').fill(host.app.name)
      await dialog.locator('input[name=cookie]').fill(host.cookie)
      await dialog.locator('.kind', { hasText: 'Proxy command' }).click()
      await dialog
        .locator('input[name=proxy-command]')
        .fill(`ssh ${host.sshArgs().join(' ')} -W %h:%p root@${host.sshHost}`)
      await app.screenshot('production-connect-proxy-1440x900')
      await dialog.locator('[data-action=do-connect]').click()
      await page.waitForSelector('[data-testid=overview] .gauge', { timeout: 60_000 })
      expect(await page.locator('[data-testid=session-status]').innerText()).toContain(host.app.name)

      await page.click(`[data-entry="${host.app.name}"] [data-action=show-cluster]`)
      const rows = page.locator('[data-testid=cluster] tbody .row')
      await expect.poll(async () => rows.count(), { timeout: 30_000 }).toBe(2)
      expect(
        await page
          .locator(`[data-testid=cluster] .row[data-node="${host.worker.name}"]`)
          .getAttribute('data-state')
      ).toBe('up')
      for (const size of [
        { width: 1440, height: 900 },
        { width: 1024, height: 640 }
      ]) {
        await page.setViewportSize(size)
        await app.screenshot(`production-cluster-${size.width}x${size.height}`)
      }
      await page.setViewportSize({ width: 1440, height: 900 })

      await page.click(`[data-testid=cluster] .row[data-node="${host.worker.name}"]`)
      await page.waitForSelector('[data-testid=overview] .gauge', { timeout: 60_000 })
      expect(await page.locator('[data-testid=route]').innerText()).toBe(`via ${host.app.name}`)
      expect(await page.locator('[data-testid=overview]').innerText()).toContain(host.worker.name)
      await app.screenshot('production-worker-through-app-1440x900')
    })
  }
)

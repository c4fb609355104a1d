import type { Page } from 'playwright-core'

export interface DialogConnectOptions {
  /** Sampling interval in ms, one of the dialog's choices; the dialog's default when absent. */
  interval?: '500' | '1000' | '2000' | '5000' | '10000'
}

/**
 * Connects the app to a node the plain way (Direct route): opens the connect dialog, types the node
 * name and cookie, connects, and waits for the Overview's first gauge.
 */
export async function connectThroughDialog(
  page: Page,
  node: { name: string; cookie: string },
  options: DialogConnectOptions = {}
): Promise<void> {
  const dialog = '[data-testid=connect-dialog]'
  await page.click('.top-actions [data-action=connect]')
  await page.fill(`${dialog} input[name=node]`, node.name)
  await page.fill(`${dialog} input[name=cookie]`, node.cookie)
  if (options.interval) await page.selectOption(`${dialog} select[name=interval]`, options.interval)
  await page.click('[data-action=do-connect]')
  await page.waitForSelector('[data-testid=overview] .gauge', { timeout: 30_000 })
}

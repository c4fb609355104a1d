import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, openApp, type AppHarness } from '../support/app-harness'
import { startNode, type ErlNode } from '../support/erl-node'
import { connectThroughDialog } from '../support/connect-dialog'

/**
 * The README's memory screenshot: a node whose refc binaries leak at a steady rate, watched for a
 * minute. Slow, so it runs only with ERLSCOPE_DOCS=1 (`ERLSCOPE_DOCS=1 npx vitest run --project e2e
 * test/e2e/docs-screenshots.test.ts`); it also checks that the leak gets the "growing" flag.
 */
describe.skipIf(!process.env.ERLSCOPE_DOCS)('README screenshots', () => {
  let node: ErlNode
  let app: AppHarness
  beforeAll(async () => {
    node = await startNode()
    await node.eval(`
      Leak = spawn(fun() ->
        Loop = fun L(Acc) -> receive after 200 -> L([binary:copy(<<0>>, 64000) | Acc]) end end,
        Loop([])
      end),
      register(leaky_cache, Leak),
      ok`)
    app = await openApp()
  })
  afterAll(async () => {
    await app?.close()
    await node?.stop()
    await closeBrowser()
  })

  it('shows a binary leak growing steadily on the Memory tab', async () => {
    const { page } = app
    await connectThroughDialog(page, node, { interval: '500' })
    await page.click('.main-tabs [data-tab=memory]')
    await page.selectOption('[data-testid=memory] select', '1')
    await expect
      .poll(() => page.locator('[data-category=binary] .badge').count(), { timeout: 120_000, interval: 2000 })
      .toBe(1)
    await page.waitForTimeout(20_000)
    await app.screenshot('docs-memory-binary-leak')
  }, 200_000)
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, openApp, type AppHarness } from '../support/app-harness'
import { startNode, type ErlNode } from '../support/erl-node'
import { connectThroughDialog } from '../support/connect-dialog'

/**
 * Two categories that both grow in a straight line: refc binaries at about 19 MiB/min (a leak) and
 * atom_used at a few KiB/min (new atoms, a few per second). Only the first is worth a flag.
 */
describe('the "growing" flag needs a rate that matters', () => {
  let node: ErlNode
  let app: AppHarness
  beforeAll(async () => {
    node = await startNode()
    await node.eval(`
      Leak = spawn(fun() ->
        Loop = fun L(Acc) -> receive after 200 -> L([binary:copy(<<0>>, 64000) | Acc]) end end,
        Loop([])
      end),
      register(growing_binary_leak, Leak),
      Atoms = spawn(fun() ->
        Loop = fun L(N) ->
          receive after 200 -> ok end,
          _ = [list_to_atom("erlscope_creeping_atom_" ++ integer_to_list(N * 2 + K)) || K <- [0, 1]],
          L(N + 1)
        end,
        Loop(0)
      end),
      register(growing_atom_creep, Atoms),
      ok`)
    app = await openApp()
  })
  afterAll(async () => {
    await app?.close()
    await node?.stop()
    await closeBrowser()
  })

  it('flags binary at MiB/min and not atom_used at KiB/min, though both rise in a line', async () => {
    const { page } = app
    await connectThroughDialog(page, node, { interval: '500' })
    await page.click('.main-tabs [data-tab=memory]')
    await page.selectOption('[data-testid=memory] select', '1')
    const row = (c: string) => page.locator(`[data-testid=memory] tr[data-category=${c}]`)
    await expect
      .poll(() => row('binary').locator('.badge').count(), { timeout: 120_000, interval: 1000 })
      .toBe(1)
    // 25 s of samples: atom_used has then grown by more than 1% of itself, in a line
    await expect
      .poll(
        async () =>
          Number(
            /([\d,]+) samples/
              .exec(await page.locator('[data-testid=memory] .count').innerText())?.[1]
              .replace(/,/g, '')
          ),
        {
          timeout: 90_000,
          interval: 1000
        }
      )
      .toBeGreaterThanOrEqual(50)
    // atom_used grows too (a rate is shown), by well under the floor
    await expect
      .poll(() => row('atom_used').locator('.rate').innerText(), { timeout: 60_000, interval: 1000 })
      .toMatch(/^\+[\d.]+ (B|KiB)\/min$/)
    expect(await row('atom_used').locator('.badge').count()).toBe(0)
    expect(await row('binary').locator('.rate').innerText()).toMatch(/^\+[\d.]+ MiB\/min$/)
    await app.screenshot('growing-binary-not-atoms')
  }, 200_000)
})

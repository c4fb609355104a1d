import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, openApp, type AppHarness } from '../support/app-harness'

describe('the window shell in Chromium', () => {
  let app: AppHarness
  beforeAll(async () => {
    app = await openApp()
  })
  afterAll(async () => {
    await app?.close()
    await closeBrowser()
  })

  it('shows the five workspace tabs, each with an empty state that says what to do next', async () => {
    const { page } = app
    const labels = await page.locator('.main-tabs [role=tab]').allTextContents()
    expect(labels.map((l) => l.trim())).toEqual([
      'Overview',
      'Memory',
      'Processes',
      'Allocators',
      'Crash dump'
    ])
    for (const tab of ['overview', 'memory', 'processes', 'allocators', 'dump']) {
      await page.click(`.main-tabs [data-tab=${tab}]`)
      await expect.poll(() => page.getAttribute('main.workspace', 'data-view')).toBe(tab)
      const text = await page.locator('main.workspace').innerText()
      expect(text).toMatch(tab === 'dump' ? /Drop an erl_crash\.dump/ : /Connect to a running Erlang/)
      await app.screenshot(`shell-${tab}`)
    }
  })

  it('reaches the real handler table through the bridge, and the bridge is frozen', async () => {
    const info = await app.page.evaluate(async () => {
      const bridge = window.erlscope!
      const reply = await bridge.request['app:info']()
      return { reply, frozen: Object.isFrozen(bridge) && Object.isFrozen(bridge.request) }
    })
    expect(info.frozen).toBe(true)
    expect(info.reply).toMatchObject({ ok: true, value: { name: 'erlscope', host: 'browser-harness' } })
  })

  it('refuses an unknown link id with a typed error', async () => {
    const reply = await app.page.evaluate(() =>
      (window.erlscope!.request['app:open-link'] as (l: string) => Promise<unknown>)('https://evil.example')
    )
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
  })

  it('follows a dark OS theme', async () => {
    const dark = await openApp({ colorScheme: 'dark' })
    try {
      const bg = await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor)
      expect(bg).toBe('rgb(21, 23, 28)')
      await dark.screenshot('shell-dark')
    } finally {
      await dark.close()
    }
  })
})

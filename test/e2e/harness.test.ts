import { afterAll, describe, expect, it } from 'vitest'
import { closeBrowser, openApp } from '../support/app-harness'

describe('the e2e harness', () => {
  afterAll(async () => {
    await closeBrowser()
  })

  it('fails a test when the renderer throws an uncaught exception', async () => {
    const app = await openApp()
    await app.screenshot('harness-before-error')
    await app.page.evaluate(() => {
      setTimeout(() => {
        throw new Error('planted renderer error')
      })
    })
    await expect
      .poll(() => app.screenshot('harness-after-error').then(() => 'no error', String))
      .toMatch(/renderer threw 1 uncaught exception.*\n.*planted renderer error/)
    await app.page.evaluate(() => {
      void Promise.reject(new Error('an unhandled rejection'))
    })
    await expect(app.close()).rejects.toThrow(/an unhandled rejection/)
  })
})

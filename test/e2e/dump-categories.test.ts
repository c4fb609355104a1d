import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, dropFile, openApp, type AppHarness } from '../support/app-harness'
import { writeDump, type Generated } from '../support/dump-writer'
import { SELF, binaryHolder, etsOwner, stuckSender } from '../support/dump-culprits'

/**
 * A registered ETS owner with a big table, a registered TCP sender whose peer never reads, and a
 * crowd of 3,000 processes spawned as timer:sleep/1, and a process holding 24 MiB of refc binaries.
 */
const SCENARIO = `
  ${SELF}
  _Crowd = [spawn(timer, sleep, [infinity]) || _ <- lists:seq(1, 3000)],
  ${binaryHolder(24)}
  ${etsOwner(30000)}
  ${stuckSender(4)}
  erlang:halt("categories")
`

describe('dump ETS and ports with owner names (real erl dump, real Chromium)', () => {
  let app: AppHarness
  let dir: string
  let dump: Generated

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'erlscope-e2e-dump-categories-'))
    dump = await writeDump(dir, 'categories', SCENARIO)
    app = await openApp()
  }, 120_000)
  afterAll(async () => {
    await app?.close()
    await closeBrowser()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const dumpTab = (tab: string): string => `[data-testid=dump-tabs] [data-tab=${tab}]`

  it('Summary: processes grouped by how they were spawned, the crowd named in the findings', async () => {
    const { page } = app
    await dropFile(app, dump.dump)
    await page.waitForSelector('[data-testid=slogan]')
    const findings = page.locator('[data-testid=findings]')
    await expect
      .poll(() => findings.innerText())
      .toMatch(/3,000 of [\d,]+ processes \(\d+ %\) were spawned as timer:sleep\/1/)
    const calls = page.locator('[data-testid=initial-calls]')
    const first = calls.locator('tbody tr').first()
    expect(await first.getAttribute('data-call')).toBe('timer:sleep/1')
    expect(await first.innerText()).toContain('3,000')
    await app.screenshots('dump-summary-findings')
    for (const [width, height] of [
      [1024, 640],
      [1440, 900]
    ]) {
      await page.setViewportSize({ width, height })
      await calls.evaluate((el) => el.scrollIntoView({ block: 'start' }))
      await app.screenshot(`dump-initial-calls-${width}`)
    }
    await page.locator('[data-dump-tab=summary]').evaluate((el) => (el.scrollTop = 0))
  })

  it('Summary: the process referencing the most refc binaries, first and in the findings', async () => {
    const { page } = app
    const findings = page.locator('[data-testid=findings]')
    await expect
      .poll(() => findings.innerText())
      .toMatch(/\(erlscope_bin_holder\).* references 2\d\.\d MiB of refc binaries/)
    const holders = page.locator('[data-testid=binary-holders]')
    const first = holders.locator('tbody tr').first()
    await expect.poll(() => first.innerText()).toContain('erlscope_bin_holder')
    expect(await first.innerText()).toMatch(/2\d\.\d MiB/)
    for (const [width, height] of [
      [1024, 640],
      [1440, 900]
    ]) {
      await page.setViewportSize({ width, height })
      await holders.evaluate((el) => el.scrollIntoView({ block: 'start' }))
      await app.screenshot(`dump-binary-holders-${width}`)
    }
    // the holder's pid opens that process
    await first.locator('.pid-link').click()
    await expect
      .poll(() => page.locator('[data-testid=process-drawer] .title').innerText())
      .toBe('erlscope_bin_holder')
    await page.locator('[data-testid=process-drawer] button.close').click()
    await page.locator('[data-dump-tab=summary]').evaluate((el) => (el.scrollTop = 0))
  })

  it('ETS: the largest table first with its owner name, the total against =memory ets', async () => {
    const { page } = app
    await page.click(dumpTab('ets'))
    const ets = page.locator('[data-section=ets]')
    const first = ets.locator('.row').first()
    await expect.poll(() => first.innerText()).toContain('erlscope_big_cache')
    await expect.poll(() => first.innerText()).toContain('erlscope_cache_owner')
    expect(await first.innerText()).toMatch(/MiB/)
    expect(await ets.locator('.toolbar').innerText()).toMatch(
      /tables hold [\d.]+ MiB of [\d.]+ MiB ets memory \(\d+ %\)/
    )
    await app.screenshots('dump-ets-owners')
    // the owner's pid opens that process
    await first.locator('.pid-link').click()
    await expect
      .poll(() => page.locator('[data-testid=process-drawer] .title').innerText())
      .toBe('erlscope_cache_owner')
    await page.locator('[data-testid=process-drawer] button.close').click()
  })

  it('Ports: largest queue first with the connected process named', async () => {
    const { page } = app
    await page.click(dumpTab('ports'))
    const ports = page.locator('[data-section=ports]')
    const first = ports.locator('.row').first()
    await expect.poll(() => first.innerText()).toContain('erlscope_stuck_sender')
    expect(await first.innerText()).toContain('tcp_inet')
    expect(await first.innerText()).toMatch(/MiB/)
    await app.screenshots('dump-ports-owners')
  })
})

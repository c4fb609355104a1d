/**
 * Compressed dumps and dumps still being written, in the GUI: a dump written by a real erl,
 * compressed by the real zstd and xz tools, dropped on the window; a half-written dump that the
 * Refresh button completes.
 */
import { execFileSync } from 'node:child_process'
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, dropFile, openApp, type AppHarness } from '../support/app-harness'
import { writeDump, type Generated } from '../support/dump-writer'

const SCENARIO = `
  Box = spawn(fun() -> receive never -> ok end end),
  register(parcel_box, Box),
  [Box ! {parcel, N} || N <- lists:seq(1, 3000)],
  _Idle = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, 300)],
  timer:sleep(100),
  ok = file:write_file(Expected, pid_to_list(Box)),
  erlang:halt("compressed e2e: parcels pile up")
`

describe('compressed and still-written dumps in the GUI (real erl dump, real Chromium)', () => {
  let app: AppHarness
  let dir: string
  let dump: Generated

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'erlscope-e2e-compressed-'))
    dump = await writeDump(dir, 'parcels', SCENARIO)
    app = await openApp({ viewport: { width: 1024, height: 640 } })
  })
  afterAll(async () => {
    await app?.close()
    await closeBrowser()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const summary = (): ReturnType<AppHarness['page']['locator']> =>
    app.page.locator('[data-testid=dump-summary]')

  it('opens a zstd dump dropped on the window, with the same culprit as the plain file', async () => {
    const { page } = app
    execFileSync('zstd', ['-q', '-f', '-k', dump.dump])
    // named without a hint: the first bytes decide
    const packed = join(dir, 'from-ops.bin')
    writeFileSync(packed, readFileSync(`${dump.dump}.zst`))
    await dropFile(app, packed)
    await page.waitForSelector('[data-testid=slogan]', { timeout: 60_000 })
    expect(await page.locator('[data-testid=slogan]').innerText()).toBe('compressed e2e: parcels pile up')
    expect(await page.locator('[data-testid=dump-compression]').innerText()).toContain('zstd-compressed')
    await expect
      .poll(() => summary().locator('[data-top=mailbox] tbody tr').first().innerText())
      .toContain('parcel_box')
    expect(await summary().locator('[data-top=mailbox] tbody tr').first().innerText()).toContain('3,000')
    await app.screenshot('compressed-zstd-summary-1024')
  })

  it('a cut xz file shows what was decompressed and says the file is cut', async () => {
    const { page } = app
    execFileSync('xz', ['-f', '-k', dump.dump])
    const bytes = readFileSync(`${dump.dump}.xz`)
    const cut = join(dir, 'parcels-cut.dump.xz')
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)))
    await dropFile(app, cut)
    const banner = page.locator('[data-testid=truncation-banner]')
    await banner.waitFor({ timeout: 60_000 })
    expect(await banner.innerText()).toMatch(
      /The compressed file parcels-cut\.dump\.xz is cut: the xz data ends early/
    )
    expect(await page.locator('[data-testid=slogan]').innerText()).toBe('compressed e2e: parcels pile up')
    await page.setViewportSize({ width: 1440, height: 900 })
    await app.screenshot('compressed-xz-cut-1440')
    await page.setViewportSize({ width: 1024, height: 640 })
  })

  it('a dump still being written opens as such; Refresh reads the rest', async () => {
    const { page } = app
    const whole = readFileSync(dump.dump)
    const growing = join(dir, 'growing.dump')
    // what the VM has written so far: no =end yet, modified just now
    writeFileSync(growing, whole.subarray(0, Math.floor(whole.length * 0.4)))
    await dropFile(app, growing)
    const banner = page.locator('[data-testid=being-written-banner]')
    await banner.waitFor({ timeout: 60_000 })
    expect(await banner.innerText()).toMatch(/Being written\.\s+The dump is still being written/)
    expect(await page.locator('[data-testid=truncation-banner]').count()).toBe(0)
    await app.screenshot('dump-being-written-1024')
    await page.setViewportSize({ width: 1440, height: 900 })
    await app.screenshot('dump-being-written-1440')

    appendFileSync(growing, whole.subarray(Math.floor(whole.length * 0.4)))
    await page.click('[data-action=refresh-dump]')
    await expect
      .poll(() => page.locator('[data-testid=being-written-banner]').count(), { timeout: 60_000 })
      .toBe(0)
    await summary().waitFor()
    expect(await page.locator('[data-testid=truncation-banner]').count()).toBe(0)
    await expect
      .poll(() => summary().locator('[data-top=mailbox] tbody tr').first().innerText())
      .toContain('parcel_box')
    await app.screenshot('dump-being-written-refreshed-1440')
  })
})

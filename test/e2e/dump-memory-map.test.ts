import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, dropFile, openApp, type AppHarness } from '../support/app-harness'
import { writeDump, type Generated } from '../support/dump-writer'
import { MEMORY_MAP_ARGS, MEMORY_MAP_SCENARIO } from '../support/memory-map-dump'

describe('dump memory map: each category to its view, groups to the process table (real erl dump, real Chromium)', () => {
  let app: AppHarness
  let dir: string
  let dump: Generated

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'erlscope-e2e-memory-map-'))
    dump = await writeDump(dir, 'memory-map', MEMORY_MAP_SCENARIO, {}, MEMORY_MAP_ARGS)
    app = await openApp()
    await dropFile(app, dump.dump)
    await app.page.waitForSelector('[data-testid=slogan]')
  }, 120_000)
  afterAll(async () => {
    await app?.close()
    await closeBrowser()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const both = async (name: string, scrollTo?: string): Promise<void> => {
    const { page } = app
    for (const [width, height] of [
      [1024, 640],
      [1440, 900]
    ]) {
      await page.setViewportSize({ width, height })
      if (scrollTo) await page.locator(scrollTo).evaluate((el) => el.scrollIntoView({ block: 'start' }))
      await app.screenshot(`${name}-${width}`)
    }
  }
  const activeTab = (): Promise<string | null> =>
    app.page.locator('[data-dump-tab]').getAttribute('data-dump-tab')
  const backToSummary = async (): Promise<void> => {
    await app.page.click('[data-testid=dump-tabs] [data-tab=summary]')
    await app.page.waitForSelector('[data-testid=dump-summary] [data-testid=dump-memory]')
  }
  const link = (target: string): string => `[data-testid=dump-summary] [data-target=${target}]`

  it('every category of the Summary memory panel links to its view', async () => {
    const { page } = app
    await both('dump-memory-map', '[data-testid=dump-summary] [data-testid=dump-memory]')
    expect(await page.locator('[data-testid=dump-summary] [data-explain]').count()).toBe(7)

    await page.click(link('ets'))
    expect(await activeTab()).toBe('ets')
    await expect
      .poll(() => page.locator('[data-section=ets] .row').first().innerText())
      .toContain('erlscope_big_cache')

    await backToSummary()
    await page.click(link('processes'))
    expect(await activeTab()).toBe('processes')
    // largest first: the ETS owner's heap is the biggest here
    await expect
      .poll(() => page.locator('[data-testid=dump-processes] .row').first().innerText())
      .toContain('erlscope_cache_owner')

    await backToSummary()
    await page.click(link('ports'))
    expect(await activeTab()).toBe('ports')
    await backToSummary()
    await page.click(link('allocators'))
    expect(await activeTab()).toBe('memory')
    // the allocators tab's chart links the same way
    await page.click('[data-testid=dump-allocators] [data-target=modules]')
    expect(await activeTab()).toBe('modules')

    await backToSummary()
    const holders = page.locator('[data-testid=binary-holders]')
    await page.locator('[data-dump-tab=summary]').evaluate((el) => (el.scrollTop = 0))
    const height = await page.evaluate(() => window.innerHeight)
    const topOf = (): Promise<number> => holders.evaluate((el) => el.getBoundingClientRect().top)
    expect(await topOf()).toBeGreaterThan(height)
    await page.click(link('binary_holders'))
    expect(await activeTab()).toBe('summary')
    await expect.poll(() => holders.locator('tbody tr').first().innerText()).toContain('erlscope_bin_holder')
    // scrolled to the holders: their panel is in the window now
    await expect.poll(topOf).toBeLessThan(height - 100)
    expect(await topOf()).toBeGreaterThanOrEqual(0)
  })

  it('atom → the atom count against the +t limit and the atom memory', async () => {
    const { page } = app
    await backToSummary()
    await page.click(link('atoms'))
    expect(await activeTab()).toBe('atoms')
    const head = page.locator('[data-testid=atom-limit]')
    await expect.poll(() => head.innerText()).toMatch(/17,000\s+of a limit of 20,000 \(\+t\)/)
    expect(await head.innerText()).toContain('85.0 % of the limit')
    expect(await head.innerText()).toMatch(/Atom memory\s+[\d.]+ KiB/)
    expect(await head.getAttribute('class')).toContain('danger')
    await expect
      .poll(() => page.locator('[data-section=atoms] .toolbar').innerText())
      .toContain('17,000 of a limit of 20,000 (85.0 %)')
    // the newest atoms first: the leak
    await expect
      .poll(() => page.locator('[data-section=atoms] .row').nth(1).innerText())
      .toMatch(/erlscope_leak_/)
    await both('dump-atoms')
    // the Summary's atom meter leads there too
    await backToSummary()
    await page.click('[data-testid=dump-summary] [data-action=show-atoms]')
    expect(await activeTab()).toBe('atoms')
  })

  it('code → modules largest first, the reloaded one flagged with its old code', async () => {
    const { page } = app
    await backToSummary()
    await page.click(link('modules'))
    expect(await activeTab()).toBe('modules')
    const mods = page.locator('[data-section=modules]')
    await expect
      .poll(() => mods.locator('.toolbar').innerText())
      .toMatch(
        /modules hold [\d.]+ MiB of [\d.]+ MiB code memory \(\d+ %\) · 1 with old code \([\d.]+ KiB\) not purged/
      )
    const row = mods.locator('.row', { hasText: 'erlscope_reloaded' })
    await expect.poll(() => row.innerText()).toMatch(/⚠ [\d.]+ KiB/)
    await both('dump-modules')
  })

  it('a parent group opens the Processes table filtered to it, a filter one can see and clear', async () => {
    const { page } = app
    await backToSummary()
    const parents = page.locator('[data-testid=parents]')
    const spawner = parents.locator('tr[data-parent=erlscope_spawner]')
    await expect.poll(() => spawner.innerText()).toContain('1,500')
    await both('dump-process-groups', '[data-testid=initial-calls]')
    await spawner.click()
    expect(await activeTab()).toBe('processes')
    const chip = page.locator('[data-testid=group-filter]')
    await expect.poll(() => chip.innerText()).toMatch(/^Parent:\s*erlscope_spawner/)
    const procs = page.locator('[data-testid=dump-processes]')
    await expect.poll(() => procs.locator('.toolbar').innerText()).toMatch(/1,500 matching/)
    await expect.poll(() => procs.locator('.row').first().innerText()).toContain('timer:sleep/1')
    await both('dump-processes-group')
    await chip.locator('[data-action=clear-group]').click()
    await expect.poll(() => chip.count()).toBe(0)
    await expect.poll(() => procs.locator('.toolbar').innerText()).not.toMatch(/1,500 matching/)

    // an initial-call group the same way
    await backToSummary()
    await page.locator('[data-testid=initial-calls] tr[data-call="timer:sleep/1"]').click()
    await expect
      .poll(() => page.locator('[data-testid=group-filter]').innerText())
      .toMatch(/^Initial call:\s*timer:sleep\/1/)
    await expect.poll(() => procs.locator('.toolbar').innerText()).toMatch(/1,500 matching/)
  })

  it('says on screen when the dictionary-read cap left processes out of the groups', async () => {
    const { page } = app
    const capped = await writeDump(
      dir,
      'capped',
      `Self = self(),
       Parent = spawn(fun() ->
         register(erlscope_pl_parent, self()),
         _ = [proc_lib:spawn(erlang, hibernate, [timer, sleep, [infinity]]) || _ <- lists:seq(1, 5300)],
         Self ! {ready, self()},
         receive never -> ok end
       end),
       receive {ready, Parent} -> ok end,
       erlang:halt("capped")`
    )
    await dropFile(app, capped.dump)
    await expect
      .poll(() => page.locator('[data-testid=slogan]').innerText(), { timeout: 60_000 })
      .toBe('capped')
    const note = page.locator('[data-testid=group-cap]')
    await expect
      .poll(() => note.innerText())
      .toMatch(
        /Groups are partial\. .* at most 5,000 proc_lib dictionaries .* \d{3} proc_lib processes were not read .* count as proc_lib:init_p\/5 with an unknown parent/
      )
    await expect
      .poll(() => page.locator('[data-testid=parents] tr[data-parent=erlscope_pl_parent]').innerText())
      .toMatch(/4,9\d\d|5,000/)
    await both('dump-group-cap', '[data-testid=group-cap]')
  })
})

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, openApp, type AppHarness } from '../support/app-harness'
import { startNode, type ErlNode } from '../support/erl-node'
import { SEEDED, pidOf, seedBigHeap, seedMailbox, seedYoungHeapGrower } from '../support/seeded-node'

describe('a live node in the GUI (real erl, real Chromium)', () => {
  let node: ErlNode
  let app: AppHarness
  const userDataDir = mkdtempSync(join(tmpdir(), 'erlscope-e2e-live-'))

  beforeAll(async () => {
    node = await startNode()
    await seedMailbox(node, 3000, 20)
    await seedBigHeap(node, 300_000)
    app = await openApp({ userDataDir })
  })
  afterAll(async () => {
    await app?.close()
    await node?.stop()
    await closeBrowser()
    rmSync(userDataDir, { recursive: true, force: true })
  })

  it('connects through the form and fills the memory chart', async () => {
    const { page } = app
    await page.click('.top-actions [data-action=connect]')
    await page.fill('[data-testid=connect-dialog] input[name=node]', node.name)
    await page.fill('[data-testid=connect-dialog] input[name=cookie]', node.cookie)
    await page.check('[data-testid=connect-dialog] input[name=save]')
    await page.fill('[data-testid=connect-dialog] input[name=name]', 'Seeded test node')
    await page.click('[data-action=do-connect]')
    await page.waitForSelector('[data-testid=overview] .gauge')
    expect(await page.locator('[data-testid=session-status]').innerText()).toContain(node.name)
    expect(await page.locator('[data-testid=overview]').innerText()).toMatch(/OTP 2\d/)
    await app.screenshot('live-overview')

    await page.click('.main-tabs [data-tab=memory]')
    await expect
      .poll(async () => page.locator('[data-testid=memory]').innerText(), { timeout: 15_000 })
      .toMatch(/[3-9] samples|\d\d+ samples/)
    const total = await page.locator('[data-category=total] .num').first().innerText()
    expect(total).toMatch(/MiB/)
    await app.screenshot('live-memory')
  })

  it('finds the leaky process first by mailbox, opens it, and reads its messages behind the guard', async () => {
    const { page } = app
    const leakyPid = await pidOf(node, SEEDED.mailbox)
    await page.click('.main-tabs [data-tab=processes]')
    await page.click('[data-sort=message_queue_len]')
    await expect
      .poll(async () => page.locator('[data-testid=processes] .row').first().getAttribute('data-key'), {
        timeout: 15_000
      })
      .toBe(leakyPid)
    expect(await page.locator('[data-testid=processes] .row').first().innerText()).toContain(SEEDED.mailbox)
    await app.screenshot('live-processes-by-mailbox')

    await page.click(`[data-testid=processes] .row[data-key="${leakyPid}"]`)
    await page.waitForSelector('[data-testid=process-drawer] dl')
    expect(await page.locator('[data-testid=process-drawer]').innerText()).toContain(SEEDED.mailbox)
    await page.click('[data-testid=process-drawer] [data-tab=messages]')
    await page.waitForSelector('[data-testid=message-guard]')
    expect(await page.locator('[data-testid=message-guard]').innerText()).toMatch(/\d/)
    await page.click('[data-action=confirm-messages]')
    await page.waitForSelector('[data-testid=messages] ol li')
    expect(await page.locator('[data-testid=messages] ol li').count()).toBe(100)
    expect(await page.locator('[data-testid=messages] ol li').first().innerText()).toMatch(/\{job,/)
    await app.screenshot('live-process-messages')
  })

  it('finds the leaky process by growth of its mailbox over a window', async () => {
    const { page } = app
    const leakyPid = await pidOf(node, SEEDED.mailbox)
    await page.click('[data-testid=process-drawer] button.close')
    await page.click('[data-sort=growth]')
    await page.selectOption('[data-testid=processes] select[title="What grows"]', 'message_queue_len')
    await page.selectOption('[data-testid=processes] select[title="Window between the two samples"]', '2000')
    // the rows of the mailbox ranking stay on screen until the growth ranking (two samples 2 s
    // apart on the node) arrives: wait for that load to finish before reading the first row
    await expect.poll(() => page.locator('[data-testid=processes] [data-col=sortValue]').count()).toBe(1)
    await expect
      .poll(() => page.locator('[data-action=refresh]').innerText(), { timeout: 20_000 })
      .toBe('Refresh')
    expect(await page.locator('[data-testid=processes] .row').first().getAttribute('data-key')).toBe(leakyPid)
    const delta = await page
      .locator('[data-testid=processes] .row')
      .first()
      .locator('.cell')
      .nth(2)
      .innerText()
    expect(Number(delta.replace(/,/g, ''))).toBeGreaterThan(0)
    await app.screenshot('live-processes-by-growth')
  })

  it('ranks the growing heap first by growth of heap_size, in bytes', async () => {
    const { page } = app
    await seedYoungHeapGrower(node)
    try {
      const growerPid = await pidOf(node, SEEDED.youngHeapGrower)
      await page.selectOption('[data-testid=processes] select[title="What grows"]', 'heap_size')
      await expect
        .poll(() => page.locator('[data-testid=processes] [data-col=sortValue]').innerText())
        .toMatch(/Δ heap/)
      await expect
        .poll(async () => page.locator('[data-testid=processes] .row').first().getAttribute('data-key'), {
          timeout: 20_000
        })
        .toBe(growerPid)
      await expect
        .poll(() => page.locator('[data-action=refresh]').innerText(), { timeout: 20_000 })
        .toBe('Refresh')
      const delta = await page
        .locator('[data-testid=processes] .row')
        .first()
        .locator('.cell')
        .nth(2)
        .innerText()
      expect(delta).toMatch(/^\+[\d.]+ (KiB|MiB|GiB)$/)
      for (const size of [
        { width: 1024, height: 640 },
        { width: 1440, height: 900 }
      ]) {
        await page.setViewportSize(size)
        await app.screenshot(`live-processes-by-heap-growth-${size.width}`)
      }
    } finally {
      await node.eval(
        `M = monitor(process, whereis(${SEEDED.youngHeapGrower})), ${SEEDED.youngHeapGrower} ! stop, receive {'DOWN', M, _, _, _} -> ok end`
      )
    }
  })

  it('ranks the big heap first by memory', async () => {
    const { page } = app
    const heapPid = await pidOf(node, SEEDED.bigHeap)
    await page.click('[data-sort=memory]')
    await expect
      .poll(async () => page.locator('[data-testid=processes] .row').first().getAttribute('data-key'), {
        timeout: 15_000
      })
      .toBe(heapPid)
  })

  it('shows the allocators', async () => {
    const { page } = app
    await page.click('.main-tabs [data-tab=allocators]')
    await page.waitForSelector('[data-testid=allocators] .row', { timeout: 20_000 })
    const text = await page.locator('[data-testid=allocators]').innerText()
    expect(text).toMatch(/eheap_alloc\[\d+\]/)
    expect(text).toMatch(/binary_alloc\[\d+\]/)
    await app.screenshot('live-allocators')
  })

  it('keeps saved connections across a restart of the handler table, without the cookie', async () => {
    await app.close({ keepUserData: true })
    app = await openApp({ userDataDir })
    const item = app.page.locator(`[data-testid=node-list] [data-node="${node.name}"]`)
    await item.waitFor()
    expect(await item.innerText()).toContain('Seeded test node')
    const listed = await app.page.evaluate(() => window.erlscope!.request['connections:list']())
    expect(JSON.stringify(listed)).not.toContain(node.cookie)
    await item.locator('button.main').click()
    await app.page.waitForSelector('[data-testid=overview] .gauge')
    await app.screenshot('live-reconnected-from-saved')
  })
})

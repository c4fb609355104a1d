import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, dropFile, openApp, type AppHarness } from '../support/app-harness'
import { writeDump, type Generated } from '../support/dump-writer'
import { startNode, type ErlNode } from '../support/erl-node'
import { connectThroughDialog } from '../support/connect-dialog'

/** A registered owner with an ETS table, a timer and a registered child it spawned and linked. */
const OWNER_AND_CHILD = `
  Self = self(),
  Owner = spawn(fun() ->
    group_leader(whereis(user), self()),
    ets:new(pidlink_orders, [named_table, public]),
    Child = spawn_link(fun() -> receive never -> ok end end),
    register(pidlink_child, Child),
    erlang:send_after(600000, self(), tick),
    Self ! {ready, self()},
    receive never -> ok end
  end),
  receive {ready, Owner} -> ok end,
  register(pidlink_owner, Owner)
`

const DUMP = `
  begin ${OWNER_AND_CHILD} end,
  ok = file:write_file(Expected, pid_to_list(whereis(pidlink_owner)) ++ " " ++ pid_to_list(whereis(pidlink_child))),
  erlang:halt("pid links")
`

describe('pids everywhere open that process and show its name', () => {
  let app: AppHarness
  let dir: string
  let dump: Generated
  let node: ErlNode

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'erlscope-e2e-pids-'))
    ;[dump, node] = await Promise.all([writeDump(dir, 'pids', DUMP), startNode()])
    await node.eval(`begin ${OWNER_AND_CHILD} end, ok`)
    app = await openApp()
  })
  afterAll(async () => {
    await app?.close()
    await node?.stop()
    await closeBrowser()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('in a dump: ETS owner, timer owner, links and "spawned by"', async () => {
    const { page } = app
    const [owner, child] = readFileSync(dump.expected, 'utf8').split(' ')
    await dropFile(app, dump.dump)
    await page.waitForSelector('[data-testid=slogan]', { timeout: 60_000 })
    const drawer = page.locator('[data-testid=process-drawer]')

    await page.click('[data-testid=dump-tabs] [data-tab=ets]')
    await page.fill('[data-section=ets] input.filter', 'pidlink_orders')
    const ownerLink = page.locator(`[data-section=ets] .row .pid-link[data-pid="${owner}"]`)
    await ownerLink.waitFor({ timeout: 30_000 })
    // the owner's registered name shows beside its pid
    await expect.poll(() => ownerLink.innerText(), { timeout: 30_000 }).toContain('pidlink_owner')
    await app.screenshot('pids-dump-ets-owner')
    await ownerLink.click()
    await expect.poll(() => drawer.locator('.title').innerText(), { timeout: 30_000 }).toBe('pidlink_owner')

    // a link in the drawer opens the child; its "spawned by" opens the owner again
    const childLink = drawer.locator(`.list .pid-link[data-pid="${child}"]`)
    await expect.poll(() => childLink.innerText(), { timeout: 30_000 }).toContain('pidlink_child')
    await childLink.click()
    await expect.poll(() => drawer.locator('.title').innerText(), { timeout: 30_000 }).toBe('pidlink_child')
    const spawnedBy = drawer.locator(`dt:text-is("Spawned by") + dd .pid-link[data-pid="${owner}"]`)
    await expect.poll(() => spawnedBy.innerText(), { timeout: 30_000 }).toContain('pidlink_owner')
    await app.screenshot('pids-dump-drawer-links')
    await spawnedBy.click()
    await expect.poll(() => drawer.locator('.title').innerText(), { timeout: 30_000 }).toBe('pidlink_owner')
    await page.keyboard.press('Escape')
    await expect.poll(() => drawer.count()).toBe(0)

    await page.click('[data-testid=dump-tabs] [data-tab=timers]')
    const timerOwner = page.locator(`[data-section=timers] .row .pid-link[data-pid="${owner}"]`)
    await timerOwner.waitFor({ timeout: 30_000 })
    await timerOwner.click()
    await expect.poll(() => drawer.locator('.title').innerText(), { timeout: 30_000 }).toBe('pidlink_owner')
    await page.keyboard.press('Escape')
  })

  it('in a live drawer: links and the group leader', async () => {
    const { page } = app
    const child = (await node.eval('list_to_binary(pid_to_list(whereis(pidlink_child)))')).replace(
      /^<<"|">>$/g,
      ''
    )
    await connectThroughDialog(page, node)
    await page.click('.main-tabs [data-tab=processes]')
    await page.fill('[data-testid=processes] input.filter', 'pidlink_owner')
    const row = page.locator('[data-testid=processes] .row', { hasText: 'pidlink_owner' })
    await row.waitFor({ timeout: 30_000 })
    await row.click()
    const drawer = page.locator('[data-testid=process-drawer]')
    await drawer.locator('dl').waitFor({ timeout: 30_000 })
    const link = drawer.locator(`.list .pid-link[data-pid="${child}"]`)
    await expect.poll(() => link.innerText(), { timeout: 30_000 }).toContain('pidlink_child')
    // the group leader is a pid too, named
    const leader = drawer.locator('dt:text-is("Group leader") + dd .pid-link')
    await expect.poll(() => leader.innerText(), { timeout: 30_000 }).toContain('user')
    await app.screenshot('pids-live-drawer-links')
    await link.click()
    await expect.poll(() => drawer.locator('.title').innerText(), { timeout: 30_000 }).toBe('pidlink_child')
  })
})

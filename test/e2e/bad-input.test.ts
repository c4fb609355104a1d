import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, dropFile, openApp, type AppHarness } from '../support/app-harness'
import { writeDump, type Generated } from '../support/dump-writer'
import { randomAlive, startNode, type ErlNode } from '../support/erl-node'

/** Strings that would run script if they ever reached the DOM as HTML instead of text. */
const HOSTILE_NAME = '<img src=x onerror=window.__pwned=1>'
const HOSTILE_MESSAGE = '<script>window.__pwned=2</script>'
const HOSTILE_SLOGAN = '<img src=y onerror=window.__pwned=3>'

/** Registers a process under the hostile atom and puts hostile binaries in its mailbox. */
const HOSTILE_PROCESS = `
  P = spawn(fun() -> put(note, "<b>dict</b>"), receive never_sent -> ok end end),
  true = register('${HOSTILE_NAME}', P),
  P ! <<"${HOSTILE_MESSAGE}">>,
  P ! {'<i>tag</i>', "<svg onload=window.__pwned=4>"},
  P`

const HOSTILE_DUMP = `
  P = begin ${HOSTILE_PROCESS} end,
  timer:sleep(100),
  ok = file:write_file(Expected, pid_to_list(P)),
  erlang:halt("${HOSTILE_SLOGAN}")
`

const GOOD_DUMP = `
  Box = spawn(fun() -> receive never -> ok end end),
  register(good_box, Box),
  [Box ! {good, N} || N <- lists:seq(1, 10)],
  timer:sleep(100),
  ok = file:write_file(Expected, pid_to_list(Box)),
  erlang:halt("a good dump after bad files")
`

const pwned = (page: Page): Promise<unknown> =>
  page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)

/** Elements that only injected markup could have created inside `scope`. */
const injected = (page: Page, scope: string): Promise<number> =>
  page.locator(`${scope} img, ${scope} script, ${scope} svg[onload], ${scope} b, ${scope} i`).count()

describe('bad input in the GUI: clear errors, nothing lost, strings stay text', () => {
  let app: AppHarness
  let dir: string
  let hostileDump: Generated
  let goodDump: Generated
  let node: ErlNode
  const extraNodes: ErlNode[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'erlscope-e2e-bad-'))
    ;[hostileDump, goodDump, node] = await Promise.all([
      writeDump(dir, 'hostile', HOSTILE_DUMP),
      writeDump(dir, 'good', GOOD_DUMP),
      startNode()
    ])
    app = await openApp()
  })
  afterAll(async () => {
    await app?.close()
    await node?.stop()
    for (const n of extraNodes) await n.stop()
    await closeBrowser()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const dialog = '[data-testid=connect-dialog]'
  const status = '[data-testid=session-status]'

  async function fillConnect(page: Page, nodeName: string, cookie: string): Promise<void> {
    if ((await page.locator(dialog).count()) === 0) await page.click('.top-actions [data-action=connect]')
    await page.fill(`${dialog} input[name=node]`, nodeName)
    await page.fill(`${dialog} input[name=cookie]`, cookie)
  }

  it('says the cookie is wrong, keeps the dialog usable, then connects with the right one', async () => {
    const { page } = app
    await fillConnect(page, node.name, `wrong-${node.cookie}`)
    await page.click('[data-action=do-connect]')
    const error = page.locator('[data-testid=connect-error]')
    await error.waitFor({ timeout: 30_000 })
    expect(await error.innerText()).toMatch(/cookie/i)
    expect(await error.innerText()).toContain(node.name)
    await app.screenshot('bad-input-wrong-cookie')

    // the dialog is still there, with what was typed, and can be used again
    expect(await page.locator(`${dialog} input[name=node]`).inputValue()).toBe(node.name)
    expect(await page.locator('[data-action=do-connect]').isEnabled()).toBe(true)
    expect(await page.locator(status).innerText()).toContain('Not connected')

    await page.fill(`${dialog} input[name=cookie]`, node.cookie)
    await page.click('[data-action=do-connect]')
    await page.waitForSelector('[data-testid=overview] .gauge', { timeout: 30_000 })
    expect(await page.locator(dialog).count()).toBe(0)
    await expect.poll(() => page.locator(status).innerText(), { timeout: 30_000 }).toContain('connected')
    expect(await page.locator(status).innerText()).toContain(node.name)
  })

  it('names the nodes EPMD has when the node name is unknown', async () => {
    const { page } = app
    const unknown = `${randomAlive('erlscope_nosuch')}@${node.host}`
    await fillConnect(page, unknown, node.cookie)
    await page.click('[data-action=do-connect]')
    const error = page.locator('[data-testid=connect-error]')
    await error.waitFor({ timeout: 30_000 })
    const text = await error.innerText()
    expect(text).toContain(unknown.split('@')[0])
    expect(text).toContain(node.name)
    await app.screenshot('bad-input-unknown-node')
    expect(await page.locator('[data-action=do-connect]').isEnabled()).toBe(true)
    await page.click(`${dialog} footer button:has-text("Cancel")`)
    expect(await page.locator(dialog).count()).toBe(0)
    // the existing session is untouched
    expect(await page.locator(status).innerText()).toContain(node.name)
  })

  it('shows hostile process names and messages of a live node as text', async () => {
    const { page } = app
    const pid = (await node.eval(`list_to_binary(pid_to_list(begin ${HOSTILE_PROCESS} end))`)).replace(
      /^<<"|">>$/g,
      ''
    )
    await page.click('.main-tabs [data-tab=processes]')
    await page.fill('[data-testid=processes] input.filter', 'pwned')
    const row = page.locator(`[data-testid=processes] .row[data-key="${pid}"]`)
    await row.waitFor({ timeout: 30_000 })
    expect(await row.innerText()).toContain(HOSTILE_NAME)
    // the filter runs on the node over the printed name: only the hostile process matches
    await expect
      .poll(() => page.locator('[data-testid=processes] .summary').innerText(), { timeout: 30_000 })
      .toMatch(/^1 shown of 1 matching/)

    await row.click()
    const drawer = page.locator('[data-testid=process-drawer]')
    await drawer.locator('dl').waitFor({ timeout: 30_000 })
    expect(await drawer.locator('.title').innerText()).toContain(HOSTILE_NAME)
    await drawer.locator('[data-tab=messages]').click()
    const items = drawer.locator('[data-testid=messages] ol li')
    await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(2)
    expect(await items.nth(0).innerText()).toContain(`<<"${HOSTILE_MESSAGE}">>`)
    expect(await items.nth(1).innerText()).toContain('<svg onload=window.__pwned=4>')
    await drawer.locator('[data-tab=dictionary]').click()
    expect(await drawer.innerText()).toContain('<b>dict</b>')
    await app.screenshot('bad-input-live-hostile')

    expect(await pwned(page)).toBeUndefined()
    expect(await injected(page, '[data-testid=processes]')).toBe(0)
    await drawer.locator('button.close').click()
    await page.fill('[data-testid=processes] input.filter', '')
    await expect
      .poll(() => page.locator('[data-testid=processes] .summary').innerText(), { timeout: 30_000 })
      .toMatch(/^\d\d+ shown of \d\d+ matching/)
  })

  it('survives a SIGKILLed node: reconnecting, a stale-data banner in Processes, back when it restarts', async () => {
    const { page } = app
    await page.click('.main-tabs [data-tab=processes]')
    await page.locator('[data-testid=processes] .row').first().waitFor({ timeout: 30_000 })
    const { alive, cookie } = node
    node.kill()
    await expect.poll(() => page.locator(status).innerText(), { timeout: 30_000 }).toContain('reconnecting…')

    const banner = page.locator('[data-testid=processes] [data-testid=stale-banner]')
    await expect.poll(() => banner.count(), { timeout: 30_000 }).toBe(1)
    expect(await banner.innerText()).toMatch(/node unreachable since \d\d:\d\d:\d\d, retrying/)
    // Refresh while the node is away: the same banner, the rows of before stay
    await page.click('[data-action=refresh]')
    expect(await banner.innerText()).toMatch(/retrying/)
    expect(await page.locator('[data-testid=processes] .row').count()).toBeGreaterThan(0)
    await app.screenshot('bad-input-node-killed')
    expect(await page.locator('.shell').count()).toBe(1)
    // the other node tabs say the same and keep what they showed
    for (const tab of ['overview', 'allocators'] as const) {
      await page.click(`.main-tabs [data-tab=${tab}]`)
      await expect
        .poll(() => page.locator(`[data-testid=${tab}] [data-testid=stale-banner]`).innerText(), {
          timeout: 30_000
        })
        .toMatch(/node unreachable since/)
    }
    await page.click('.main-tabs [data-tab=processes]')

    node = await startNode({ alive, cookie })
    await expect.poll(() => page.locator(status).innerText(), { timeout: 90_000 }).toMatch(/\bconnected\b/)
    expect(await page.locator(status).innerText()).not.toContain('reconnecting')
    await expect.poll(() => banner.count(), { timeout: 30_000 }).toBe(0)
    await page.locator('[data-testid=processes] .row').first().waitFor({ timeout: 30_000 })
    await app.screenshot('bad-input-node-back')
  })

  it('shows hostile names, messages and slogan of a crash dump as text', async () => {
    const { page } = app
    const pid = readFileSync(hostileDump.expected, 'utf8')
    await dropFile(app, hostileDump.dump)
    const slogan = page.locator('[data-testid=slogan]')
    await slogan.waitFor({ timeout: 60_000 })
    expect(await slogan.innerText()).toBe(HOSTILE_SLOGAN)
    await expect
      .poll(() => page.locator('[data-testid=dump-summary]').innerText(), { timeout: 30_000 })
      .toContain(HOSTILE_NAME)
    await app.screenshot('bad-input-dump-hostile-summary')

    await page.click('[data-testid=dump-tabs] [data-tab=processes]')
    const table = page.locator('[data-testid=dump-processes]')
    await page.fill('[data-testid=process-filter]', 'pwned')
    const row = table.locator(`.row[data-key="${pid}"]`)
    await row.waitFor({ timeout: 30_000 })
    expect(await row.innerText()).toContain(HOSTILE_NAME)
    await expect
      .poll(() => page.locator('[data-testid=dump-processes]').innerText(), { timeout: 30_000 })
      .toMatch(/Rows 1–1 of 1 matching/)
    await row.click()

    const drawer = page.locator('[data-testid=process-drawer]')
    await expect.poll(() => drawer.locator('.title').innerText(), { timeout: 30_000 }).toContain(HOSTILE_NAME)
    await drawer.locator('[data-tab=messages]').click()
    const items = drawer.locator('[data-testid=messages] ol.terms > li')
    await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(2)
    expect((await items.nth(0).innerText()).trim()).toBe(`<<"${HOSTILE_MESSAGE}">>`)
    expect(await items.nth(1).innerText()).toContain('<svg onload=window.__pwned=4>')
    await drawer.locator('[data-tab=dictionary]').click()
    expect(await drawer.innerText()).toContain('<b>dict</b>')
    await app.screenshot('bad-input-dump-hostile-drawer')

    expect(await pwned(page)).toBeUndefined()
    expect(await injected(page, '[data-testid=dump-workspace]')).toBe(0)
    expect(await injected(page, '[data-testid=dump-list]')).toBe(0)
  })

  it('says so when what answers on the EPMD port is not EPMD, instead of "no nodes"', async () => {
    const { page } = app
    const fake = createServer((s) => {
      s.on('error', () => {})
      s.once('data', () => s.end('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'))
    })
    const port = await new Promise<number>((r) =>
      fake.listen(0, '127.0.0.1', () => r((fake.address() as AddressInfo).port))
    )
    const before = process.env.ERL_EPMD_PORT
    process.env.ERL_EPMD_PORT = String(port)
    try {
      await page.click('.top-actions [data-action=connect]')
      const note = page.locator(`${dialog} p.muted:has-text("not EPMD")`)
      await note.waitFor({ timeout: 30_000 })
      expect(await note.innerText()).toContain(`Something answered on localhost:${port} but it is not EPMD`)
      expect(await note.innerText()).not.toContain('SSH')
      expect(await page.locator(`${dialog} :text("EPMD lists no nodes")`).count()).toBe(0)
      await app.screenshots('bad-input-not-epmd')
      await page.click(`${dialog} footer button:has-text("Cancel")`)
    } finally {
      if (before === undefined) delete process.env.ERL_EPMD_PORT
      else process.env.ERL_EPMD_PORT = before
      fake.close()
    }
  })

  it('a page that asks dump:open for files nobody chose is refused alike, learning nothing', async () => {
    const secret = join(dir, 'not-chosen.cookie')
    writeFileSync(secret, 'TOPSECRETCOOKIE\n')
    const replies = await app.page.evaluate(
      async (paths) => {
        const bridge = window.erlscope!
        return Promise.all(paths.map((p) => bridge.request['dump:open'](p)))
      },
      [secret, join(dir, 'absent.dump'), '/etc/passwd']
    )
    for (const r of replies) {
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid_request' } })
      expect(JSON.stringify(r)).not.toMatch(/TOPSECRET|root:/)
    }
    expect(new Set(replies.map((r) => JSON.stringify(r))).size).toBe(1)
  })

  it('reports non-dump files clearly, keeps them listed, and still opens a good dump', async () => {
    const { page } = app
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      randomBytes(4096)
    ])
    const noise = randomBytes(64 * 1024)
    noise[0] = 0x00 // never the '=' a dump starts with
    const files: { name: string; content: Buffer; says: RegExp }[] = [
      { name: 'empty.dump', content: Buffer.alloc(0), says: /not an Erlang crash dump: the file is empty/ },
      { name: 'picture.png', content: png, says: /not an Erlang crash dump: it is a PNG image/ },
      {
        name: 'noise.bin',
        content: noise,
        says: /not an Erlang crash dump: it does not start with "=erl_crash_dump:"/
      },
      {
        name: 'notes.txt',
        content: Buffer.from('hello <b>there</b>\n'),
        says: /notes\.txt is not an Erlang crash dump: it does not start with "=erl_crash_dump:"\./
      },
      {
        name: 'half.dump',
        content: Buffer.concat([Buffer.from('=erl_crash_dump:0.5\n'), randomBytes(32 * 1024)]),
        says: /./
      }
    ]
    for (const f of files) {
      const path = join(dir, f.name)
      writeFileSync(path, f.content)
      await dropFile(app, path)
      const item = page.locator('[data-testid=dump-list] .item.active')
      await expect.poll(() => item.innerText(), { timeout: 30_000 }).toContain(f.name)
      await expect.poll(() => item.getAttribute('data-state'), { timeout: 60_000 }).not.toBe('indexing')
      if (f.name === 'half.dump') {
        // a dump header over garbage: either a (mostly empty) dump or a clear error, never a hang
        if ((await item.getAttribute('data-state')) === 'open') {
          await page.locator('[data-testid=dump-workspace]').waitFor({ timeout: 30_000 })
        } else {
          expect(await page.locator('[data-testid=dump-indexing] .error').innerText()).not.toBe('')
        }
        await app.screenshot('bad-input-half-dump')
        continue
      }
      expect(await item.getAttribute('data-state')).toBe('failed')
      // one sentence naming the file; its full path is shown once, above the error
      expect(await item.locator('.err').innerText()).toMatch(new RegExp(`^${f.name} is `))
      expect(await item.innerText()).toMatch(f.says)
      expect(await item.innerText()).not.toContain(dir)
      const workspace = page.locator('[data-testid=dump-indexing]')
      expect(await workspace.locator('h2').innerText()).toBe(`Could not open ${f.name}`)
      expect(await workspace.locator('.path').innerText()).toBe(path)
      expect(await workspace.locator('.error').innerText()).toMatch(f.says)
      expect(await page.locator('.statusbar .error').innerText()).toMatch(f.says)
      await app.screenshot(`bad-input-drop-${f.name.replace('.', '-')}`)
    }
    expect(await injected(page, '[data-testid=dump-list]')).toBe(0)
    expect(await injected(page, '.statusbar')).toBe(0)

    await dropFile(app, goodDump.dump)
    await expect
      .poll(() => page.locator('[data-testid=slogan]').innerText(), { timeout: 60_000 })
      .toBe('a good dump after bad files')
    const items = page.locator('[data-testid=dump-list] .item')
    // the hostile dump, five dropped files, the good dump: nothing dropped was lost
    expect(await items.count()).toBe(7)
    expect(await page.locator('[data-testid=dump-list] .item[data-state=failed]').count()).toBe(4)
    // the error of an earlier file no longer sits in the status bar under a dump that opened
    expect(await page.locator('.statusbar .error').count()).toBe(0)
    expect(await page.locator('[data-testid=dump-list] .item.active').innerText()).toContain('good.dump')
    await app.screenshot('bad-input-good-after-bad')

    // the earlier dump is still open and readable
    await items.filter({ hasText: 'hostile.dump' }).click()
    await expect
      .poll(() => page.locator('[data-testid=slogan]').innerText(), { timeout: 30_000 })
      .toBe(HOSTILE_SLOGAN)
    expect(await pwned(page)).toBeUndefined()
  })
})

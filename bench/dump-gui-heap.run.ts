import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, it } from 'vitest'
import { closeBrowser, dropFile, openApp, type AppHarness } from '../test/support/app-harness'

/** See bench/dump-gui-heap.mjs for what this measures and how to run it. */
const results = join(__dirname, 'results')
// ERLSCOPE_BENCH_SIZES=1m runs only the 1M dump (names: 10k, 100k, 1m)
const only = process.env.ERLSCOPE_BENCH_SIZES?.split(',')
const SIZES = (
  [
    ['dump-10k', 10_000, 60],
    ['dump-100k', 100_000, 60],
    ['dump-1m', 1_000_000, 10]
  ] as [name: string, procs: number, listLen: number][]
).filter(([name]) => !only || only.includes(name.slice(5)))

/** The same dumps as bench/dump-bench.mjs (each process keeps one message with a list). */
function generate(name: string, procs: number, listLen: number): string {
  const file = join(results, `${name}.dump`)
  if (existsSync(file) && statSync(file).size > 0) return file
  mkdirSync(results, { recursive: true })
  console.log(`generating ${file} (${procs} processes) ...`)
  const expr = `Ps = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, ${procs})],
    _ = [P ! {data, N, lists:seq(1, ${listLen})} || {N, P} <- lists:zip(lists:seq(1, length(Ps)), Ps)],
    timer:sleep(1000), erlang:halt("erlscope bench: ${procs} processes")`
  spawnSync('erl', ['+P', String(procs * 2 + 1000), '-noshell', '-eval', expr], {
    env: { ...process.env, ERL_CRASH_DUMP: file, ERL_CRASH_DUMP_SECONDS: '3600' },
    stdio: 'inherit'
  })
  return file
}

let app: AppHarness | undefined
afterAll(async () => {
  await app?.close()
  await closeBrowser()
})

const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)}`

it('renderer heap of the dump process table at 10k, 100k and 1M processes', async () => {
  const lines: string[] = []
  for (const [name, procs, listLen] of SIZES) {
    const dump = generate(name, procs, listLen)
    app = await openApp({ viewport: { width: 1440, height: 900 } })
    const { page } = app
    const cdp = await page.context().newCDPSession(page)
    const heap = async (): Promise<number> => {
      await cdp.send('HeapProfiler.collectGarbage')
      await cdp.send('HeapProfiler.collectGarbage')
      return (await cdp.send('Runtime.getHeapUsage')).usedSize
    }
    const before = await heap()
    const t0 = Date.now()
    await dropFile(app, dump)
    await page.waitForSelector('[data-testid=slogan]', { timeout: 600_000 })
    const opened = Date.now() - t0
    await page.click('[data-testid=dump-tabs] [data-tab=processes]')
    const table = page.locator('[data-testid=dump-processes]')
    await table.locator('.row').first().waitFor({ timeout: 300_000 })
    const atTop = await heap()
    const viewport = table.locator('.viewport')
    const settle = async (): Promise<number> => {
      const t = Date.now()
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid=dump-processes] .pending').length === 0,
        undefined,
        { timeout: 120_000 }
      )
      return Date.now() - t
    }
    await viewport.evaluate((el) => (el.scrollTop = el.scrollHeight / 2))
    const midMs = await settle()
    const atMiddle = await heap()
    await viewport.evaluate((el) => (el.scrollTop = el.scrollHeight))
    const endMs = await settle()
    const atEnd = await heap()
    const lastShown = Number(await table.locator('.row').last().getAttribute('data-index')) + 1
    // scroll through 2,000 rows in small steps, as a wheel would
    for (let i = 0; i < 40; i++) await viewport.evaluate((el) => (el.scrollTop -= 1300))
    await settle()
    const sortT = Date.now()
    await table.locator('[data-col=messageQueueLength]').click()
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid=dump-processes] [aria-sort]')?.getAttribute('data-col') ===
          'messageQueueLength' && document.querySelector('[data-testid=dump-processes] .row') !== null,
      undefined,
      { timeout: 300_000 }
    )
    await settle()
    const sortMs = Date.now() - sortT
    const sorted = await heap()
    const loaded = Number(await table.locator('.vtable').getAttribute('data-loaded-rows'))
    // the anchor: the same renderer holding every row (fetched through the same API, 5,000 a call)
    const opened_ = await app.services.handlers['dump:list']()
    const dumpId = opened_[opened_.length - 1].dumpId
    await page.evaluate(async (id) => {
      const api = (
        window as unknown as Record<
          string,
          {
            request: Record<
              string,
              (...a: unknown[]) => Promise<{ ok: boolean; value: { rows: unknown[]; matched: number } }>
            >
          }
        >
      ).erlscope
      const all: unknown[] = []
      for (let offset = 0; ; offset += 5000) {
        const reply = await api.request['dump:processes'](id, {
          sortBy: 'memory',
          descending: true,
          offset,
          limit: 5000
        })
        const page = reply.value
        all.push(...page.rows)
        if (all.length >= page.matched || page.rows.length === 0) break
      }
      ;(window as unknown as { __allRows: unknown[] }).__allRows = all
    }, dumpId)
    const allRows = await heap()
    lines.push(
      `${procs.toLocaleString('en-US').padStart(9)} processes | opened ${(opened / 1000).toFixed(1)} s | heap MiB: empty ${mib(before)}, table ${mib(atTop)}, middle ${mib(atMiddle)} (${midMs} ms), end ${mib(atEnd)} (${endMs} ms, row ${lastShown.toLocaleString('en-US')} shown), sorted ${mib(sorted)} (${sortMs} ms) | rows held ${loaded} | anchor, every row held: ${mib(allRows)} (${(allRows / Math.max(atEnd, sorted)).toFixed(1)}x)`
    )
    await app.close()
    app = undefined
  }
  console.log(['', ...lines, ''].join('\n'))
})

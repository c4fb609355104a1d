import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeBrowser, dropFile, openApp, type AppHarness } from '../support/app-harness'
import { writeDump, type Generated } from '../support/dump-writer'

/**
 * 30 gen_servers of a module compiled in the node, one proc_lib process whose data (a
 * 60,000-element list in its dictionary) is too big to be read for a table row, and two
 * RabbitMQ-like queue processes told apart by the `process_name` in their dictionaries.
 */
const SCENARIO = `
  Src = "-module(shop_worker). -behaviour(gen_server).
         -export([init/1, handle_call/3, handle_cast/2]).
         init(N) -> {ok, lists:seq(1, N)}.
         handle_call(_, _, S) -> {reply, ok, S}.
         handle_cast(_, S) -> {noreply, S}. ",
  Parse = fun Go(S, Acc) ->
      case erl_scan:tokens([], S, 1) of
        {done, {ok, T, _}, Rest} -> {ok, F} = erl_parse:parse_form(T), Go(Rest, [F | Acc]);
        _ -> lists:reverse(Acc)
      end
    end,
  {ok, Mod, Bin} = compile:forms(Parse(Src, [])),
  {module, Mod} = code:load_binary(Mod, "shop_worker.erl", Bin),
  Workers = [element(2, gen_server:start(shop_worker, N * 100, [])) || N <- lists:seq(1, 30)],
  Big = proc_lib:spawn(fun() -> put(big, lists:seq(1, 60000)), receive stop -> ok end end),
  Queue = fun(Name) ->
      QName = iolist_to_binary([Name]),
      proc_lib:spawn(fun() ->
          put(process_name, {rabbit_amqqueue_process, {resource, iolist_to_binary(["/"]), queue, QName}}),
          receive stop -> ok end
        end)
    end,
  Orders = Queue("orders"),
  Invoices = Queue("invoices"),
  timer:sleep(200),
  ok = file:write_file(Expected, [pid_to_list(lists:last(Workers)), " ", pid_to_list(Big), " ",
                                  pid_to_list(Orders), " ", pid_to_list(Invoices)]),
  erlang:halt("initial calls")
`

describe("the dump process table shows proc_lib's '$initial_call' (real erl dump, real Chromium)", () => {
  let app: AppHarness
  let dir: string
  let gen: Generated

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'erlscope-e2e-initial-call-'))
    gen = await writeDump(dir, 'shop', SCENARIO)
    app = await openApp()
  })
  afterAll(async () => {
    await app?.close()
    await closeBrowser()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('names gen_servers by their initial call and marks the raw proc_lib one', async () => {
    const [worker, big, orders, invoices] = readFileSync(gen.expected, 'utf8').split(' ')
    const { page } = app
    await dropFile(app, gen.dump)
    await page.waitForSelector('[data-testid=slogan]')
    await page.click('[data-testid=dump-tabs] [data-tab=processes]')
    const table = page.locator('[data-testid=dump-processes]')
    await table.locator('.row').first().waitFor()
    // largest first: the biggest gen_server and the big proc_lib process are on top
    const row = (pid: string) => table.locator(`.row[data-key="${pid}"]`)
    const nameCell = (pid: string) => row(pid).locator('.cell').nth(1)
    await expect.poll(() => row(worker).innerText()).toContain('shop_worker:init/1')
    expect(await nameCell(worker).getAttribute('title')).toBe(
      "From proc_lib's '$initial_call'; the dump says proc_lib:init_p/5"
    )
    await expect.poll(() => row(big).innerText()).toContain('(raw) proc_lib:init_p/3')
    expect(await nameCell(big).getAttribute('title')).toContain("'$initial_call' was not read for the table")
    expect(await table.innerText()).not.toContain('proc_lib:init_p/5')
    // RabbitMQ queues told apart by their process_name, in a Label column of its own
    await expect.poll(() => table.locator('.head').innerText()).toContain('Label')
    const labelCell = (pid: string) => row(pid).locator('.cell').nth(2)
    for (const [pid, queue] of [
      [invoices, 'invoices'],
      [orders, 'orders']
    ]) {
      await page.fill('[data-testid=process-filter]', pid)
      await expect.poll(() => labelCell(pid).innerText()).toBe(`queue ${queue} · vhost /`)
      expect(await labelCell(pid).getAttribute('title')).toBe(
        `{rabbit_amqqueue_process,{resource,<<"/">>,queue,<<"${queue}">>}}`
      )
    }
    await app.screenshots('dump-processes-initial-call')
  })
})

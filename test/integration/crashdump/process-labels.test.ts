/**
 * Labels in the dump process table: two RabbitMQ-like queue processes (proc_lib processes with
 * `process_name` in their dictionary, as rabbit_amqqueue_process puts it) told apart in the table
 * page and in `erlscope processes DUMP` (text and --json); and, when an OTP 27 erl is there, a
 * `proc_lib:set_label/1` label.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'
import { runCli } from '../../support/cli-runner'
import { writeDump, type Generated } from '../../support/dump-writer'
import { OTP27_ERL, otp27Missing } from '../../support/otp27'

/**
 * A queue process as RabbitMQ's: the vhost and queue name are binaries made at run time (from a
 * declare frame), not literals (OTP 25 leaves literal binaries out of a dump).
 */
const QUEUE = (name: string): string => `Queue(${JSON.stringify(name)})`
/** Over 64 bytes: a refc binary, written in a `=binary:` section of its own. */
const LONG = 'audit.' + 'x'.repeat(90)

const SCENARIO = `
  Queue = fun(Name) ->
      Bin = iolist_to_binary([Name]),
      proc_lib:spawn(fun() ->
          put(process_name, {rabbit_amqqueue_process, {resource, iolist_to_binary(["/"]), queue, Bin}}),
          receive stop -> ok end
        end)
    end,
  Orders = ${QUEUE('orders')},
  Invoices = ${QUEUE('invoices')},
  Long = ${QUEUE(LONG)},
  Plain = [proc_lib:spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, 20)],
  timer:sleep(200),
  ok = file:write_file(Expected, [pid_to_list(Orders), " ", pid_to_list(Invoices), " ", pid_to_list(Long), " ",
                                  pid_to_list(hd(Plain))]),
  erlang:halt("erlscope test: process labels")
`

const ORDERS = '{rabbit_amqqueue_process,{resource,<<"/">>,queue,<<"orders">>}}'
const INVOICES = '{rabbit_amqqueue_process,{resource,<<"/">>,queue,<<"invoices">>}}'
const LONG_LABEL = `{rabbit_amqqueue_process,{resource,<<"/">>,queue,<<"${LONG}">>}}`

let dir: string
let gen: Generated
let pids: string[]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-process-labels-'))
  gen = await writeDump(dir, 'labels', SCENARIO)
  pids = readFileSync(gen.expected, 'utf8').split(' ')
}, 120_000)

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('process labels in the dump process table', () => {
  it("a table page shows each queue's process_name", async () => {
    const [orders, invoices, long, plain] = pids
    const d = await DumpFile.open(await indexDumpFile(gen.dump))
    try {
      const page = await d.processes({ limit: 5000 })
      const row = (pid: string) => page.rows.find((r) => r.pid === pid)
      expect(row(orders)?.label).toBe(ORDERS)
      expect(row(invoices)?.label).toBe(INVOICES)
      expect(row(long)?.label).toBe(LONG_LABEL)
      expect(row(plain)?.label).toBeUndefined()
      // the detail says the same
      expect((await d.process(orders)).label).toBe(ORDERS)
    } finally {
      await d.close()
    }
  })

  it('processes --json has a label field, processes shows it beside the name', async () => {
    const [orders, invoices, long, plain] = pids
    const r = await runCli(['processes', gen.dump, '--json', '--no-cache'])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const rows = JSON.parse(r.out) as { pid: string; label: string | null }[]
    const label = (pid: string) => rows.find((x) => x.pid === pid)?.label
    expect(label(orders)).toBe(ORDERS)
    expect(label(invoices)).toBe(INVOICES)
    expect(label(long)).toBe(LONG_LABEL)
    expect(label(plain)).toBeNull()
    for (const row of rows) expect(row).toHaveProperty('label')
    const text = await runCli(['processes', gen.dump, '--limit', '100000', '--no-cache'])
    expect(text.code).toBe(0)
    const line = (pid: string) => text.out.split('\n').find((l) => l.startsWith(pid + ' '))
    expect(line(orders)).toContain(`[${ORDERS}]`)
    expect(line(invoices)).toContain(`[${INVOICES}]`)
    expect(line(plain)).not.toContain('[')
  })
})

const missing = otp27Missing()
if (missing) console.log(missing)

it.skipIf(missing !== null)(
  'an OTP 27 proc_lib:set_label/1 label shows in the table page and processes --json',
  async () => {
    const g = await writeDump(
      dir,
      'otp27-labels',
      `Labelled = proc_lib:spawn(fun() -> proc_lib:set_label({order_worker, 7}), receive stop -> ok end end),
       Text = proc_lib:spawn(fun() -> proc_lib:set_label(<<"invoice sender">>), receive stop -> ok end end),
       timer:sleep(200),
       ok = file:write_file(Expected, [pid_to_list(Labelled), " ", pid_to_list(Text)]),
       erlang:halt("erlscope test: otp27 labels")`,
      {},
      [],
      OTP27_ERL
    )
    const [labelled, text] = readFileSync(g.expected, 'utf8').split(' ')
    const d = await DumpFile.open(await indexDumpFile(g.dump))
    try {
      const page = await d.processes({ limit: 5000 })
      expect(page.rows.find((r) => r.pid === labelled)?.label).toBe('{order_worker,7}')
      expect(page.rows.find((r) => r.pid === text)?.label).toBe('invoice sender')
    } finally {
      await d.close()
    }
    const r = await runCli(['processes', g.dump, '--json', '--no-cache'])
    expect(r.code).toBe(0)
    const rows = JSON.parse(r.out) as { pid: string; label: string | null }[]
    expect(rows.find((x) => x.pid === labelled)?.label).toBe('{order_worker,7}')
  },
  120_000
)

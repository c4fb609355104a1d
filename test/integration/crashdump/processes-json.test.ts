import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JSON_CHUNK_CHARS } from '../../../src/main/cli/json-stream'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'
import { runCli } from '../../support/cli-runner'
import { writeDump, type Generated } from '../../support/dump-writer'

/**
 * 3,000 plain processes with a message each, 40 gen_servers of a module compiled in the node
 * (`shop_worker`, one registered), and 5 proc_lib processes whose data (over 1 MiB) is too big
 * to be read for a table row.
 */
const SCENARIO = `
  Src = "-module(shop_worker). -behaviour(gen_server).
         -export([init/1, handle_call/3, handle_cast/2]).
         init(N) -> {ok, N}.
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
  Workers = [element(2, gen_server:start(shop_worker, N, [])) || N <- lists:seq(1, 40)],
  register(shop_main_worker, hd(Workers)),
  Big = [proc_lib:spawn(fun() -> put(big, lists:seq(1, 60000)), receive stop -> ok end end)
         || _ <- lists:seq(1, 5)],
  Ps = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, 3000)],
  [P ! {data, N, lists:seq(1, 20)} || {N, P} <- lists:zip(lists:seq(1, 3000), Ps)],
  timer:sleep(300),
  ok = file:write_file(Expected, [lists:join(" ", [pid_to_list(W) || W <- Workers]), "\n",
                                  lists:join(" ", [pid_to_list(B) || B <- Big]), "\n"]),
  erlang:halt("erlscope test: processes json")
`

const FIELDS = [
  'pid',
  'name',
  'spawnedAs',
  'label',
  'state',
  'messageQueueLength',
  'reductions',
  'stackHeapWords',
  'memoryBytes',
  'memoryEstimateBytes',
  'currentFunction'
]

let dir: string
let gen: Generated

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-processes-json-'))
  gen = await writeDump(dir, 'procs', SCENARIO)
}, 120_000)

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('erlscope processes DUMP --json', () => {
  it('streams every row in bounded chunks, each written once the output took the last', async () => {
    const r = await runCli(['processes', gen.dump, '--json', '--no-cache'])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    const rows = JSON.parse(r.out) as Record<string, unknown>[]
    const jq = spawnSync('jq', ['length'], { input: r.out, encoding: 'utf8', maxBuffer: 1 << 28 })
    expect(jq.status).toBe(0)
    expect(Number(jq.stdout)).toBe(rows.length)
    expect(rows.length).toBeGreaterThan(3060)
    for (const row of rows) expect(Object.keys(row)).toEqual(FIELDS)
    expect(r.chunks.reduce((a, b) => a + b, 0)).toBe(r.out.length)
    expect(r.chunks.length).toBeGreaterThan(4)
    const longestRow = Math.max(...r.out.split('\n').map((l) => l.length))
    expect(Math.max(...r.chunks)).toBeLessThanOrEqual(JSON_CHUNK_CHARS + longestRow + 2)
    expect(r.overlappingWrites).toBe(0)
    // the same rows as the dump's process table, in pid order
    const dump = await DumpFile.open(await indexDumpFile(gen.dump))
    try {
      const order = await dump.sortedRows('pid', false)
      expect(rows.map((x) => x.pid)).toEqual(Array.from(order, (i) => dump.index.procs.pid[i]))
    } finally {
      await dump.close()
    }
    const withMessage = rows.filter((x) => x.messageQueueLength === 1 && x.state === 'Waiting')
    expect(withMessage.length).toBeGreaterThanOrEqual(3000)
  }, 120_000)

  it('an empty selection is an empty array', async () => {
    const r = await runCli(['processes', gen.dump, '--json', '--limit', '0', '--no-cache'])
    expect(r.code).toBe(0)
    expect(r.out).toBe('[]\n')
  }, 60_000)
})

describe("proc_lib processes show their '$initial_call'", () => {
  const expected = (): { workers: string[]; big: string[] } => {
    const [workers, big] = readFileSync(gen.expected, 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
    return { workers, big }
  }

  it('in processes --json and the text table, and say when the value is the raw proc_lib one', async () => {
    const { workers, big } = expected()
    const rows = JSON.parse((await runCli(['processes', gen.dump, '--json', '--no-cache'])).out) as {
      pid: string
      spawnedAs: string
    }[]
    const by = new Map(rows.map((r) => [r.pid, r.spawnedAs]))
    for (const w of workers) expect(by.get(w)).toBe('shop_worker:init/1')
    // proc_lib:spawn(Fun) is spawned as proc_lib:init_p/3
    for (const b of big) expect(by.get(b)).toBe('proc_lib:init_p/3')
    // every other proc_lib process (OTP's own gen_servers ...) was read
    const raw = rows.filter((r) => r.spawnedAs.startsWith('proc_lib:init_p/')).map((r) => r.pid)
    expect(raw.sort()).toEqual([...big].sort())
    expect(rows.filter((r) => r.spawnedAs === 'application_master:init/4').length).toBeGreaterThan(0)
    const text = await runCli(['processes', gen.dump, '--by', 'memory', '--limit', '4000', '--no-cache'])
    expect(text.code).toBe(0)
    const line = (pid: string): string => text.out.split('\n').find((l) => l.startsWith(`${pid} `)) ?? ''
    expect(line(workers[1])).toContain(' shop_worker:init/1 ')
    expect(line(workers[0])).toContain(' shop_main_worker ')
    expect(line(big[0])).toContain(' proc_lib:init_p/3 (raw) ')
    expect(text.out).toContain(
      "(raw) proc_lib:init_p/N as written in the dump: the process's '$initial_call' was not read"
    )
  }, 120_000)

  it('in a page of the GUI table (dump:processes), with where the value came from', async () => {
    const { workers, big } = expected()
    const dump = await DumpFile.open(await indexDumpFile(gen.dump))
    try {
      const page = await dump.processes({ sortBy: 'memory', descending: true, limit: 100 })
      const row = (pid: string) => page.rows.find((r) => r.pid === pid)
      for (const b of big)
        expect(row(b)).toMatchObject({ spawnedAs: 'proc_lib:init_p/3', initialCallUnread: true })
      const all = await dump.processes({ sortBy: 'pid', limit: 5000 })
      const w = all.rows.find((r) => r.pid === workers[2])
      expect(w).toMatchObject({ spawnedAs: 'shop_worker:init/1', spawnedVia: 'proc_lib:init_p/5' })
      expect(w?.initialCallUnread).toBeUndefined()
      const plain = all.rows.find((r) => r.messageQueueLength === 1)
      expect(plain?.spawnedVia).toBeUndefined()
      expect(plain?.initialCallUnread).toBeUndefined()
      // the filter finds a read '$initial_call'
      const found = await dump.processes({ filter: 'shop_worker', limit: 100 })
      expect(found.matched).toBe(40)
    } finally {
      await dump.close()
    }
  }, 120_000)
})

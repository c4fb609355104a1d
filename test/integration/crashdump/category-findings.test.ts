import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'
import { writeDump, type Generated } from '../../support/dump-writer'

/**
 * A dump written by a real erl with a large ETS table and a TCP socket whose peer never reads:
 * the Summary's findings name the table with its owner, and the port with its queue and owner.
 */
let dir: string
let dump: Generated

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-category-dumps-'))
  dump = await writeDump(
    dir,
    'categories',
    `Self = self(),
     Owner = spawn(fun() ->
       T = ets:new(erlscope_big_cache, [named_table, public, set]),
       ets:insert(T, [{I, lists:seq(1, 40)} || I <- lists:seq(1, 60000)]),
       Self ! {ready, self()},
       receive stop -> ok end
     end),
     register(erlscope_cache_owner, Owner),
     receive {ready, Owner} -> ok end,
     {ok, L} = gen_tcp:listen(0, [binary, {active, false}, {recbuf, 4096}, {ip, {127, 0, 0, 1}}]),
     {ok, Port} = inet:port(L),
     Sink = spawn(fun() -> {ok, _} = gen_tcp:accept(L), receive never -> ok end end),
     Sender = spawn(fun() ->
       {ok, S} = gen_tcp:connect({127, 0, 0, 1}, Port, [binary, {active, false}, {sndbuf, 4096},
                                 {high_watermark, 64 * 1024 * 1024}]),
       Bin = binary:copy(<<"x">>, 1024 * 1024),
       [ok = gen_tcp:send(S, Bin) || _ <- lists:seq(1, 6)],
       Self ! sent,
       receive never -> ok end
     end),
     register(erlscope_stuck_sender, Sender),
     receive sent -> ok end,
     Sink =/= undefined,
     erlang:halt("categories")`
  )
}, 120_000)

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('category findings in a dump', () => {
  it('names the ETS table with its owner and the stuck port with its owner', async () => {
    const d = await DumpFile.open(await indexDumpFile(dump.dump))
    try {
      const s = await d.summary('t')
      const ets = s.findings.find((f) => f.startsWith('ETS takes'))
      expect(ets).toMatch(
        /the largest table is erlscope_big_cache \([\d.]+ MiB\), owned by <0\.\d+\.0> \(erlscope_cache_owner\)/
      )
      const port = s.findings.find((f) => f.startsWith('Port '))
      expect(port).toMatch(
        /^Port #Port<0\.\d+> \(tcp_inet\) of <0\.\d+\.0> \(erlscope_stuck_sender\) has [\d.]+ MiB queued: its peer was not reading/
      )
    } finally {
      await d.close()
    }
  })
})

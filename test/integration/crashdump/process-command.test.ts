import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JSON_CHUNK_CHARS } from '../../../src/main/cli/json-stream'
import { runCli } from '../../support/cli-runner'
import { writeDump, type Generated } from '../../support/dump-writer'
import { ensureEpmd } from '../../support/erl-node'

/**
 * An Elixir-named module compiled from source in a real `erl`, a proc_lib process running it
 * (registered as 'Elixir.Shop.OrderQueue', 2,500 messages, a 100,000-element dictionary value and a
 * long dictionary key), a labelled process, and one connected peer node.
 */
const ELIXIR_SHOP = `
  Src = "-module('Elixir.Shop.OrderQueue'). -export([init/1]).
         init(S) -> put(big_state, S), put({long_key, lists:seq(1, 800)}, small), loop().
         loop() -> receive stop -> ok end. ",
  Parse = fun Go(S, Acc) ->
      case erl_scan:tokens([], S, 1) of
        {done, {ok, T, _}, Rest} -> {ok, F} = erl_parse:parse_form(T), Go(Rest, [F | Acc]);
        _ -> lists:reverse(Acc)
      end
    end,
  {ok, Mod, Bin} = compile:forms(Parse(Src, [])),
  {module, Mod} = code:load_binary(Mod, "shop.ex", Bin),
  Q = proc_lib:spawn(Mod, init, [lists:seq(1, 100000)]),
  register('Elixir.Shop.OrderQueue', Q),
  [Q ! {order, N, <<"data">>} || N <- lists:seq(1, 2500)],
  L = proc_lib:spawn(fun() -> put('$process_label', {worker, 7}), receive stop -> ok end end),
  register(labelled_worker, L),
  {ok, _Peer, Node} = peer:start_link(#{name => list_to_atom("erlscope_shop_peer_" ++ os:getpid())}),
  pong = net_adm:ping(Node),
  timer:sleep(300),
  ok = file:write_file(Expected, pid_to_list(Q)),
  erlang:halt("elixir shop")
`

let dir: string
let shop: Generated

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-process-cli-'))
  ensureEpmd()
  shop = await writeDump(dir, 'shop', ELIXIR_SHOP, {}, ['-sname', `erlscope_shop_${process.pid}`])
}, 120_000)

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const cli = (...argv: string[]): ReturnType<typeof runCli> => runCli([...argv, '--no-cache'])

describe('names as users wrote them', () => {
  it('report names Elixir modules and processes the Elixir way and counts connected nodes', async () => {
    const r = await cli('report', shop.dump)
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/2500 +Shop\.OrderQueue +Shop\.OrderQueue\.loop\/0/)
    expect(r.out).toContain('(Shop.OrderQueue) in Shop.OrderQueue.loop/0 has 2500 messages')
    expect(r.out).not.toContain('Elixir.Shop')
    expect(r.out).toContain('1 connected node')
    const j = JSON.parse((await cli('report', shop.dump, '--json')).out) as {
      counts: { connectedNodes: number }
      topProcessesByMailbox: { name: string; currentFunction: string }[]
    }
    expect(j.counts.connectedNodes).toBe(1)
    expect(j.topProcessesByMailbox[0].name).toBe('Shop.OrderQueue')
  }, 60_000)
})

describe('erlscope process DUMP PID', () => {
  it('prints info, the first messages, the dictionary and the stack', async () => {
    const r = await cli('process', shop.dump, 'Shop.OrderQueue', '--messages', '5')
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^Process <\d+\.\d+\.\d+>\s+Shop\.OrderQueue/)
    expect(r.out).toMatch(/Spawned as:\s+Shop\.OrderQueue\.init\/1\n/)
    expect(r.out).toMatch(/Spawned via:\s+proc_lib:init_p\/5\n/)
    expect(r.out).toMatch(/Current function:\s+Shop\.OrderQueue\.loop\/0/)
    expect(r.out).toContain('Messages (1–5 of 2500; --messages N for more):')
    expect(r.out).toContain('   1. {order,1,<<"data">>}')
    expect(r.out).toContain('   5. {order,5,<<"data">>}')
    expect(r.out).not.toContain('{order,6,')
    expect(r.out).toMatch(/Dictionary \(\d+\):/)
    expect(r.out).toContain("'$initial_call' => {'Elixir.Shop.OrderQueue',init,1}")
    expect(r.out).toMatch(/Stack \(\d+\):\n {2}return/)
  }, 60_000)

  it('--json pages through more than one page of messages, folds huge values and keeps keys', async () => {
    const pid = (await import('node:fs')).readFileSync(shop.expected, 'utf8')
    const r = await cli('process', shop.dump, pid, '--json', '--messages', '1500')
    expect(r.code).toBe(0)
    const j = JSON.parse(r.out) as {
      pid: string
      name: string
      spawnedAs: string
      messagesTotal: number
      messages: string[]
      dictionary: { key: string; value: string }[]
      stack: string[]
      foldAt: number
    }
    expect(j.pid).toBe(pid)
    expect(j.name).toBe('Shop.OrderQueue')
    expect(j.spawnedAs).toBe('Shop.OrderQueue.init/1')
    expect(j.messagesTotal).toBe(2500)
    expect(j.messages).toHaveLength(1500)
    expect(j.messages[1499]).toBe('{order,1500,<<"data">>}')
    const big = j.dictionary.find((d) => d.key === 'big_state')
    expect(big?.value.startsWith('[1,2,3,')).toBe(true)
    expect(big?.value.endsWith('…')).toBe(true)
    expect(big?.value.length).toBe(j.foldAt + 1)
    const long = j.dictionary.find((d) => d.key.startsWith('{long_key,'))
    expect(long?.key.length).toBeGreaterThan(j.foldAt)
    expect(long?.key.endsWith('800]}')).toBe(true)
    expect(long?.value).toBe('small')
    expect(j.stack.length).toBeGreaterThan(0)
    // the same text as JSON.stringify of the whole detail
    expect(r.out).toBe(`${JSON.stringify(j, null, 2)}\n`)
    const all = await cli('process', shop.dump, pid, '--json', '--messages', '5000')
    const every = JSON.parse(all.out) as { messages: string[]; messagesTotal: number }
    expect(every.messages).toHaveLength(2500)
    expect(every.messages[2499]).toBe('{order,2500,<<"data">>}')
    // the messages were written page by page, never the whole detail as one string
    expect(all.chunks.length).toBeGreaterThan(1)
    expect(all.chunks.reduce((a, b) => a + b, 0)).toBe(all.out.length)
    expect(Math.max(...all.chunks)).toBeLessThan(JSON_CHUNK_CHARS + 200_000)
    expect(all.overlappingWrites).toBe(0)
    const none = JSON.parse((await cli('process', shop.dump, pid, '--json', '--messages', '0')).out) as {
      messages: string[]
      dictionary: unknown[]
    }
    expect(none.messages).toEqual([])
    expect(none.dictionary.length).toBe(j.dictionary.length)
  }, 60_000)

  it('prints terms in Elixir syntax on request', async () => {
    const r = await cli('process', shop.dump, 'Shop.OrderQueue', '--messages', '1', '--syntax', 'elixir')
    expect(r.code).toBe(0)
    expect(r.out).toContain('   1. {:order, 1, "data"}')
    expect(r.out).toContain(':"$initial_call" => {Shop.OrderQueue, :init, 1}')
  }, 60_000)

  it('shows an OTP 27 label from the process dictionary', async () => {
    const r = await cli('process', shop.dump, 'labelled_worker', '--json', '--messages', '0')
    expect(r.code).toBe(0)
    expect((JSON.parse(r.out) as { label: string }).label).toBe('{worker,7}')
  }, 60_000)

  it('says when there is no such process', async () => {
    const r = await cli('process', shop.dump, '<0.9999.0>')
    expect(r.code).toBe(1)
    expect(r.errorCode).toBe('not_found')
    const bad = await cli('process', shop.dump, 'Shop.OrderQueue', '--syntax', 'lisp')
    expect(bad.code).toBe(2)
  }, 60_000)
})

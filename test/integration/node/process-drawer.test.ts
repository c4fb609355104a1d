import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNodeHandlers, type NodeHandlers } from '../../../src/main/node/handlers'
import {
  atom,
  list,
  num,
  props,
  text,
  type Atom,
  type EVal,
  type Tuple
} from '../../../src/main/node/eval-value'
import { formatMfa } from '../../../src/main/node/names'
import { liveProcessSheet } from '../../../src/renderer/src/views/live/live-process-sheet'
import { exactBytes, groupDigits, humanBytes } from '../../../src/renderer/src/format/numbers'
import { startNode, type ErlNode } from '../../support/erl-node'
import { pidOf } from '../../support/seeded-node'
import { testSecretStore } from '../../support/test-secrets'
import { parseErlang } from '../../unit/node/term-text'
import { bridgeConnector } from './erl-bridge'
import { liveConnector } from './live-connector'

const NAME = 'erlscope_drawer_probe'

/** process_info of the probe process, read by the node itself (pids as the node prints them). */
const NODE_SAYS = `
P = whereis(${NAME}),
T = fun(X) -> list_to_binary(pid_to_list(X)) end,
W = fun(X) -> list_to_binary(io_lib:format("~w", [X])) end,
I = erlang:process_info(P, [registered_name, initial_call, current_function, status, memory,
      message_queue_len, reductions, heap_size, stack_size, total_heap_size, binary, trap_exit,
      priority, group_leader, links, monitors, monitored_by, garbage_collection, current_stacktrace]),
G = fun(K) -> element(2, lists:keyfind(K, 1, I)) end,
[{wordsize, erlang:system_info(wordsize)},
 {registered_name, G(registered_name)}, {initial_call, G(initial_call)},
 {current_function, G(current_function)}, {status, G(status)}, {memory, G(memory)},
 {message_queue_len, G(message_queue_len)}, {reductions, G(reductions)},
 {heap_size, G(heap_size)}, {stack_size, G(stack_size)}, {total_heap_size, G(total_heap_size)},
 {binary_bytes, lists:sum([S || {_, S, _} <- G(binary)])}, {binary_count, length(G(binary))},
 {trap_exit, G(trap_exit)}, {priority, G(priority)}, {group_leader, T(G(group_leader))},
 {links, [T(L) || L <- G(links)]}, {monitors, [W(M) || M <- G(monitors)]},
 {monitored_by, [T(M) || M <- G(monitored_by)]},
 {gc, [{K, V} || {K, V} <- G(garbage_collection), is_integer(V)]},
 {top_frame, element(1, hd(G(current_stacktrace))), element(2, hd(G(current_stacktrace))), element(3, hd(G(current_stacktrace)))}]
`

const mfa = (v: EVal): string => {
  const [m, f, a] = (v as Tuple).items
  return formatMfa(atom(m), atom(f), num(a))
}

/**
 * Every figure of the live process drawer (the sheet the renderer shows) against what
 * process_info says on the node, for one real process with a known shape.
 */
describe('the live process drawer shows what process_info says', () => {
  let node: ErlNode
  let dir: string
  let api: NodeHandlers
  let sessionId: string

  beforeAll(async () => {
    node = await startNode()
    await node.eval(`
      Self = self(),
      Peer = spawn(fun() -> receive stop -> ok end end),
      P = spawn(fun() ->
        process_flag(trap_exit, true), process_flag(priority, high),
        link(Peer), erlang:monitor(process, Peer),
        put(drawer_key, {some, value}),
        L = lists:seq(1, 200000),
        Bs = [binary:copy(<<7>>, 100000) || _ <- lists:seq(1, 3)],
        Self ! {ready, self()},
        receive stop -> {length(L), Bs} end
      end),
      receive {ready, P} -> ok end,
      register(${NAME}, P),
      [P ! {hello, N} || N <- [1, 2, 3]],
      spawn(fun() -> erlang:monitor(process, P), receive stop -> ok end end),
      timer:sleep(100),
      ok`)
    dir = mkdtempSync(join(tmpdir(), 'erlscope-drawer-'))
    api = createNodeHandlers({
      emit: () => undefined,
      userDataDir: dir,
      secrets: testSecretStore(dir),
      connector: liveConnector() ?? bridgeConnector()
    })
    sessionId = (
      await api.handlers['node:connect']({ node: node.name, cookie: node.cookie, intervalMs: 60_000 })
    ).sessionId
  })

  afterAll(async () => {
    await api?.dispose()
    await node?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('every field, list, the dictionary and the stack', async () => {
    const pid = await pidOf(node, NAME)
    const reductions = async (): Promise<number> =>
      Number(await node.eval(`element(2, erlang:process_info(whereis(${NAME}), reductions))`))
    const reductionsBefore = await reductions()
    const detail = await api.handlers['node:process'](sessionId, pid)
    const wordSize = (await api.handlers['node:system'](sessionId)).wordSize
    const said = props(parseErlang(await node.eval(NODE_SAYS)))
    const v = (k: string): EVal => {
      const got = said.get(k)
      if (!got) throw new Error(`the node did not say ${k}`)
      return got[0]
    }
    const n = (k: string): number => num(v(k))
    expect(n('wordsize')).toBe(wordSize)
    const bytes = (words: number): string => `${humanBytes(words * wordSize)} (${groupDigits(words)} words)`

    const sheet = liveProcessSheet(detail, wordSize, null)
    const field = new Map(sheet.fields.map((f) => [f.label, f]))
    const expected: Record<string, { value: string; title?: string }> = {
      'Registered name': { value: NAME },
      'Initial call': { value: mfa(v('initial_call')) },
      'Current function': { value: mfa(v('current_function')) },
      Status: { value: atom(v('status')) },
      Memory: { value: humanBytes(n('memory')), title: exactBytes(n('memory')) },
      'Message queue': { value: groupDigits(n('message_queue_len')) },
      // the process wakes now and then (a probe, a monitor): bracketed below
      Reductions: { value: field.get('Reductions')?.value ?? '' },
      'Heap size': { value: bytes(n('heap_size')), title: exactBytes(n('heap_size') * wordSize) },
      'Stack size': { value: bytes(n('stack_size')), title: exactBytes(n('stack_size') * wordSize) },
      'Total heap size': {
        value: bytes(n('total_heap_size')),
        title: exactBytes(n('total_heap_size') * wordSize)
      },
      'Binaries (refc)': {
        value: `${humanBytes(n('binary_bytes'))} in ${groupDigits(n('binary_count'))}`,
        title: exactBytes(n('binary_bytes'))
      },
      'Trap exit': { value: atom(v('trap_exit')) },
      Priority: { value: atom(v('priority')) },
      'Group leader': { value: text(v('group_leader')) },
      GC: {
        value: list(v('gc'))
          .map((e) => {
            const [k, val] = (e as Tuple).items
            return `${(k as Atom).name}: ${groupDigits(num(val))}`
          })
          .join(', ')
      }
    }
    // a field added to the drawer must be added here too
    expect([...field.keys()].sort()).toEqual(Object.keys(expected).sort())
    for (const [label, want] of Object.entries(expected)) {
      expect({ label, value: field.get(label)?.value }).toEqual({ label, value: want.value })
      if (want.title !== undefined)
        expect({ label, title: field.get(label)?.title }).toEqual({ label, title: want.title })
    }
    const shownReductions = Number(field.get('Reductions')?.value.replace(/,/g, ''))
    expect(shownReductions).toBeGreaterThanOrEqual(reductionsBefore)
    expect(shownReductions).toBeLessThanOrEqual(n('reductions'))
    // the seeded shape, so the comparison above is not between two empty things
    expect(n('heap_size')).toBeGreaterThan(200_000)
    expect(n('binary_count')).toBe(3)
    expect(atom(v('priority'))).toBe('high')
    // the heap is a part of the memory: the drawer must not show it larger
    expect(detail.totalHeapSize).toBeLessThanOrEqual(detail.memory)

    const lists = new Map((sheet.lists ?? []).map((l) => [l.label, l.items]))
    expect(lists.get('Links')).toEqual(list(v('links')).map(text))
    expect(lists.get('Monitors')).toEqual(list(v('monitors')).map(text))
    expect(lists.get('Monitored by')).toEqual(list(v('monitored_by')).map(text))
    expect(lists.get('Links')).toHaveLength(1)
    expect(lists.get('Monitors')).toHaveLength(1)
    expect(lists.get('Monitored by')?.length).toBeGreaterThanOrEqual(1)
    expect(sheet.dictionary).toContain('drawer_key => {some,value}')
    const top = said.get('top_frame') as EVal[]
    expect(sheet.stack?.[0]).toMatch(
      new RegExp(
        `^${formatMfa(atom(top[0]), atom(top[1]), num(top[2])).replace(/[.*+?^${}()|[\]\\']/g, '\\$&')}`
      )
    )
    expect(sheet.title).toBe(NAME)
    expect(sheet.pid).toBe(pid)
  })

  it('messages: the first K and how many there are', async () => {
    const pid = await pidOf(node, NAME)
    const detail = await api.handlers['node:process'](sessionId, pid)
    const msgs = await api.handlers['node:messages'](sessionId, pid, { limit: 2 })
    const sheet = liveProcessSheet(detail, 8, msgs)
    expect(sheet.messages).toEqual(['{hello,1}', '{hello,2}'])
    expect(sheet.messageNote).toBe('Showing the first 2 of 3 messages (copied and trimmed on the node).')
  })
})

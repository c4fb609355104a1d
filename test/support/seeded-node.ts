import type { ErlNode } from './erl-node'

/**
 * Seeds memory problems on a real node (through erl-node's independent `eval`), each culprit
 * registered under a known name so a test can ask the node for its own numbers.
 */
export const SEEDED = {
  /** A process that never reads its mailbox; a feeder keeps adding to it. */
  mailbox: 'erlscope_seed_mailbox',
  /** A process holding a large heap (a long list). */
  bigHeap: 'erlscope_seed_bigheap',
  /** A process referencing many large refc binaries. */
  binHolder: 'erlscope_seed_binholder',
  /** Spawns short-lived processes in a loop. */
  churner: 'erlscope_seed_churner',
  /** A process whose heap keeps growing (a list it keeps, longer every tick), for a bounded time. */
  heapGrower: 'erlscope_seed_heapgrower',
  /** Like heapGrower, in a process that never keeps an old generation (`heap_size` is all of it). */
  youngHeapGrower: 'erlscope_seed_youngheapgrower',
  /** A process whose stack gets deeper every few ms (a non-tail recursion that waits at each level). */
  stackGrower: 'erlscope_seed_stackgrower'
} as const

export async function seedMailbox(node: ErlNode, initial = 5000, perTick = 50): Promise<void> {
  await node.eval(`
    Sink = spawn(fun() -> receive stop_never_sent -> ok end end),
    register(${SEEDED.mailbox}, Sink),
    [Sink ! {job, I, lists:seq(1, 20)} || I <- lists:seq(1, ${initial})],
    Feeder = spawn(fun F() -> [Sink ! {job, tick, lists:seq(1, 20)} || _ <- lists:seq(1, ${perTick})], timer:sleep(100), F() end),
    register(${SEEDED.mailbox}_feeder, Feeder),
    ok`)
}

export async function seedBigHeap(node: ErlNode, elements = 2_000_000): Promise<void> {
  await node.eval(`
    Self = self(),
    P = spawn(fun() -> L = lists:seq(1, ${elements}), Self ! {ready, self()}, receive stop -> length(L) end end),
    receive {ready, P} -> ok end,
    register(${SEEDED.bigHeap}, P),
    ok`)
}

export async function seedBinHolder(node: ErlNode, count = 64, size = 256 * 1024): Promise<void> {
  await node.eval(`
    Self = self(),
    P = spawn(fun() -> Bs = [binary:copy(<<I:8>>, ${size}) || I <- lists:seq(1, ${count})], Self ! {ready, self()}, receive stop -> length(Bs) end end),
    receive {ready, P} -> ok end,
    register(${SEEDED.binHolder}, P),
    ok`)
}

/** Starts SEEDED.churner: `perTick` workers every 10 ms, each living `lifeMs`. */
export async function seedChurner(node: ErlNode, perTick = 20, lifeMs = 30): Promise<void> {
  await node.eval(`
    P = spawn(fun F() -> [spawn(fun() -> timer:sleep(${lifeMs}) end) || _ <- lists:seq(1, ${perTick})], timer:sleep(10), F() end),
    register(${SEEDED.churner}, P),
    ok`)
}

/** Starts SEEDED.heapGrower: `perTick` more list cells every 50 ms for `ticks` ticks, then idle;
 * `stop` ends it. */
export async function seedHeapGrower(node: ErlNode, perTick = 10_000, ticks = 400): Promise<void> {
  await node.eval(`
    P = spawn(fun() ->
          Grow = fun G(L, 0) -> receive stop -> length(L) end;
                     G(L, N) -> receive stop -> length(L) after 50 -> G([lists:seq(1, ${perTick}) | L], N - 1) end end,
          Grow([lists:seq(1, 200000)], ${ticks})
        end),
    register(${SEEDED.heapGrower}, P),
    ok`)
}

/**
 * Starts SEEDED.youngHeapGrower: heapGrower's growth in a process spawned with
 * `{fullsweep_after, 0}`, so every GC is a full sweep and its live data stays in the young heap
 * (`process_info(P, heap_size)` grows with it). `stop` ends it.
 */
export async function seedYoungHeapGrower(node: ErlNode, perTick = 10_000, ticks = 400): Promise<void> {
  await node.eval(`
    P = spawn_opt(fun() ->
          Grow = fun G(L, 0) -> receive stop -> length(L) end;
                     G(L, N) -> receive stop -> length(L) after 50 -> G([lists:seq(1, ${perTick}) | L], N - 1) end end,
          Grow([lists:seq(1, 200000)], ${ticks})
        end, [{fullsweep_after, 0}]),
    register(${SEEDED.youngHeapGrower}, P),
    ok`)
}

/**
 * Starts SEEDED.stackGrower: one more (interpreted, so several frames deep) level of a non-tail
 * recursion every `everyMs`, up to `levels`; `stop` unwinds it and ends it.
 */
export async function seedStackGrower(node: ErlNode, everyMs = 5, levels = 3000): Promise<void> {
  await node.eval(`
    P = spawn(fun() ->
          Deep = fun D(N) when N >= ${levels} -> receive stop -> N end;
                     D(N) -> receive stop -> N after ${everyMs} -> 1 + D(N + 1) end end,
          Deep(0)
        end),
    register(${SEEDED.stackGrower}, P),
    ok`)
}

/** Spawns `n` idle processes that wait for `stop` (kept under a registered keeper). */
export async function seedIdle(node: ErlNode, n: number, tag = 'erlscope_seed_idle'): Promise<void> {
  await node.eval(`
    Ps = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, ${n})],
    K = spawn(fun() -> receive stop -> [P ! stop || P <- Ps] end end),
    register(${tag}, K),
    ok`)
}

/** process_info of a registered process, as the node prints it (~p of an integer is the integer). */
export async function infoOf(node: ErlNode, registered: string, item: string): Promise<number> {
  const out = await node.eval(`element(2, erlang:process_info(whereis(${registered}), ${item}))`)
  return Number(out)
}

export async function pidOf(node: ErlNode, registered: string): Promise<string> {
  const out = await node.eval(`list_to_binary(pid_to_list(whereis(${registered})))`)
  return out.replace(/^<<"|">>$/g, '')
}

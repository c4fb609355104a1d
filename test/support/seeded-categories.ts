import type { ErlNode } from './erl-node'

/**
 * Seeds the problems behind each `erlang:memory()` category on a real node (through erl-node's
 * independent `eval`), each culprit under a known name so a test can ask the node for its numbers.
 */
export const CULPRITS = {
  /** Owns `etsTable` and keeps inserting into it. */
  etsOwner: 'erlscope_seed_ets_owner',
  etsTable: 'erlscope_seed_growing',
  /** Accepts one connection and never reads from it. */
  tcpSink: 'erlscope_seed_tcp_sink',
  /** Owns the connected socket and keeps sending into it. */
  tcpSender: 'erlscope_seed_tcp_sender',
  /** Made large refc binaries it no longer references, then went idle (no GC since). */
  binLeaker: 'erlscope_seed_binleak',
  /** Two RabbitMQ-like queue processes, told apart only by their `process_name`, each owning a table. */
  rabbitQueues: ['orders', 'invoices'],
  /** Creates new atoms in a loop. */
  atomLeaker: 'erlscope_seed_atomleak',
  /** Keeps sending fresh binaries into a socket whose peer never reads: `system` grows with its queue. */
  tcpGrower: 'erlscope_seed_tcp_grower'
} as const

export async function seedGrowingEts(node: ErlNode, perTick = 200): Promise<void> {
  await node.eval(`
    Self = self(),
    P = spawn(fun() ->
      T = ets:new(${CULPRITS.etsTable}, [named_table, public, set]),
      Self ! {ready, self()},
      Loop = fun L(I) ->
        [ets:insert(T, {I * ${perTick} + J, lists:seq(1, 40)}) || J <- lists:seq(1, ${perTick})],
        timer:sleep(50),
        L(I + 1)
      end,
      Loop(0)
    end),
    receive {ready, P} -> ok end,
    register(${CULPRITS.etsOwner}, P),
    ok`)
}

/**
 * A TCP connection inside the node whose receiving end never reads: the sender's port queue
 * grows up to the (large) high watermark, and `send_pend` with it.
 */
export async function seedStuckSocket(
  node: ErlNode,
  chunk = 1024 * 1024,
  maxQueue = 24 * 1024 * 1024
): Promise<void> {
  await node.eval(`
    Self = self(),
    {ok, L} = gen_tcp:listen(0, [binary, {active, false}, {recbuf, 4096}, {ip, {127, 0, 0, 1}}]),
    {ok, Port} = inet:port(L),
    Sink = spawn(fun() -> {ok, _S} = gen_tcp:accept(L), Self ! {accepted, self()}, receive never -> ok end end),
    ok = gen_tcp:controlling_process(L, Sink),
    register(${CULPRITS.tcpSink}, Sink),
    Sender = spawn(fun() ->
      {ok, S} = gen_tcp:connect({127, 0, 0, 1}, Port,
                                [binary, {active, false}, {sndbuf, 4096},
                                 {high_watermark, 256 * 1024 * 1024}, {low_watermark, 128 * 1024 * 1024}]),
      Self ! {connected, self()},
      Bin = binary:copy(<<"x">>, ${chunk}),
      Send = fun F() ->
        case erlang:port_info(S, queue_size) of
          {queue_size, Q} when Q >= ${maxQueue} -> receive never -> ok end;
          _ -> ok = gen_tcp:send(S, Bin), timer:sleep(20), F()
        end
      end,
      Send()
    end),
    receive {accepted, Sink} -> ok end,
    receive {connected, Sender} -> ok end,
    register(${CULPRITS.tcpSender}, Sender),
    ok`)
}

/**
 * A process that made `count` refc binaries in a call that returned only a number, then waits:
 * the binaries stay on its heap (referenced by nothing) until its next garbage collection.
 */
export async function seedBinLeak(node: ErlNode, count = 32, size = 1024 * 1024): Promise<void> {
  await node.eval(`
    Self = self(),
    P = spawn(fun() ->
      Make = fun() -> Bs = [binary:copy(<<I:8>>, ${size}) || I <- lists:seq(1, ${count})], length(Bs) end,
      N = Make(),
      Self ! {ready, self()},
      receive stop -> N end
    end),
    receive {ready, P} -> ok end,
    register(${CULPRITS.binLeaker}, P),
    ok`)
}

export async function seedAtomLeak(node: ErlNode, perTick = 200): Promise<void> {
  await node.eval(`
    P = spawn(fun() ->
      Loop = fun L(I) ->
        [list_to_atom("erlscope_leak_" ++ integer_to_list(I * ${perTick} + J)) || J <- lists:seq(1, ${perTick})],
        timer:sleep(100),
        L(I + 1)
      end,
      Loop(0)
    end),
    register(${CULPRITS.atomLeaker}, P),
    ok`)
}

/** Processes named the RabbitMQ way (dictionary `process_name`), each owning an ETS table. */
export async function seedRabbitQueues(node: ErlNode): Promise<void> {
  for (const q of CULPRITS.rabbitQueues)
    await node.eval(`
      Self = self(),
      P = spawn(fun() ->
        put(process_name, {rabbit_amqqueue_process, {resource, <<"/">>, queue, <<"${q}">>}}),
        T = ets:new(erlscope_seed_queue_index, [set, public]),
        ets:insert(T, [{I, I} || I <- lists:seq(1, 1000)]),
        Self ! {ready, self()},
        receive stop -> T end
      end),
      receive {ready, P} -> ok end,
      ok`)
}

/**
 * Like seedStuckSocket, but every send is a fresh binary (the driver queue references each one),
 * so the queue's bytes are new memory: `binary`, and `system` with it, grow in a line at about
 * `chunk` bytes per `everyMs` until the queue holds `maxQueue` bytes.
 */
export async function seedGrowingSendQueue(
  node: ErlNode,
  chunk = 32 * 1024,
  everyMs = 40,
  maxQueue = 96 * 1024 * 1024
): Promise<void> {
  await node.eval(`
    Self = self(),
    {ok, L} = gen_tcp:listen(0, [binary, {active, false}, {recbuf, 4096}, {ip, {127, 0, 0, 1}}]),
    {ok, Port} = inet:port(L),
    Sink = spawn(fun() -> {ok, _S} = gen_tcp:accept(L), Self ! {accepted, self()}, receive never -> ok end end),
    ok = gen_tcp:controlling_process(L, Sink),
    Sender = spawn(fun() ->
      {ok, S} = gen_tcp:connect({127, 0, 0, 1}, Port,
                                [binary, {active, false}, {sndbuf, 4096},
                                 {high_watermark, 512 * 1024 * 1024}, {low_watermark, 256 * 1024 * 1024}]),
      Self ! {connected, self()},
      Send = fun F(I) ->
        case erlang:port_info(S, queue_size) of
          {queue_size, Q} when Q >= ${maxQueue} -> receive never -> ok end;
          _ -> ok = gen_tcp:send(S, binary:copy(<<(I rem 251)>>, ${chunk})), timer:sleep(${everyMs}), F(I + 1)
        end
      end,
      Send(0)
    end),
    receive {accepted, Sink} -> ok end,
    receive {connected, Sender} -> ok end,
    register(${CULPRITS.tcpGrower}, Sender),
    ok`)
}

/** The port a registered process owns (`erlang:port_info(P, connected)`), as the node prints it. */
export async function portOwnedBy(node: ErlNode, registered: string): Promise<string> {
  const out = await node.eval(`
    Owner = whereis(${registered}),
    [P | _] = [P || P <- erlang:ports(), erlang:port_info(P, connected) =:= {connected, Owner}],
    list_to_binary(erlang:port_to_list(P))`)
  return out.replace(/^<<"|">>$/g, '')
}

/**
 * Erlang snippets that seed one memory culprit each in a node about to write a crash dump
 * (for `writeDump`'s scenario). Each runs in the scenario's process, needs `Self = self()` bound
 * first (`SELF`), and waits until its culprit is in place. Names are the ones the dump tests
 * look for: erlscope_bin_holder, erlscope_cache_owner, erlscope_stuck_sender.
 */

export const SELF = `Self = self(),`

/** A registered process holding `mib` refc binaries of 1 MiB it no longer looks at. */
export function binaryHolder(mib: number): string {
  return `
  Holder = spawn(fun() ->
    Bins = [binary:copy(<<I>>, 1024 * 1024) || I <- lists:seq(1, ${mib})],
    Self ! {ready, self()},
    receive never -> Bins end
  end),
  register(erlscope_bin_holder, Holder),
  receive {ready, Holder} -> ok end,`
}

/** A registered owner of the named public set erlscope_big_cache with `rows` objects of 40 integers. */
export function etsOwner(rows: number): string {
  return `
  Owner = spawn(fun() ->
    T = ets:new(erlscope_big_cache, [named_table, public, set]),
    ets:insert(T, [{I, lists:seq(1, 40)} || I <- lists:seq(1, ${rows})]),
    Self ! {ready, self()},
    receive stop -> ok end
  end),
  register(erlscope_cache_owner, Owner),
  receive {ready, Owner} -> ok end,`
}

/**
 * A registered TCP sender whose peer never reads: `mib` sends of 1 MiB over small buffers and a
 * 64 MiB high watermark, so most of it waits in the port's queue.
 */
export function stuckSender(mib: number): string {
  return `
  {ok, L} = gen_tcp:listen(0, [binary, {active, false}, {recbuf, 4096}, {ip, {127, 0, 0, 1}}]),
  {ok, Port} = inet:port(L),
  _Sink = spawn(fun() -> {ok, _} = gen_tcp:accept(L), receive never -> ok end end),
  Sender = spawn(fun() ->
    {ok, S} = gen_tcp:connect({127, 0, 0, 1}, Port, [binary, {active, false}, {sndbuf, 4096},
                              {high_watermark, 64 * 1024 * 1024}]),
    Bin = binary:copy(<<"x">>, 1024 * 1024),
    [ok = gen_tcp:send(S, Bin) || _ <- lists:seq(1, ${mib})],
    Self ! sent,
    receive never -> ok end
  end),
  register(erlscope_stuck_sender, Sender),
  receive sent -> ok end,`
}

/** Atoms made until the node holds `total` of them (the node needs `+t` above that). */
export function atomLeakTo(total: number): string {
  return `
  Start = erlang:system_info(atom_count),
  [list_to_atom("erlscope_leak_" ++ integer_to_list(I)) || I <- lists:seq(1, ${total} - Start)],`
}

/**
 * Expressions for the per-category views (ETS, ports, binary leak, atoms and code, churn),
 * evaluated on the target with `erl_eval:exprs/2` like those in exprs.ts. Each is one round trip
 * with a reply bounded by `Limit`; the scans over every table / port / process stay on the node.
 */

/**
 * Shared helpers: `Txt` (a term as `~w` text), `Cut` (a term printed `~tP` to at most 200
 * characters), `DictGet` (one dictionary key, without copying the dictionary where the node
 * supports `{dictionary, Key}`), `Owner` (`{PidText, RegisteredName | undefined, Label | undefined}`,
 * the label from OTP 27's `'$process_label'` or RabbitMQ's `process_name`), `Ic` (initial call
 * through proc_lib's `'$initial_call'`).
 */
const HELPERS = String.raw`
WordSize = erlang:system_info(wordsize),
Txt = fun(T) -> unicode:characters_to_binary(io_lib:format("~w", [T])) end,
Cut = fun(T) ->
  Cs = lists:flatten(io_lib:format("~tP", [T, 64])),
  unicode:characters_to_binary(lists:sublist(Cs, 200))
end,
DictGet = fun(P, K) ->
  try erlang:process_info(P, {dictionary, K}) of
    {_, V} -> V;
    undefined -> undefined
  catch error:badarg ->
    case erlang:process_info(P, dictionary) of
      {dictionary, D} -> case lists:keyfind(K, 1, D) of {_, V} -> V; false -> undefined end;
      undefined -> undefined
    end
  end
end,
Owner = fun(P) when is_pid(P), node(P) =:= node() ->
              case erlang:process_info(P, registered_name) of
                undefined -> {Txt(P), undefined, undefined};
                RegInfo ->
                  Nm = case RegInfo of {registered_name, N} -> N; _ -> undefined end,
                  Lb = case DictGet(P, '$process_label') of
                         undefined -> DictGet(P, process_name);
                         L -> L
                       end,
                  {Txt(P), Nm, case Lb of undefined -> undefined; _ -> Cut(Lb) end}
              end;
           (P) when is_pid(P) -> {Txt(P), undefined, undefined};
           (_) -> undefined
        end,
Ic = fun(P) ->
  case erlang:process_info(P, initial_call) of
    {_, {proc_lib, init_p, 5} = I0} ->
      case DictGet(P, '$initial_call') of {_, _, _} = I1 -> I1; _ -> I0 end;
    {_, I0} -> I0;
    undefined -> undefined
  end
end,
Desc = fun(L) -> lists:reverse(lists:sort(L)) end,
`

/**
 * ETS tables. Bindings: Key (memory | size | growth), Limit, WindowMs.
 * Returns {TableCount, TablesBytes, MemoryEts, WordSize,
 *          [{IdText, Name, Named, Owner, Type, Protection, Size, MemoryBytes, GrowthBytes, Compressed}]}.
 */
export const ETS = String.raw`
${HELPERS}
Mem = fun(T) -> case ets:info(T, memory) of undefined -> undefined; W -> W * WordSize end end,
Tabs = ets:all(),
N = length(Tabs),
Info = fun(Item) -> lists:zipwith(fun ets:info/2, Tabs, lists:duplicate(N, Item)) end,
Words = Info(memory),
Zeros = lists:duplicate(N, 0),
Scored = case Key of
  memory -> lists:zip3(Words, Zeros, Tabs);
  size -> lists:zip3(Info(size), Zeros, Tabs);
  growth ->
    timer:sleep(WindowMs),
    Born = ets:all() -- Tabs,
    [case {A, Mem(T)} of
       {_, undefined} -> {undefined, 0, T};
       {undefined, B} -> {B, B, T};
       {_, B} -> {B - A * WordSize, B - A * WordSize, T}
     end || {T, A} <- lists:zip(Tabs, Words)] ++ [{Mem(T), Mem(T), T} || T <- Born]
end,
%% atoms sort after numbers: after the reverse, tables gone during the read come first
Top = lists:sublist(lists:dropwhile(fun({V, _, _}) -> V =:= undefined end, Desc(Scored)), Limit),
Row = fun(T, G) ->
  case ets:info(T) of
    undefined -> [];
    I ->
      Get = fun(K) -> case lists:keyfind(K, 1, I) of {_, V} -> V; false -> undefined end end,
      [{Txt(Get(id)), Get(name), Get(named_table), Owner(Get(owner)), Get(type), Get(protection),
        Get(size), Get(memory) * WordSize, G, Get(compressed)}]
  end
end,
{N, lists:sum(lists:filter(fun erlang:is_integer/1, Words)) * WordSize, erlang:memory(ets), WordSize,
 lists:append([Row(T, G) || {_, G, T} <- Top])}
`

/**
 * The first objects of one table. Bindings: IdText, Limit, Depth, MaxChars.
 * Returns undefined | {Name, Size, private} | {Name, Size, [{Text, Truncated}]}.
 */
export const ETS_CONTENTS = String.raw`
Fold = fun(Term) ->
  Chars = lists:flatten(io_lib:format("~tP", [Term, Depth])),
  case length(Chars) > MaxChars of
    true -> {unicode:characters_to_binary(lists:sublist(Chars, MaxChars)), true};
    false -> {unicode:characters_to_binary(Chars), false}
  end
end,
IdStr = binary_to_list(IdText),
T = case IdStr of
  "#Ref<" ++ _ -> try list_to_ref(IdStr) catch error:badarg -> undefined end;
  _ -> try binary_to_existing_atom(IdText, utf8) catch error:badarg -> undefined end
end,
case T =/= undefined andalso ets:info(T, protection) of
  false -> undefined;
  undefined -> undefined;
  private -> {ets:info(T, name), ets:info(T, size), private};
  _ ->
    Objs = try ets:select(T, [{'_', [], ['$_']}], Limit) of
             {Os, _} -> Os;
             '$end_of_table' -> []
           catch error:badarg -> []
           end,
    {ets:info(T, name), ets:info(T, size), [Fold(O) || O <- Objs]}
end
`

/**
 * Ports and NIF sockets. Bindings: Key (queue | memory | input | output | growth), Limit, WindowMs.
 * Returns {PortCount, SocketCount, [Row]} with Row =
 * {PortText, Name, OsPid, DistNode, Owner, Queue, Memory, Input, Output, Peer, Local, Stats, Growth}.
 */
export const PORTS = String.raw`
${HELPERS}
PI = fun(P, K) -> case erlang:port_info(P, K) of {K, V} -> V; undefined -> undefined end end,
Item = case Key of queue -> queue_size; growth -> queue_size; ItemKey -> ItemKey end,
Ports = erlang:ports(),
Socks = try socket:which_sockets() catch _:_ -> [] end,
SockInfo = fun(S) -> try socket:info(S) catch _:_ -> #{} end end,
SockScore = fun(S) ->
  Cs = maps:get(counters, SockInfo(S), #{}),
  case Key of
    input -> maps:get(read_byte, Cs, 0);
    output -> maps:get(write_byte, Cs, 0);
    _ -> 0
  end
end,
NP = length(Ports),
PInfo = fun(It) -> lists:zipwith(fun erlang:port_info/2, Ports, lists:duplicate(NP, It)) end,
Scored0 = case Key of
  growth ->
    Q1 = PInfo(queue_size),
    timer:sleep(WindowMs),
    [case A of
       undefined -> {B, B, P};
       {_, A1} -> {B - A1, B - A1, P}
     end || {P, A} <- lists:zip(Ports, Q1), B <- [PI(P, queue_size)], B =/= undefined];
  _ -> lists:zip3(PInfo(Item), lists:duplicate(NP, 0), Ports)
end,
%% port_info answers {Item, V} (tuples sort after the atom undefined of ports gone meanwhile)
Scored = [{case V of {_, V1} -> V1; _ -> V end, G, P} || {V, G, P} <- lists:sublist(Desc(Scored0), Limit), V =/= undefined]
         ++ [{SockScore(S), 0, S} || S <- Socks],
Top = lists:sublist(Desc(Scored), Limit),
Dist = try erlang:system_info(dist_ctrl) catch _:_ -> [] end,
Addr = fun({ok, {A, Pt}}) when is_tuple(A) -> unicode:characters_to_binary(io_lib:format("~s:~w", [inet:ntoa(A), Pt]));
          ({ok, AddrOther}) -> Txt(AddrOther);
          (_) -> undefined
       end,
Row = fun(P, G) when is_port(P) ->
           case erlang:port_info(P) of
             undefined -> [];
             I ->
               Get = fun(K) -> case lists:keyfind(K, 1, I) of {_, V} -> V; false -> undefined end end,
               Name = Get(name),
               Inet = lists:member(Name, ["tcp_inet", "udp_inet", "sctp_inet"]),
               {Peer, Local, Stats} = case Inet of
                 true ->
                   {Addr(catch inet:peername(P)), Addr(catch inet:sockname(P)),
                    case catch inet:getstat(P, [send_pend, recv_oct, send_oct]) of {ok, St} -> St; _ -> [] end};
                 false -> {undefined, undefined, []}
               end,
               DistNode = case lists:keyfind(P, 2, Dist) of {Dn, _} -> Dn; false -> undefined end,
               [{Txt(P), unicode:characters_to_binary(Name), PI(P, os_pid), DistNode, Owner(Get(connected)),
                 PI(P, queue_size), PI(P, memory), Get(input), Get(output), Peer, Local, Stats, G}]
           end;
         (S, G) ->
           Si = SockInfo(S),
           Cs = maps:get(counters, Si, #{}),
           [{Txt(S), <<"socket">>, undefined, undefined, Owner(maps:get(owner, Si, undefined)), 0, 0,
             maps:get(read_byte, Cs, 0), maps:get(write_byte, Cs, 0),
             Addr(catch socket:peername(S)), Addr(catch socket:sockname(S)), [], G}]
      end,
{length(Ports), length(Socks), lists:append([Row(P, G) || {_, G, P} <- Top])}
`

/**
 * Binary-leak check (recon's bin_leak, per process): refc binary bytes before and after a GC of
 * each process, stopped by MaxProcs or MaxMs. Bindings: Limit, MaxProcs, MaxMs.
 * Returns {Scanned, ProcessCount, StoppedEarly, FreedTotal, BinBefore, BinAfter, ElapsedMs,
 *          [{PidText, Name, InitialCall, Owner, Before, After}]}.
 */
export const BIN_LEAK = String.raw`
${HELPERS}
Started = erlang:monotonic_time(millisecond),
BinBefore = erlang:memory(binary),
BinMem = fun(P) -> case erlang:process_info(P, binary) of
                     {binary, Bs} -> lists:sum([S || {_, S, _} <- Bs]);
                     undefined -> undefined
                   end end,
Trim = fun(Acc) -> lists:sublist(Desc(Acc), Limit) end,
Self = self(),
Loop = fun L([], N, Acc, Tot) -> {N, Acc, Tot, false};
           L(_, N, Acc, Tot) when N >= MaxProcs -> {N, Acc, Tot, true};
           L([P | Rest], N, Acc, Tot) when P =:= Self -> L(Rest, N, Acc, Tot);
           L([P | Rest], N, Acc, Tot) ->
             case erlang:monotonic_time(millisecond) - Started > MaxMs of
               true -> {N, Acc, Tot, true};
               false ->
                 case BinMem(P) of
                   undefined -> L(Rest, N, Acc, Tot);
                   B ->
                     erlang:garbage_collect(P),
                     case BinMem(P) of
                       undefined -> L(Rest, N + 1, Acc, Tot);
                       A when B - A > 0 ->
                         Acc2 = [{B - A, P, B, A} | Acc],
                         Acc3 = case length(Acc2) > 4 * Limit of true -> Trim(Acc2); false -> Acc2 end,
                         L(Rest, N + 1, Acc3, Tot + B - A);
                       _ -> L(Rest, N + 1, Acc, Tot)
                     end
                 end
             end
       end,
{Scanned, Acc, Freed, Early} = Loop(erlang:processes(), 0, [], 0),
Rows = [begin
          Nm = case erlang:process_info(P, registered_name) of {_, N} -> N; _ -> undefined end,
          {Txt(P), Nm, Ic(P), Owner(P), B, A}
        end || {_, P, B, A} <- Trim(Acc)],
{Scanned, erlang:system_info(process_count), Early, Freed, BinBefore, erlang:memory(binary),
 erlang:monotonic_time(millisecond) - Started, Rows}
`

/**
 * Atoms and loaded code. Bindings: Limit.
 * Returns {AtomCount, AtomLimit, MemAtom, MemAtomUsed, MemCode, ModuleCount,
 *          [{Module, Bytes, OldBytes}] (largest Limit), [{Module, Bytes, OldBytes}] (with old code)}.
 */
export const ATOMS_CODE = String.raw`
Lines = binary:split(erlang:system_info(loaded), <<"\n">>, [global]),
Mods = lists:append([case re:run(L, "^(\\S+) (\\d+)(?: \\((\\d+)\\))?$", [{capture, all_but_first, binary}]) of
                       {match, [M, S]} -> [{binary_to_integer(S), M, 0}];
                       {match, [M, S, <<>>]} -> [{binary_to_integer(S), M, 0}];
                       {match, [M, S, O]} -> [{binary_to_integer(S), M, binary_to_integer(O)}];
                       nomatch -> []
                     end || L <- Lines, binary:match(L, <<":">>) =:= nomatch]),
Sorted = lists:reverse(lists:sort(Mods)),
Old = lists:sublist([{M, S, O} || {S, M, O} <- Sorted, O > 0], 200),
Mem = erlang:memory(),
G = fun(K) -> element(2, lists:keyfind(K, 1, Mem)) end,
{erlang:system_info(atom_count), erlang:system_info(atom_limit), G(atom), G(atom_used), G(code),
 length(Mods), [{M, S, O} || {S, M, O} <- lists:sublist(Sorted, Limit)], Old}
`

/**
 * Churn: two process lists WindowMs apart; every process grouped by initial call (at most
 * MaxGroup of them), newborns grouped by parent. Bindings: WindowMs, Limit, MaxGroup.
 * Each end of the window is marked by the pid of a process spawned there (it exits at once): the
 * pid counter between the two marks counts every spawn of the window, short-lived ones included.
 * Returns {CountBefore, CountAfter, Born, Died, Grouped,
 *          [{InitialCall, Count, BornCount}], [{ParentOwner, BornCount}],
 *          {MarkBefore, MarkAfter}} with a mark `{PidNumber, PidSerial}` or undefined.
 */
export const CHURN = String.raw`
${HELPERS}
SpawnMark = fun() ->
  {SmP, SmR} = erlang:spawn_monitor(fun() -> ok end),
  receive {'DOWN', SmR, process, SmP, _} -> ok end,
  case string:lexemes(erlang:pid_to_list(SmP), "<.>") of
    [_, SmN, SmS] -> {list_to_integer(SmN), list_to_integer(SmS)};
    _ -> undefined
  end
end,
Mark1 = SpawnMark(),
Ps1 = lists:sort(erlang:processes()),
timer:sleep(WindowMs),
Ps2 = lists:sort(erlang:processes()),
Mark2 = SpawnMark(),
Born = ordsets:subtract(Ps2, Ps1),
Died = length(ordsets:subtract(Ps1, Ps2)),
BornSet = sets:from_list(Born),
Count = fun(K, IsBorn, M) ->
  {C, Bn} = maps:get(K, M, {0, 0}),
  M#{K => {C + 1, case IsBorn of true -> Bn + 1; false -> Bn end}}
end,
Grouped = lists:sublist(Ps2, MaxGroup),
ByIc = lists:foldl(fun(P, M) ->
                     case Ic(P) of undefined -> M; I -> Count(I, sets:is_element(P, BornSet), M) end
                   end, #{}, Grouped),
Parent = fun(P) ->
  try erlang:process_info(P, parent) of
    {parent, Pp} -> Pp;
    undefined -> undefined
  catch error:badarg ->
    case DictGet(P, '$ancestors') of [A | _] -> A; _ -> undefined end
  end
end,
ByParent = lists:foldl(fun(P, M) ->
                         case Parent(P) of undefined -> M; Pp -> Count(Pp, true, M) end
                       end, #{}, Born),
IcTop = lists:sublist(Desc([{C, Bn, K} || {K, {C, Bn}} <- maps:to_list(ByIc)]), Limit),
PaTop = lists:sublist(Desc([{Bn, K} || {K, {_, Bn}} <- maps:to_list(ByParent)]), Limit),
{length(Ps1), length(Ps2), length(Born), Died, length(Grouped),
 [{K, C, Bn} || {C, Bn, K} <- IcTop],
 [{case is_pid(K) of true -> Owner(K); false -> {Txt(K), K, undefined} end, Bn} || {Bn, K} <- PaTop],
 {Mark1, Mark2}}
`

/**
 * Scheduler utilization: `scheduler_wall_time` on for the window only (the flag belongs to the
 * calling process and is restored before the call ends). Bindings: WindowMs.
 * Returns {WasEnabled, Normal, DirtyCpu, [{Id, ActiveDelta, TotalDelta}]}.
 */
export const SCHEDULERS = String.raw`
Old = erlang:system_flag(scheduler_wall_time, true),
Read = fun() -> case erlang:statistics(scheduler_wall_time_all) of undefined -> []; L -> lists:sort(L) end end,
S1 = Read(),
timer:sleep(WindowMs),
S2 = Read(),
erlang:system_flag(scheduler_wall_time, Old),
{Old, erlang:system_info(schedulers), erlang:system_info(dirty_cpu_schedulers),
 [{Id, A2 - A1, T2 - T1} || {{Id, A1, T1}, {Id2, A2, T2}} <- lists:zip(S1, S2), Id =:= Id2]}
`

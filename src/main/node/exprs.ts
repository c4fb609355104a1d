/**
 * Erlang expressions the collectors evaluate on the target with `erl_eval:exprs/2` (no code is
 * loaded there). Inputs arrive as bindings (capitalised names below); each expression returns a
 * bounded term. Pids leave the target as their own text (`pid_to_list/1`), so the renderer sees
 * `<0.123.0>` exactly as the node prints it.
 *
 * Per-process work uses `fun erlang:process_info/2` through `lists:zipwith/3` (native calls, no
 * interpreted fun per process) over chunks of `ChunkSize` pids, keeping only the best `Want` in
 * a sorted accumulator, so a node with a million processes costs the pid list plus one chunk.
 */

/**
 * Helpers shared by several expressions (they bind `Row`, `LabelOf`, `BinMem`). A row's last item
 * is the name people know the process by: OTP 27's `'$process_label'`, else RabbitMQ's
 * `process_name` from the dictionary (one key read where the node has `{dictionary, Key}`, OTP 26.2+).
 */
const ROW = String.raw`
WordSize = erlang:system_info(wordsize),
BinMem = fun(Bs) -> lists:sum([S || {_, S, _} <- Bs]) end,
LabelOf = fun(P) ->
  LbFound = try {erlang:process_info(P, {dictionary, '$process_label'}),
                 erlang:process_info(P, {dictionary, process_name})} of
              {{_, LbA}, {_, LbB}} -> [LbA, LbB];
              _ -> []
            catch error:badarg ->
              case erlang:process_info(P, dictionary) of
                {dictionary, LbD} -> [case lists:keyfind(LbK, 1, LbD) of {_, LbV} -> LbV; false -> undefined end
                                      || LbK <- ['$process_label', process_name]];
                undefined -> []
              end
            end,
  case [LbV || LbV <- LbFound, LbV =/= undefined] of
    [] -> undefined;
    [LbV | _] -> unicode:characters_to_binary(lists:sublist(lists:flatten(io_lib:format("~tP", [LbV, 64])), 200))
  end
end,
Row = fun(P, V) ->
  case erlang:process_info(P, [registered_name, initial_call, memory, message_queue_len,
                               reductions, total_heap_size, current_function, binary]) of
    undefined -> [];
    [{_, Nm}, {_, Ic}, {_, Mem}, {_, Q}, {_, R}, {_, H}, {_, Cf}, {_, Bs}] ->
      Ic2 = case Ic of
              {proc_lib, init_p, 5} -> try proc_lib:translate_initial_call(P) catch _:_ -> Ic end;
              _ -> Ic
            end,
      [{list_to_binary(erlang:pid_to_list(P)), Nm, Ic2, Mem, Q, R, H * WordSize, Cf, BinMem(Bs), V, LabelOf(P)}]
  end
end,
`

/**
 * Growth (binds `Growth`, a fun returning {ScannedCount, the best Want2 as [{{d, Delta}, Pid}]
 * ascending}), built for a million processes: no interpreted code per process, no sort of the whole
 * list (bench/node-growth: about a third of a naive two-fold's memory, still 2.3x `processes()`).
 *
 * - The pid list is kept as tuples of ChunkSize pids (a word per pid, half the list); sample 1
 *   keeps only each chunk's values, in pid order, as one off-heap binary (`term_to_binary`).
 * - Sample 2 walks the same chunks: `lists:zip3(Info2, Values1, Pids)` and one compiled match
 *   spec (`ets:match_spec_run/2`: native per element, no table) compute the deltas, drop the dead
 *   (process_info gave undefined; -1 marks one dead at sample 1) and keep only entries above the
 *   smallest of the Want2 kept so far; only those are sorted and merged.
 * - Newborns (in `processes()` after the window, not before it; the whole list, then filtered)
 *   without sorting a million pids: both lists are cut into ranges of pids (a match spec per
 *   range) at quantiles of one pid per chunk, taken at varying offsets (the order of
 *   `processes()` has a period), and each range is `New -- Old`, so the multiset `--` builds
 *   stays a fraction of the list. They count from 0: their delta is the value now.
 */
const GROWTH = String.raw`
GTuples = fun GT(GL, GN, GA) when GN > ChunkSize ->
                {GC, GR} = lists:split(ChunkSize, GL), GT(GR, GN - ChunkSize, [list_to_tuple(GC) | GA]);
              GT(GL, _, GA) -> [list_to_tuple(GL) | GA]
          end,
GInfo = fun(GC) -> lists:zipwith(fun erlang:process_info/2, GC, lists:duplicate(length(GC), GrowthOf)) end,
GValueMS = ets:match_spec_compile([{{'_', '$1'}, [], ['$1']}, {'_', [], [-1]}]),
GSample1 = fun(GTs) -> [term_to_binary(ets:match_spec_run(GInfo(tuple_to_list(GT1)), GValueMS)) || GT1 <- GTs] end,
GPair = {{{'-', '$1', '$2'}, '$3'}},
GDeltaMS = fun(none) -> ets:match_spec_compile([{{{'_', '$1'}, '$2', '$3'}, [{'>=', '$2', 0}], [GPair]}]);
              ({GMin}) -> ets:match_spec_compile([{{{'_', '$1'}, '$2', '$3'},
                                                  [{'>=', '$2', 0}, {'>', GPair, {const, GMin}}], [GPair]}])
           end,
GKeep = fun(GCand, GAcc) ->
          GM = lists:merge(lists:sort(GCand), GAcc),
          lists:nthtail(max(0, length(GM) - Want2), GM)
        end,
GMinOf = fun(GAcc) -> case length(GAcc) >= Want2 of true -> {hd(GAcc)}; false -> none end end,
GSample2 = fun GS([], [], GAcc) -> GAcc;
               GS([GT2 | GTs2], [GB | GBs], GAcc) ->
                 GC2 = tuple_to_list(GT2),
                 GZ = lists:zip3(GInfo(GC2), binary_to_term(GB), GC2),
                 GS(GTs2, GBs, GKeep(ets:match_spec_run(GZ, GDeltaMS(GMinOf(GAcc))), GAcc))
           end,
GRangeMS = fun(GLo, GHi) ->
             ets:match_spec_compile([{'$1', [{'>=', '$1', {const, GLo}} || GLo =/= none] ++
                                            [{'<', '$1', {const, GHi}} || GHi =/= none], ['$1']}])
           end,
GBorn = fun(GTs0) ->
  GP2 = erlang:processes(),
  GSam = lists:sort([element(1 + (GI * 997) rem tuple_size(GH), GH)
                     || {GI, GH} <- lists:zip(lists:seq(1, length(GTs0)), GTs0), tuple_size(GH) > 0]),
  GNS = length(GSam),
  GK = max(1, min(GNS, (length(GP2) + 124999) div 125000)),
  GPiv = [lists:nth(GI * GNS div GK + 1, GSam) || GI <- lists:seq(1, GK - 1)],
  lists:append([begin
                  GMS = GRangeMS(GLo, GHi),
                  ets:match_spec_run(GP2, GMS) --
                    lists:append([ets:match_spec_run(tuple_to_list(GT3), GMS) || GT3 <- GTs0])
                end || {GLo, GHi} <- lists:zip([none | GPiv], GPiv ++ [none])])
end,
GYoungMS = ets:match_spec_compile([{{{'_', '$1'}, '$2'}, [], [{{'$1', '$2'}}]}]),
Growth = fun() ->
  {GTs0, GTs} = (fun() ->
                   GL0 = erlang:processes(),
                   GT0 = GTuples(GL0, length(GL0), []),
                   case {Filter, Group} of
                     {undefined, []} -> {GT0, GT0};
                     _ -> GL1 = Pick(GL0), {GT0, GTuples(GL1, length(GL1), [])}
                   end
                 end)(),
  GNPs = lists:sum([tuple_size(GX) || GX <- GTs]),
  GAcc = (fun() -> GBins = GSample1(GTs), timer:sleep(WindowMs), GSample2(GTs, GBins, []) end)(),
  erlang:garbage_collect(),
  GNew = Pick(GBorn(GTs0)),
  GAll = GKeep(ets:match_spec_run(lists:zip(GInfo(GNew), GNew), GYoungMS), GAcc),
  {GDs, GPs} = lists:unzip(GAll),
  {GNPs + length(GNew), lists:zip(lists:zip(lists:duplicate(length(GDs), d), GDs), GPs)}
end,
`

/**
 * Ranking (one scan). Bindings: Key (memory | message_queue_len | reductions | total_heap_size |
 * binary_memory | growth), GrowthOf (process_info item for growth), Depth (how many ranked entries
 * to keep), Offset, Limit (the first page to return as rows), Filter (lower-case binary or
 * undefined), Group (`[]`, `[initial_call, ModuleText, FunctionText, Arity]` or
 * `[parent, PidText]`: only that group, as churn counts it), WindowMs, ChunkSize.
 * Returns {ScannedCount, ProcessCount, WordSize, Values, PidTexts, [Row] of the page}: the ranking,
 * best first, as two lists built by native calls only (an interpreted comprehension over 10,000
 * entries cost the node ~20M reductions); Values are `{_, V}`, or `undefined` for a process that
 * died during the scan (those sort last; growth leaves them out).
 */
const PROCESSES_BODY = String.raw`
${ROW}
TextMatch = case Filter of
  undefined -> fun(_) -> true end;
  _ -> fun(P) ->
         case erlang:process_info(P, [registered_name, initial_call, current_function]) of
           undefined -> false;
           [{_, FNm}, {_, FIc}, {_, FCf}] ->
             FS = string:lowercase(unicode:characters_to_binary(
                    io_lib:format("~w ~w ~w ~w", [P, FNm, FIc, FCf]))),
             string:find(FS, Filter) =/= nomatch
         end
       end
end,
GrpDict = fun(P, GrpK) ->
  try erlang:process_info(P, {dictionary, GrpK}) of
    {_, GrpV} -> GrpV;
    undefined -> undefined
  catch error:badarg ->
    case erlang:process_info(P, dictionary) of
      {dictionary, GrpDl} -> case lists:keyfind(GrpK, 1, GrpDl) of {_, GrpV} -> GrpV; false -> undefined end;
      undefined -> undefined
    end
  end
end,
InGroup = case Group of
  [] -> fun(_) -> true end;
  [initial_call, GrpM, GrpF, GrpA] ->
    %% a module or function the node has no atom for has no process
    GrpWant = try {binary_to_existing_atom(GrpM, utf8), binary_to_existing_atom(GrpF, utf8), GrpA}
            catch error:badarg -> none end,
    fun(P) ->
      GrpWant =/= none andalso
        case erlang:process_info(P, initial_call) of
          {_, {proc_lib, init_p, 5} = GrpI0} ->
            case GrpDict(P, '$initial_call') of {_, _, _} = GrpI1 -> GrpI1; _ -> GrpI0 end =:= GrpWant;
          {_, GrpI0} -> GrpI0 =:= GrpWant;
          undefined -> false
        end
    end;
  [parent, GrpPT] ->
    GrpWantP = list_to_pid(binary_to_list(GrpPT)),
    fun(P) ->
      GrpParent = try erlang:process_info(P, parent) of
                  {parent, GrpPp} -> GrpPp;
                  undefined -> undefined
                catch error:badarg ->
                  case GrpDict(P, '$ancestors') of
                    [GrpA0 | _] when is_atom(GrpA0) -> erlang:whereis(GrpA0);
                    [GrpA0 | _] -> GrpA0;
                    _ -> undefined
                  end
                end,
      GrpParent =:= GrpWantP
    end
end,
Match = fun(P) -> InGroup(P) andalso TextMatch(P) end,
Pick = fun(PickL) -> case {Filter, Group} of {undefined, []} -> PickL; _ -> [P || P <- PickL, Match(P)] end end,
Want2 = Depth + 2,
${GROWTH}
Score = case Key of
  binary_memory ->
    fun(C) -> [case erlang:process_info(P, binary) of
                 {binary, Bs} -> {{binary, BinMem(Bs)}, P};
                 undefined -> {undefined, P}
               end || P <- C] end;
  _ ->
    fun(C) -> lists:zip(lists:zipwith(fun erlang:process_info/2, C, lists:duplicate(length(C), Key)), C) end
end,
Top = fun Loop([], _, Acc) -> Acc;
          Loop(L, N, Acc) ->
            {C, Rest, N2} = case N > ChunkSize of
                              true -> {C0, R0} = lists:split(ChunkSize, L), {C0, R0, N - ChunkSize};
                              false -> {L, [], 0}
                            end,
            S = lists:sort(Score(C)),
            Best = lists:nthtail(max(0, length(S) - Want2), S),
            M = lists:merge(Best, Acc),
            Loop(Rest, N2, lists:nthtail(max(0, length(M) - Want2), M))
      end,
{Scanned, Ranked0} = case Key of
  growth -> Growth();
  _ -> (fun() -> Ps = Pick(erlang:processes()), NPs = length(Ps), {NPs, Top(Ps, NPs, [])} end)()
end,
Ranked = lists:sublist(lists:keydelete(self(), 2, lists:keydelete(Parent, 2, lists:reverse(Ranked0))), Depth),
{RankedValues, RankedPids} = lists:unzip(Ranked),
Page = [{V, P} || {{_, V}, P} <- lists:sublist(Ranked, Offset + 1, Limit)],
{Scanned, erlang:system_info(process_count), WordSize,
 RankedValues, lists:map(fun erlang:pid_to_list/1, RankedPids),
 lists:append([Row(P, V) || {V, P} <- Page])}
`

/**
 * Rows of one page of a ranking kept in main (no scan): Bindings: PidTexts, Values (the ranked
 * value of each, echoed in the row). Dead processes are left out. Returns [Row].
 */
export const PROCESS_ROWS = String.raw`
${ROW}
ToPid = fun(T) -> try list_to_pid(binary_to_list(T)) catch error:badarg -> undefined end end,
lists:append(lists:zipwith(fun(T, V) -> case ToPid(T) of undefined -> []; P -> Row(P, V) end end,
                           PidTexts, Values))
`

/**
 * The scan runs in a linked worker spawned with `{fullsweep_after, 10}`: the pid list lives in its
 * old heap and frequent full sweeps keep the peak close to that list (about 2x less than the
 * default policy at a million processes). The collector's own processes are left out.
 */
export const PROCESSES = String.raw`
Parent = self(),
{ScanPid, ScanRef} = erlang:spawn_opt(fun() -> Parent ! {self(), begin
${PROCESSES_BODY}
end} end, [link, monitor, {fullsweep_after, 10}]),
receive
  {ScanPid, ScanResult} -> erlang:demonitor(ScanRef, [flush]), ScanResult;
  {'DOWN', ScanRef, _, _, ScanWhy} -> erlang:exit(ScanWhy)
end
`

/**
 * The background sample: `{erlang:memory(), AtomCount, ProcessCount, {PidNumber, PidSerial}}` in
 * one round trip. atom_count exists since OTP 20; before it, undefined. The pid is this call's own
 * process, spawned for it by the node: its number and serial count the spawns (spawn-counter.ts).
 */
export const MEMORY_SAMPLE = String.raw`
{erlang:memory(),
 try erlang:system_info(atom_count) catch _:_ -> undefined end,
 erlang:system_info(process_count),
 case string:lexemes(erlang:pid_to_list(self()), "<.>") of
   [_, SpNum, SpSer] -> {list_to_integer(SpNum), list_to_integer(SpSer)};
   _ -> undefined
 end}
`

/** Overview. Returns a proplist. */
export const SYSTEM = String.raw`
T = fun(F) -> try F() catch _:_ -> undefined end end,
B = fun(S) -> unicode:characters_to_binary(S) end,
[{node, node()},
 {otp_release, B(erlang:system_info(otp_release))},
 {version, B(erlang:system_info(version))},
 {system_version, B(string:trim(erlang:system_info(system_version)))},
 {uptime, element(1, erlang:statistics(wall_clock))},
 {wordsize, erlang:system_info(wordsize)},
 {schedulers, erlang:system_info(schedulers)},
 {schedulers_online, erlang:system_info(schedulers_online)},
 {dirty_cpu_schedulers, T(fun() -> erlang:system_info(dirty_cpu_schedulers) end)},
 {dirty_io_schedulers, T(fun() -> erlang:system_info(dirty_io_schedulers) end)},
 {logical_processors, erlang:system_info(logical_processors)},
 {process_count, erlang:system_info(process_count)},
 {process_limit, erlang:system_info(process_limit)},
 {port_count, erlang:system_info(port_count)},
 {port_limit, erlang:system_info(port_limit)},
 {atom_count, T(fun() -> erlang:system_info(atom_count) end)},
 {atom_limit, T(fun() -> erlang:system_info(atom_limit) end)},
 {ets_count, T(fun() -> erlang:system_info(ets_count) end)},
 {ets_limit, T(fun() -> erlang:system_info(ets_limit) end)},
 {run_queue, T(fun() -> erlang:statistics(total_run_queue_lengths) end)},
 {memory_total, erlang:memory(total)}]
`

/** Prints a term in Erlang syntax, folded at depth `Depth` and cut at `MaxChars`. */
const FOLD = String.raw`
Fold = fun(Term, Depth, MaxChars) ->
  Chars = lists:flatten(io_lib:format("~tP", [Term, Depth])),
  case length(Chars) > MaxChars of
    true -> {unicode:characters_to_binary(lists:sublist(Chars, MaxChars)), true};
    false -> {unicode:characters_to_binary(Chars), false}
  end
end,
Txt = fun(T) -> unicode:characters_to_binary(io_lib:format("~w", [T])) end,
`

/**
 * One process. Bindings: PidText (binary), MaxList (cap for links/monitors/dictionary entries),
 * Depth, MaxChars. Returns undefined or a proplist.
 */
export const PROCESS_DETAIL = String.raw`
${FOLD}
P = try list_to_pid(binary_to_list(PidText)) catch error:badarg -> self() end,
Alive = P =/= self(),
Items = [registered_name, initial_call, current_function, status, memory, message_queue_len,
         reductions, heap_size, stack_size, total_heap_size, binary, garbage_collection, trap_exit,
         priority, group_leader, links, monitors, monitored_by, current_stacktrace, dictionary],
case Alive andalso erlang:process_info(P, Items) of
  false -> undefined;
  undefined -> undefined;
  Info ->
    Get = fun(K) -> element(2, lists:keyfind(K, 1, Info)) end,
    Ic = case Get(initial_call) of
           {proc_lib, init_p, 5} = Ic0 -> try proc_lib:translate_initial_call(P) catch _:_ -> Ic0 end;
           Ic0 -> Ic0
         end,
    Bs = Get(binary),
    Dict = Get(dictionary),
    Frames = [case Fr of
                {M, F, A, Loc} when is_integer(A) -> {M, F, A, Loc};
                {M, F, As, Loc} when is_list(As) -> {M, F, length(As), Loc};
                _ -> {undefined, undefined, 0, []}
              end || Fr <- lists:sublist(Get(current_stacktrace), MaxList)],
    WordSize = erlang:system_info(wordsize),
    [{pid, PidText},
     {registered_name, Get(registered_name)},
     {initial_call, Ic},
     {current_function, Get(current_function)},
     {status, Get(status)},
     {memory, Get(memory)},
     {message_queue_len, Get(message_queue_len)},
     {reductions, Get(reductions)},
     {heap_size, Get(heap_size) * WordSize},
     {stack_size, Get(stack_size) * WordSize},
     {total_heap_size, Get(total_heap_size) * WordSize},
     {binary_memory, lists:sum([S || {_, S, _} <- Bs])},
     {binary_count, length(Bs)},
     {garbage_collection, [{K, V} || {K, V} <- Get(garbage_collection), is_integer(V)]},
     {trap_exit, Get(trap_exit)},
     {priority, Get(priority)},
     {group_leader, Txt(Get(group_leader))},
     {links, [Txt(L) || L <- lists:sublist(Get(links), MaxList)]},
     {monitors, [Txt(Mo) || Mo <- lists:sublist(Get(monitors), MaxList)]},
     {monitored_by, [Txt(Mb) || Mb <- lists:sublist(Get(monitored_by), MaxList)]},
     {stacktrace, [{M, F, A, case lists:keyfind(file, 1, Loc) of {_, Fi} -> unicode:characters_to_binary(Fi); _ -> undefined end,
                    case lists:keyfind(line, 1, Loc) of {_, Li} -> Li; _ -> undefined end}
                   || {M, F, A, Loc} <- Frames]},
     {dictionary_size, length(Dict)},
     {dictionary, [{element(1, Fold(K, Depth, 200)), element(1, Fold(V, Depth, MaxChars))}
                   || {K, V} <- lists:sublist(Dict, MaxList)]}]
end
`

/** The mailbox length alone (main decides from it). Bindings: PidText. Returns undefined | Len. */
export const QUEUE_LENGTH = String.raw`
P = try list_to_pid(binary_to_list(PidText)) catch error:badarg -> self() end,
case P =/= self() andalso erlang:process_info(P, message_queue_len) of
  false -> undefined;
  undefined -> undefined;
  {_, Len} -> Len
end
`

/**
 * Messages, capped. Bindings: PidText, Limit, MaxLen (the longest queue main allows to be copied),
 * Depth, MaxChars. The queue length is read again just before the copy, so a queue that grew past
 * MaxLen since main decided is not copied. Returns undefined | {too_many, Len} |
 * {ok, Len, [{Text, Truncated, Bytes}]}.
 */
export const MESSAGES = String.raw`
${FOLD}
P = try list_to_pid(binary_to_list(PidText)) catch error:badarg -> self() end,
Alive = P =/= self(),
case Alive andalso erlang:process_info(P, message_queue_len) of
  false -> undefined;
  undefined -> undefined;
  {_, Len} when Len > MaxLen -> {too_many, Len};
  {_, _} ->
    case erlang:process_info(P, messages) of
      undefined -> undefined;
      {_, Ms} ->
        Len2 = length(Ms),
        Firsts = lists:sublist(Ms, Limit),
        {ok, Len2, [begin {Tx, Tr} = Fold(Msg, Depth, MaxChars), {Tx, Tr, erlang:external_size(Msg)} end
                    || Msg <- Firsts]}
    end
end
`

/**
 * Snapshot: spawns a holder that keeps the sorted pid list and answers diffs; it exits on `stop`
 * or after IdleMs without a request; it carries Tag in its dictionary so a pid reused after a
 * restart is never mistaken for it. Bindings: IdleMs, Tag. Returns {HolderPidText, Count}.
 */
export const SNAPSHOT = String.raw`
${ROW}
Holder = erlang:spawn(fun() ->
  put('$erlscope_snapshot', Tag),
  Old = lists:sort(erlang:processes()),
  Loop = fun L() ->
    receive
      {diff, From, Ref, Max} ->
        New = lists:delete(From, ordsets:subtract(lists:sort(erlang:processes()), Old)),
        Rows = lists:append([Row(Pn, 0) || Pn <- lists:sublist(New, Max)]),
        From ! {Ref, {length(New), Rows}},
        erlang:garbage_collect(),
        L();
      {count, From, Ref} -> From ! {Ref, length(Old)}, L();
      stop -> ok
    after IdleMs -> ok
    end
  end,
  Loop()
end),
Ref = erlang:monitor(process, Holder),
Holder ! {count, self(), Ref},
receive
  {Ref, Count} -> erlang:demonitor(Ref, [flush]), {list_to_binary(erlang:pid_to_list(Holder)), Count};
  {'DOWN', Ref, _, _, Why} -> {error, Why}
after 30000 -> exit(Holder, kill), {error, timeout}
end
`

/** Bindings: HolderText, Tag, Max. Returns lost | {error, _} | {Total, [Row]} (Row as in PROCESSES, value 0). */
export const SNAPSHOT_DIFF = String.raw`
H = list_to_pid(binary_to_list(HolderText)),
IsHolder = case erlang:process_info(H, dictionary) of
  {dictionary, D} -> lists:member({'$erlscope_snapshot', Tag}, D);
  undefined -> false
end,
case IsHolder of
  false -> lost;
  true ->
    Ref = erlang:monitor(process, H),
    H ! {diff, self(), Ref, Max},
    receive
      {Ref, R} -> erlang:demonitor(Ref, [flush]), R;
      {'DOWN', Ref, _, _, _} -> lost
    after 60000 -> {error, timeout}
    end
end
`

/** Bindings: HolderText, Tag. */
export const SNAPSHOT_STOP = String.raw`
H = list_to_pid(binary_to_list(HolderText)),
case erlang:process_info(H, dictionary) of
  {dictionary, D} -> case lists:member({'$erlscope_snapshot', Tag}, D) of true -> H ! stop, ok; false -> ok end;
  undefined -> ok
end
`

/**
 * Allocators: every alloc_util allocator instance stripped to mbcs/sbcs/mbcs_pool, mseg_alloc's
 * memkind (cache status and calls), and erlang:memory(total), all from one call.
 * Returns {[{Alloc, N, Props}], [{N, MemKind}], MemoryTotal}.
 */
export const ALLOCATORS = String.raw`
Keep = [mbcs, sbcs, mbcs_pool],
Strip = fun(Info) -> [I || I <- Info, is_tuple(I), tuple_size(I) >= 2, lists:member(element(1, I), Keep)] end,
Insts = fun(A) -> case catch erlang:system_info({allocator, A}) of L when is_list(L) -> L; _ -> [] end end,
Util = [{A, N, Strip(Info)} || A <- erlang:system_info(alloc_util_allocators),
                               {instance, N, Info} <- Insts(A), is_list(Info)],
Mseg = [{N, MK} || {instance, N, Info} <- Insts(mseg_alloc), is_list(Info), {memkind, MK} <- Info],
{Util, Mseg, erlang:memory(total)}
`

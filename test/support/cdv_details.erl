%% What OTP's own crashdump_viewer reads from a dump's header lines, ETS tables, ports, timers, distribution
%% entries, and the stacks, dictionaries and message queues of its first 300 processes (terms
%% printed by io_lib_pretty on one line), as JSON, to check erlscope's section parsers and heap
%% term decoder against (test/unit/crashdump/corpus-details.test.ts). Needs Debian's
%% erlang-observer. Usage: d=$(mktemp -d) && erlc -o $d test/support/cdv_json.erl test/support/cdv_details.erl &&
%%   for f in CORPUS/dumps/*.dump; do n=$(basename $f .dump);
%%     erl -noshell -pa $d -run cdv_details main $f test/fixtures/corpus-details/$n.json &&
%%     gzip -9f test/fixtures/corpus-details/$n.json; done
-module(cdv_details).
-export([main/1]).
-import(cdv_json, [s/1, json/1]).

-define(PROCS, 300).

main([File, Out]) ->
    {ok, _} = crashdump_viewer:start_link(),
    crashdump_viewer:read_file(File),
    {ok, G, _} = crashdump_viewer:general_info(),
    Pids = [pid_s(element(2, P)) || P <- lists:sublist(ok_list(processes), ?PROCS)],
    %% #general_info{}: compile_time 5, taints 6, num_atoms 8, thread 16
    J = [{"general", [{"compiled", s(element(5, G))}, {"taints", s(element(6, G))},
                      {"atoms", s(element(8, G))}, {"thread", s(element(16, G))}]},
         {"ets", [ets(T) || T <- ok_list(ets_tables, [all])]},
         {"ports", [port(P) || P <- ok_list(ports)]},
         {"timers", [[{"owner", s(pid_s(Pid))}, {"message", s(Msg)}, {"time", s(Time)}]
                     || {timer, Pid, _Name, Msg, Time} <- ok_list(timers, [all])]},
         {"nodes", [node_row(N) || N <- ok_list(dist_info)]},
         {"procs", [proc(P) || P <- Pids]}],
    ok = file:write_file(Out, [json(J), $\n]),
    halt(0).

ok_list(F) -> ok_list(F, []).
ok_list(F, Args) ->
    case catch apply(crashdump_viewer, F, Args) of
        {ok, L, _} when is_list(L) -> L;
        _ -> []
    end.

pid_s(P) when is_pid(P) -> pid_to_list(P);
pid_s(P) -> P.

%% #ets_table{pid, slot, id, name, is_named, data_type, buckets, size, memory, details}
ets({ets_table, Pid, _Slot, Id, Name, Named, Type, Buckets, Size, Memory, _Details}) ->
    [{"owner", s(pid_s(Pid))}, {"id", s(Id)}, {"name", s(Name)}, {"named", s(Named)},
     {"type", s(Type)}, {"buckets", s(Buckets)}, {"size", s(Size)},
     {"bytes", case Memory of {bytes, B} -> B; _ -> null end}].

%% OTP 25's #port{}: id, state, task_flags, slot, connected, links, name, monitors, suspended,
%% controls, input, output, queue, port_data
port(P) when tuple_size(P) =:= 15 ->
    {port, {A, B}, _State, _Flags, _Slot, Connected, Links, Name, _Mon, _Susp, Controls, In, Out, Queue, _} = P,
    [{"id", s(lists:flatten(io_lib:format("#Port<~w.~w>", [A, B])))},
     {"connected", s(pid_s(Connected))},
     {"links", [s(L) || {L, _} <- list_or_empty(Links)]},
     {"name", s(Name)}, {"controls", s(Controls)},
     {"input", s(In)}, {"output", s(Out)}, {"queue", s(Queue)}].

list_or_empty(L) when is_list(L) -> L;
list_or_empty(_) -> [].

%% #nod{name, channel, conn_type, controller, creation, remote_links, remote_mon, remote_mon_by, error}
node_row({nod, Name, Channel, Type, Controller, Creation, Links, Mon, MonBy, _Error}) ->
    [{"name", s(Name)}, {"channel", s(Channel)}, {"type", s(Type)},
     {"controller", s(pid_s(Controller))}, {"creation", s(Creation)},
     {"remote_links", length(list_or_empty(Links))}, {"remote_monitors", length(list_or_empty(Mon))},
     {"remote_monitored_by", length(list_or_empty(MonBy))}].

%% #proc{}: msg_q is element 10, dict 18, stack_dump 38
proc(Pid) ->
    case catch crashdump_viewer:proc_details(Pid) of
        {ok, P, _} ->
            [{"pid", s(Pid)},
             {"messages", [text(M) || M <- list_or_empty(element(10, P))]},
             {"dictionary", [text(E) || E <- list_or_empty(element(18, P))]},
             {"stack", [[s(atom_to_list(Label)), frame(T)] || {Label, T} <- list_or_empty(element(38, P))]}];
        _ ->
            [{"pid", s(Pid)}, {"error", <<"unreadable">>}]
    end.

frame("Return addr " ++ _ = S) -> s(S);
frame("Catch " ++ _ = S) -> s(S);
frame(T) -> text(T).

%% A map of more than 32 keys prints in hash order, which crashdump_viewer's rebuilt terms do not
%% keep: such a map is written as {'#LargeMap', Size}.
text(T) ->
    unicode:characters_to_binary(
      io_lib_pretty:print(norm(T), [{column, 1}, {line_length, 1 bsl 30}, {depth, -1}, {encoding, unicode}])).

norm(M) when is_map(M), map_size(M) > 32 -> {'#LargeMap', map_size(M)};
norm(M) when is_map(M) -> maps:from_list([{norm(K), norm(V)} || {K, V} <- maps:to_list(M)]);
norm(T) when is_tuple(T) -> list_to_tuple([norm(E) || E <- tuple_to_list(T)]);
norm([H | T]) -> [norm(H) | norm(T)];
norm(T) -> T.


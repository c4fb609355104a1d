%% What OTP's own crashdump_viewer reads from a dump's other sections (allocators, schedulers,
%% loaded modules, funs, persistent terms, internal tables, allocated areas), as JSON, to check
%% erlscope's section parsers against (test/unit/crashdump/corpus-sections.test.ts). Needs
%% Debian's erlang-observer. The general/memory/process truth is /work/shared/tools/cdv_truth.erl.
%% Usage: d=$(mktemp -d) && erlc -o $d test/support/cdv_json.erl test/support/cdv_sections.erl &&
%%   for f in CORPUS/dumps/*.dump; do n=$(basename $f .dump);
%%     erl -noshell -pa $d -run cdv_sections main $f test/fixtures/corpus-truth/$n.json; done
-module(cdv_sections).
-export([main/1]).
-import(cdv_json, [s/1, json/1]).

main([File, Out]) ->
    {ok, _} = crashdump_viewer:start_link(),
    crashdump_viewer:read_file(File),
    {ok, _, _} = crashdump_viewer:general_info(),
    J = [{"allocators", allocators()},
         {"schedulers", schedulers()},
         {"modules", modules()},
         {"funs", funs()},
         {"persistent_terms", persistent_terms()},
         {"hash_tables", rows(hash_tables, fun({hash_table, N, S, U, O, D}) ->
                 [{"name", s(N)}, {"size", s(S)}, {"used", s(U)}, {"objs", s(O)}, {"depth", s(D)}]
             end)},
         {"index_tables", rows(index_tables, fun({index_table, N, S, L, _U, _R, E}) ->
                 [{"name", s(N)}, {"size", s(S)}, {"limit", s(L)}, {"entries", s(E)}]
             end)},
         {"allocated_areas", rows(allocated_areas, fun({N, A, U}) ->
                 [{"name", s(N)}, {"allocated", s(A)}, {"used", s(U)}]
             end)}],
    ok = file:write_file(Out, [json(J), $\n]),
    halt(0).

ok_list(F) ->
    case catch crashdump_viewer:F() of
        {ok, L, _} when is_list(L) -> L;
        _ -> []
    end.

rows(F, Row) -> [Row(E) || E <- ok_list(F)].

%% Per allocator instance, the lines whose key ends in "size" (carriers and blocks sizes, in the
%% OTP 23+ `blocks[Type] size` form too), and the summary row per allocator type.
allocators() ->
    case ok_list(allocator_info) of
        [{"Allocator Summary", _, Sum} | Instances] ->
            [{"summary", [[{"type", s(T)}, {"blocks", s(B)}, {"carriers", s(C)}] || {T, [B, C | _]} <- Sum]},
             {"instances", [[{"id", s(Id)},
                             {"lines", [[s(K) | [s(V) || V <- Vs, V =/= []]]
                                        || {K, Vs} <- Lines, is_list(Vs), lists:suffix(" size", K)]}]
                            || {Id, Lines} <- Instances, is_list(Lines)]}];
        _ -> [{"summary", []}, {"instances", []}]
    end.

schedulers() ->
    [[{"name", s(N)}, {"type", s(T)}, {"process", s(P)}, {"port", s(Po)}, {"run_q", s(Rq)}, {"port_q", s(Pq)}]
     || {sched, N, T, P, Po, Rq, Pq, _} <- ok_list(schedulers)].

modules() ->
    [[{"name", s(M)}, {"current_size", s(C)}, {"old_size", s(O)}]
     || {loaded_mod, {M, _}, C, _, _, O, _, _} <- ok_list(loaded_modules)].

funs() ->
    [[{"module", s(M)}, {"uniq", s(U)}, {"index", s(I)}, {"address", s(A)}, {"native_address", s(N)}, {"refc", s(R)}]
     || {fu, M, U, I, A, N, R} <- ok_list(funs)].

%% Keys and values as base64 external terms: the test decodes them with its own ETF reader.
persistent_terms() ->
    [[{"key", etf(K)}, {"value", etf(V)}] || {K, V} <- ok_list(persistent_terms)].

etf(T) -> base64:encode(term_to_binary(T)).


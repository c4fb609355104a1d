%% The JSON writer of the crashdump_viewer truth scripts (cdv_sections.erl, cdv_details.erl):
%% s/1 turns what crashdump_viewer keeps (strings, atoms, numbers, undefined) into JSON values.
-module(cdv_json).
-export([s/1, json/1]).

s(undefined) -> null;
s(V) when is_list(V) -> try unicode:characters_to_binary(V) of B when is_binary(B) -> B; _ -> list_to_binary(io_lib:format("~p", [V])) catch _:_ -> list_to_binary(io_lib:format("~p", [V])) end;
s(V) when is_binary(V) -> V;
s(V) when is_integer(V) -> V;
s(V) when is_atom(V) -> atom_to_binary(V, utf8);
s(V) -> list_to_binary(io_lib:format("~p", [V])).

json(null) -> <<"null">>;
json(I) when is_integer(I) -> integer_to_binary(I);
json(B) when is_binary(B) -> [$", esc(B), $"];
json([{K, _} | _] = L) when is_list(K) ->
    [${, lists:join($,, [[json(list_to_binary(Key)), $:, json(V)] || {Key, V} <- L]), $}];
json([]) -> <<"[]">>;
json(L) when is_list(L) -> [$[, lists:join($,, [json(E) || E <- L]), $]].

esc(B) -> [esc_c(C) || <<C>> <= B].
esc_c($") -> <<"\\\"">>;
esc_c($\\) -> <<"\\\\">>;
esc_c(C) when C < 32 -> io_lib:format("\\u~4.16.0b", [C]);
esc_c(C) -> C.

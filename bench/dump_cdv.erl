%% Drives OTP's crashdump_viewer backend the way its GUI does when a dump is opened and the
%% process list shown: read_file (index), general_info, processes. Used by dump-bench.mjs.
%% erl -noshell -pa DIR -run dump_cdv main DUMP
-module(dump_cdv).
-export([main/1]).

main([File]) ->
    {ok, _} = crashdump_viewer:start_link(),
    T0 = erlang:monotonic_time(millisecond),
    crashdump_viewer:read_file(File),
    {ok, _GI, _TW} = crashdump_viewer:general_info(),
    {ok, Procs, _} = crashdump_viewer:processes(),
    T1 = erlang:monotonic_time(millisecond),
    io:format("cdv ~p processes in ~p ms~n", [length(Procs), T1 - T0]),
    halt(0).

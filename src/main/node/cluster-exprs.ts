/**
 * The cluster overview, evaluated on the entry node with `erl_eval` (no code loaded anywhere).
 *
 * PROBE is what every member evaluates: the entry scans and parses it, then runs
 * `erpc:multicall(Nodes, erl_eval, exprs, [Forms, []], Timeout)`, so all members are sampled in
 * parallel in one round trip from us; a member that is down answers `{error, {erpc, noconnection}}`
 * at once, one that hangs `{error, {erpc, timeout}}` after Timeout, and neither holds up the others.
 * (A fun built by erl_eval would need the same erl_eval module on every member; forms are data.)
 */
export const CLUSTER_PROBE = String.raw`
{unicode:characters_to_binary(erlang:system_info(otp_release)),
 element(1, erlang:statistics(wall_clock)),
 erlang:system_info(process_count),
 erlang:memory()}.
`

/**
 * Bindings: Probe (binary, the source above), Hidden (true | false), Self (our own node name, left
 * out of `nodes(hidden)`), Timeout (ms). Returns
 * `{SampleMs, EntryReductions, EntryMemory, [{Node, Visibility, up, ProbeValue} | {Node, Visibility, down, Why}]}`
 * with the entry node first, Visibility `entry | visible | hidden`.
 */
export const CLUSTER_SAMPLE = String.raw`
Started = erlang:monotonic_time(millisecond),
Members = [{node(), entry}] ++ [{Nv, visible} || Nv <- erlang:nodes()] ++
  case Hidden of
    true -> [{Nh, hidden} || Nh <- erlang:nodes(hidden), Nh =/= Self];
    _ -> []
  end,
{ok, Tokens, _} = erl_scan:string(binary_to_list(Probe)),
{ok, Forms} = erl_parse:parse_exprs(Tokens),
Results = erpc:multicall([Nm || {Nm, _} <- Members], erl_eval, exprs, [Forms, []], Timeout),
Why = fun({error, {erpc, E}}) when is_atom(E) -> atom_to_binary(E);
         ({Class, Reason}) -> unicode:characters_to_binary(io_lib:format("~tP", [{Class, Reason}, 8]))
      end,
Rows = lists:zipwith(fun({Nm, Vis}, {ok, {value, V, _}}) -> {Nm, Vis, up, V};
                        ({Nm, Vis}, Other) -> {Nm, Vis, down, Why(Other)}
                     end, Members, Results),
{reductions, Reds} = erlang:process_info(self(), reductions),
{memory, Mem} = erlang:process_info(self(), memory),
{erlang:monotonic_time(millisecond) - Started, Reds, Mem, Rows}
`

/**
 * A dump from a real erl (+t 20000) with a culprit for each memory category: an ETS table, a
 * process holding refc binaries, a module loaded twice, an atom leak to 85 % of the limit, and
 * 1,500 processes started by one registered parent.
 */
export const MEMORY_MAP_SCENARIO = `
  Self = self(),
  Spawner = spawn(fun() ->
    register(erlscope_spawner, self()),
    _ = [spawn(timer, sleep, [infinity]) || _ <- lists:seq(1, 1500)],
    Self ! {ready, self()},
    receive never -> ok end
  end),
  receive {ready, Spawner} -> ok end,
  Holder = spawn(fun() ->
    Bins = [binary:copy(<<I>>, 1024 * 1024) || I <- lists:seq(1, 12)],
    Self ! {ready, self()},
    receive never -> Bins end
  end),
  register(erlscope_bin_holder, Holder),
  receive {ready, Holder} -> ok end,
  Owner = spawn(fun() ->
    T = ets:new(erlscope_big_cache, [named_table, public, set]),
    ets:insert(T, [{I, lists:seq(1, 40)} || I <- lists:seq(1, 20000)]),
    Self ! {ready, self()},
    receive stop -> ok end
  end),
  register(erlscope_cache_owner, Owner),
  receive {ready, Owner} -> ok end,
  Names = [list_to_atom("f" ++ integer_to_list(I)) || I <- lists:seq(1, 3000)],
  Fns = [{function, 1, F, 1, [{clause, 1, [{var, 1, 'X'}], [],
          [{tuple, 1, [{atom, 1, F}, {var, 1, 'X'}]}]}]} || F <- Names],
  Forms = [{attribute, 1, module, erlscope_reloaded}, {attribute, 1, export, [{F, 1} || F <- Names]} | Fns],
  {ok, erlscope_reloaded, Bin} = compile:forms(Forms, []),
  {module, _} = code:load_binary(erlscope_reloaded, "erlscope_reloaded.erl", Bin),
  {module, _} = code:load_binary(erlscope_reloaded, "erlscope_reloaded.erl", Bin),
  Start = erlang:system_info(atom_count),
  [list_to_atom("erlscope_leak_" ++ integer_to_list(I)) || I <- lists:seq(1, 17000 - Start)],
  erlang:halt("memory map")
`

/** erl's arguments for it: an atom table limit of 20,000. */
export const MEMORY_MAP_ARGS = ['+t', '20000']

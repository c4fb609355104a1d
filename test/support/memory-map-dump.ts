import { SELF, atomLeakTo, binaryHolder, etsOwner } from './dump-culprits'

/**
 * A dump from a real erl (+t 20000) with a culprit for each memory category: an ETS table, a
 * process holding refc binaries, a module loaded twice, an atom leak to 85 % of the limit, and
 * 1,500 processes started by one registered parent.
 */
export const MEMORY_MAP_SCENARIO = `
  ${SELF}
  Spawner = spawn(fun() ->
    register(erlscope_spawner, self()),
    _ = [spawn(timer, sleep, [infinity]) || _ <- lists:seq(1, 1500)],
    Self ! {ready, self()},
    receive never -> ok end
  end),
  receive {ready, Spawner} -> ok end,
  ${binaryHolder(12)}
  ${etsOwner(20000)}
  Names = [list_to_atom("f" ++ integer_to_list(I)) || I <- lists:seq(1, 3000)],
  Fns = [{function, 1, F, 1, [{clause, 1, [{var, 1, 'X'}], [],
          [{tuple, 1, [{atom, 1, F}, {var, 1, 'X'}]}]}]} || F <- Names],
  Forms = [{attribute, 1, module, erlscope_reloaded}, {attribute, 1, export, [{F, 1} || F <- Names]} | Fns],
  {ok, erlscope_reloaded, Bin} = compile:forms(Forms, []),
  {module, _} = code:load_binary(erlscope_reloaded, "erlscope_reloaded.erl", Bin),
  {module, _} = code:load_binary(erlscope_reloaded, "erlscope_reloaded.erl", Bin),
  ${atomLeakTo(17000)}
  erlang:halt("memory map")
`

/** erl's arguments for it: an atom table limit of 20,000. */
export const MEMORY_MAP_ARGS = ['+t', '20000']

import type { ErlNode } from './erl-node'

/**
 * A spawn storm from a real module compiled on the node: `shop:storm/2` (registered as
 * `STORM.spawner`) spawns `perTick` workers `shop:churn/0` every `tickMs` ms; each worker lives
 * `lifeMs` ms. The module is compiled from source on the node (`compile:forms`), as a user's
 * application code would be there.
 */
export const STORM = {
  module: 'shop',
  spawner: 'shop_storm',
  /** The workers' initial call as erlscope prints it. */
  initialCall: 'shop:churn/0'
} as const

const shopSource = (lifeMs: number): string =>
  [
    '-module(shop).',
    '-export([storm/2, churn/0]).',
    'storm(PerTick, TickMs) ->',
    '  [spawn(shop, churn, []) || _ <- lists:seq(1, PerTick)],',
    '  put(spawned, case get(spawned) of undefined -> PerTick; N -> N + PerTick end),',
    '  receive stop -> ok after TickMs -> storm(PerTick, TickMs) end.',
    `churn() -> receive stop -> ok after ${lifeMs} -> ok end.`
  ].join('\n') + '\n'

/** What the node itself says: workers spawned so far (the spawner's count) and its clock, ms. */
export async function stormCount(node: ErlNode): Promise<{ spawned: number; atMs: number }> {
  const out = await node.eval(`
    {dictionary, D} = erlang:process_info(whereis(${STORM.spawner}), dictionary),
    {proplists:get_value(spawned, D, 0), erlang:monotonic_time(millisecond)}`)
  const m = /\{(-?\d+),\s*(-?\d+)\}/.exec(out)
  if (!m) throw new Error(`Unexpected storm count: ${out}`)
  return { spawned: Number(m[1]), atMs: Number(m[2]) }
}

/** Workers alive now, counted on the node by their initial call. */
export async function stormWorkers(node: ErlNode): Promise<number> {
  return Number(
    await node.eval(
      `length([P || P <- erlang:processes(), erlang:process_info(P, initial_call) =:= {initial_call, {shop, churn, 0}}])`
    )
  )
}

export async function seedSpawnStorm(node: ErlNode, perTick = 20, tickMs = 10, lifeMs = 300): Promise<void> {
  const src = Buffer.from(shopSource(lifeMs)).toString('base64')
  await node.eval(`
    Src = binary_to_list(base64:decode(<<"${src}">>)),
    Forms = fun F(Cs, Acc) ->
      case erl_scan:tokens([], Cs, 1) of
        {done, {ok, Ts, _}, Rest} -> {ok, Form} = erl_parse:parse_form(Ts), F(Rest, [Form | Acc]);
        _ -> lists:reverse(Acc)
      end
    end,
    {ok, shop, Bin} = compile:forms(Forms(Src, []), []),
    {module, shop} = code:load_binary(shop, "shop.erl", Bin),
    P = spawn(shop, storm, [${perTick}, ${tickMs}]),
    register(${STORM.spawner}, P),
    ok`)
}

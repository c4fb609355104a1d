/** Writes crash dumps with a real `erl` (OTP 25 here) for the tests. */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface Generated {
  dump: string
  /** term_to_binary of whatever the scenario wanted to compare with. */
  expected: string
}

/** Runs `erl -noshell -eval EXPR` with ERL_CRASH_DUMP set; EXPR must end by halting with a slogan. */
export async function writeDump(
  dir: string,
  name: string,
  expr: string,
  env: Record<string, string> = {},
  args: string[] = [],
  erl = 'erl'
): Promise<Generated> {
  const dump = join(dir, `${name}.dump`)
  const expected = join(dir, `${name}.expected`)
  const full = `Expected = ${JSON.stringify(expected)}, ${expr}`
  await run(erl, ['-noshell', ...args, '-eval', full], {
    env: { ...process.env, ERL_CRASH_DUMP: dump, ERL_CRASH_DUMP_SECONDS: '60', ...env },
    timeout: 60_000,
    maxBuffer: 16 << 20
  }).catch((error: { code?: number }) => {
    // halt/1 with a slogan exits with status 1 after writing the dump
    if (error.code !== 1) throw error
  })
  return { dump, expected }
}

/** The mailbox scenario: a registered process with messages of every kind, a dictionary, ETS, ports. */
export const RICH = `
  Big = list_to_binary([I rem 251 || I <- lists:seq(1, 300)]),
  Huge = binary:copy(<<"0123456789">>, 500),
  Sub = binary:part(Big, 7, 100),
  BigMap = maps:from_list([{I, {v, I}} || I <- lists:seq(1, 40)]),
  Msgs0 = [a, b, c],
  Msgs = [
    hello, 'with space', 'h\\x{e9}llo', 42, -7, 3.14, -0.5, 1.0e10,
    123456789012345678901234567890, -98765432109876543210,
    {tuple, 1, {nested, [1, 2, 3]}}, [1 | 2], "a string", [], [0, 300, 70000],
    <<"heap bin">>, Big, Sub, Huge, <<1, 2, (length(Msgs0)):4>>,
    #{a => 1, "b" => <<"two">>, {c} => [3]}, BigMap,
    self(), make_ref(), fun lists:reverse/1, {Big, Sub, Big}
  ],
  Victim = spawn(fun() ->
      put(my_key, {dict, value, 42}),
      put(list_to_binary("bin key"), [1, 2, 3]),
      put(counter, 1000000000000),
      receive never -> ok end
    end),
  register(mailbox_victim, Victim),
  [Victim ! M || M <- Msgs],
  [Victim ! {filler, N} || N <- lists:seq(1, 1500)],
  T = ets:new(erlscope_big_table, [named_table, public, set]),
  [ets:insert(T, {I, lists:duplicate(20, I)}) || I <- lists:seq(1, 5000)],
  _ = ets:new(erlscope_bag, [bag]),
  {ok, L} = gen_tcp:listen(0, [binary]),
  {ok, U} = gen_udp:open(0),
  P = open_port({spawn, "cat"}, []),
  Sleepers = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, 3000)],
  erlang:send_after(600000, Victim, timer_message),
  timer:sleep(200),
  ok = file:write_file(Expected, term_to_binary({pid_to_list(Victim), Msgs,
        [{my_key, {dict, value, 42}}, {<<"bin key">>, [1, 2, 3]}, {counter, 1000000000000}],
        length(Sleepers), {L, U, P}})),
  erlang:halt("erlscope test: rich scenario")
`

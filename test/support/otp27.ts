/** The OTP 27 `erl` built by ../shared/tools/build-otp.sh, when it is there (CI does not build it). */
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

export const OTP27_ERL =
  process.env.ERLSCOPE_OTP27_ERL ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'erlscope-otp27', 'erl')

/** Null when the OTP 27 erl is there; otherwise why the tests that need it skip. */
export function otp27Missing(): string | null {
  if (existsSync(OTP27_ERL)) return null
  return `OTP 27 tests skipped: no OTP 27 erl at ${OTP27_ERL} (build it with ../shared/tools/build-otp.sh, or set ERLSCOPE_OTP27_ERL)`
}

/**
 * The scenario written into the OTP 27 dumps: a process labelled with proc_lib:set_label/1 holding
 * messages of every heap form (heap/refc/sub binaries, flat and hashed maps, a local fun with its
 * environment, an export fun, a bignum, a ref, a pid), 300 more in its queue, and an ETS table.
 * `Expected` receives term_to_binary({PidText, Messages}).
 */
export const OTP27_SCENARIO = `
  Big = list_to_binary([I rem 251 || I <- lists:seq(1, 300)]),
  Sub = binary:part(Big, 7, 100),
  SmallMap = #{a => 1, "b" => <<"two">>, {c} => [3]},
  BigMap = maps:from_list([{I, {v, I}} || I <- lists:seq(1, 40)]),
  X = 17,
  LocalFun = fun(Y) -> Y + X end,
  Msgs = [hello, 42, -7, 3.14, 123456789012345678901234567890, {tuple, [1,2,3]}, "a string",
          <<"heap bin">>, Big, Sub, SmallMap, BigMap, LocalFun, fun lists:reverse/1, make_ref(), self()],
  Victim = proc_lib:spawn(fun() ->
      proc_lib:set_label({order_worker, 7}),
      put(my_key, {dict, value, 42}),
      receive never -> ok end
    end),
  register(otp27_victim, Victim),
  [Victim ! M || M <- Msgs],
  [Victim ! {filler, N} || N <- lists:seq(1, 300)],
  T = ets:new(otp27_table, [named_table, public, set]),
  [ets:insert(T, {I, I}) || I <- lists:seq(1, 100)],
  timer:sleep(200),
  ok = file:write_file(Expected, term_to_binary({pid_to_list(Victim), Msgs})),
  erlang:halt("otp27 fixture: small dump")
`

#!/usr/bin/env bash
# Writes resources/sample-dump/erl_crash.dump.xz: a crash dump written by a real `erl` from a node
# with a few planted problems, for the "Open the sample dump" button (xz: the smallest of the three
# formats erlscope reads). Run it again after a change:
#   resources/sample-dump/make-sample-dump.sh
# The node ("shop") has
#   - order_queue: a registered process that stopped taking orders, 20,000 messages in its mailbox;
#   - session_cache: an ETS table of 120,000 sessions that nobody expires (~70 MB);
#   - image_resizer: a process holding 40 refc binaries of 256 KiB (10 MiB) it no longer needs;
#   - 2,000 idle connection processes, a few timers;
# and halts with a slogan that says what went wrong.
set -euo pipefail
cd "$(dirname "$0")"
command -v erl >/dev/null || { echo "make-sample-dump: needs erl (Erlang/OTP)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ERL_CRASH_DUMP="$tmp/erl_crash.dump" ERL_CRASH_DUMP_SECONDS=60 \
  erl -noshell -name shop@127.0.0.1 -setcookie "sample$$" -start_epmd false -erl_epmd_port 0 \
  -kernel dist_auto_connect never -eval '
  Self = self(),
  Order = fun(N) -> {order, N, #{sku => N rem 97, qty => N rem 5 + 1, customer => {customer, N rem 1000}}} end,
  Queue = spawn(fun() -> put(last_order, 4711), put(mode, stuck_waiting_for_db),
                         receive {db_reply, never} -> ok end end),
  register(order_queue, Queue),
  lists:foreach(fun(N) -> Queue ! Order(N) end, lists:seq(1, 20000)),
  Owner = spawn(fun() ->
      T = ets:new(session_cache, [named_table, public, set]),
      lists:foreach(fun(N) -> ets:insert(T, {{session, N}, N, lists:seq(1, 30), <<"user-agent: Mozilla/5.0">>}) end,
                    lists:seq(1, 120000)),
      Self ! {ready, session_cache},
      receive stop -> ok end
    end),
  register(session_cache_owner, Owner),
  Resizer = spawn(fun() ->
      Bins = [binary:copy(<<N>>, 256 * 1024) || N <- lists:seq(1, 40)],
      put(resized, 40),
      Self ! {ready, image_resizer},
      receive {done, Bins} -> ok end
    end),
  register(image_resizer, Resizer),
  Conns = [spawn(fun() -> receive close -> ok end end) || _ <- lists:seq(1, 2000)],
  lists:foreach(fun(I) -> erlang:send_after(60000 + I, lists:nth(I, Conns), idle_timeout) end, lists:seq(1, 5)),
  [receive {ready, What} -> ok end || What <- [session_cache, image_resizer]],
  erlang:halt("shop: order_queue stopped taking orders (20000 queued, waiting for the database); session_cache never expires a session; image_resizer holds 10 MB of binaries")
' || true

[ -s "$tmp/erl_crash.dump" ] || { echo "make-sample-dump: erl wrote no dump" >&2; exit 1; }
xz -9 -T1 -c "$tmp/erl_crash.dump" > erl_crash.dump.xz
echo "wrote $(pwd)/erl_crash.dump.xz ($(wc -c < erl_crash.dump.xz) bytes; $(wc -c < "$tmp/erl_crash.dump") decompressed)"

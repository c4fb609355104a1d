// The crash dumps the dump benchmarks share, written once by a real `erl` into bench/results/
// (gitignored): `procs` processes, each keeping one message (a tuple with a list of `listLen`
// integers) in its mailbox, so the dump has heap data to skip.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const results = join(dirname(fileURLToPath(import.meta.url)), 'results')

/** The path of bench/results/NAME.dump, written by erl first when it is not there. */
export function benchDump(name, procs, listLen) {
  const file = join(results, `${name}.dump`)
  if (existsSync(file) && statSync(file).size > 0) return file
  console.log(`generating ${file} (${procs} processes) ...`)
  mkdirSync(results, { recursive: true })
  const expr = `Ps = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, ${procs})],
    _ = [P ! {data, N, lists:seq(1, ${listLen})} || {N, P} <- lists:zip(lists:seq(1, length(Ps)), Ps)],
    timer:sleep(1000), erlang:halt("erlscope bench: ${procs} processes")`
  spawnSync('erl', ['+P', String(procs * 2 + 1000), '-noshell', '-eval', expr], {
    env: { ...process.env, ERL_CRASH_DUMP: file, ERL_CRASH_DUMP_SECONDS: '3600' },
    stdio: 'inherit'
  })
  // the index cache skips files modified in the last 2 s (they may still be being written)
  const wait = statSync(file).mtimeMs + 2500 - Date.now()
  if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait)
  return file
}

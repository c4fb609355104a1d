import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { it } from 'vitest'
import { DumpFile } from '../src/main/crashdump/dump-file'
import { indexDumpFile } from '../src/main/crashdump/indexer'
import { splitProcExtras } from '../src/main/crashdump/sections/proc'
import { parseHeapLines } from '../src/main/crashdump/terms/heap-terms'
import { splitLines } from '../src/main/crashdump/text'

/** See bench/dump-mailbox.mjs for what this measures and how to run it. */
const MESSAGES = 2_500_000
/** A list of this many integers in the dictionary of `big_heap`: about 1 GB of heap lines. */
const HEAP_LIST = 30_000_000
const results = join(__dirname, 'results')
const dump = join(results, 'dump-mailbox-2500k.dump')

const GENERATE = `
Self = self(),
Box = spawn(fun() -> put(owner, mailbox_bench), receive never -> ok end end), register(big_mailbox, Box),
Heap = spawn(fun() -> put(big, lists:seq(1, ${HEAP_LIST})), Self ! heap_ready, receive never -> ok end end), register(big_heap, Heap),
receive heap_ready -> ok end,
Send = fun(N, _) when N > ${MESSAGES} -> ok; (N, F) -> Box ! {msg, N}, F(N + 1, F) end,
Send(1, Send),
[Heap ! {hello, N} || N <- lists:seq(1, 10)],
timer:sleep(500),
erlang:halt("erlscope bench: a 2.5M-message queue and a big heap")`

function generate(): void {
  if (existsSync(dump) && statSync(dump).size > 0) return
  mkdirSync(results, { recursive: true })
  console.log(`generating ${dump} ...`)
  spawnSync('erl', ['-noshell', '-eval', GENERATE], {
    env: { ...process.env, ERL_CRASH_DUMP: dump, ERL_CRASH_DUMP_SECONDS: '3600' },
    stdio: 'inherit'
  })
}

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6
const mb = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`

/** The anchor: reading bytes [off, end) once, in 4 MiB reads, as any whole-section parse must. */
async function readOnce(off: number, end: number): Promise<number> {
  const fh = await open(dump, 'r')
  const buf = Buffer.allocUnsafe(4 << 20)
  const t0 = process.hrtime.bigint()
  for (let p = off; p < end;) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - p), p)
    if (bytesRead === 0) break
    p += bytesRead
  }
  const t = ms(t0)
  await fh.close()
  return t
}

/** The second anchor: the process's data read, split and parsed whole, as every page did before. */
async function parseWhole(off: number, end: number): Promise<number> {
  const fh = await open(dump, 'r')
  const t0 = process.hrtime.bigint()
  const buf = Buffer.allocUnsafe(end - off)
  await fh.read(buf, 0, end - off, off)
  const extras = splitProcExtras(buf.toString('latin1'))
  splitLines(extras.get('proc_messages') ?? '')
  parseHeapLines(extras.get('proc_heap') ?? '')
  const t = ms(t0)
  await fh.close()
  return t
}

it('pages of a 2.5M-message queue and of a process with a big heap', async () => {
  generate()
  const t0 = process.hrtime.bigint()
  const file = await DumpFile.open(await indexDumpFile(dump))
  console.log(`dump ${mb(statSync(dump).size)}, indexed in ${ms(t0).toFixed(0)} ms`)
  const p = file.index.procs
  // what every first open pays once per dump (literals, ETS, timers) is paid here, on <0.0.0>
  await file.process(p.pid[0])
  const lines: string[] = []
  for (const name of ['big_mailbox', 'big_heap']) {
    const r = p.name.indexOf(name)
    const pid = p.pid[r]
    const data = p.extraEnd[r] - p.extraOff[r]
    const anchor = await readOnce(p.extraOff[r], p.extraEnd[r])
    const step = async (what: string, offset: number): Promise<void> => {
      const before = file.bytesRead
      const t = process.hrtime.bigint()
      const d = await file.process(pid, { messageOffset: offset, messageLimit: 100 })
      const took = ms(t)
      lines.push(
        `${name.padEnd(12)} ${what.padEnd(34)} ${took.toFixed(1).padStart(8)} ms  ${(took / anchor).toFixed(3).padStart(7)}x  read ${mb(file.bytesRead - before).padStart(10)}  (${d.messages.length} of ${d.messagesTotal.toLocaleString('en-US')} messages from #${offset + 1})`
      )
    }
    // a string holds at most 512 MiB: the 1 GB heap cannot even be parsed whole
    const whole =
      data < 256 << 20
        ? `${(await parseWhole(p.extraOff[r], p.extraEnd[r])).toFixed(0)} ms`
        : 'impossible (> 512 MiB string)'
    lines.push(
      `${name}: process data ${mb(data)}; anchors: reading it once ${anchor.toFixed(1)} ms (page cache warm); reading, splitting and parsing it whole (every page before) ${whole}`
    )
    await step('first page (opens the process)', 0)
    await step('next page', 100)
    if (name === 'big_mailbox') {
      await step('deep page, cold (builds the index)', 2_000_000)
      await step('deep page, warm', 2_000_100)
      await step('another deep page', 1_234_500)
      await step('last page', MESSAGES - 100)
    }
  }
  console.log(['', ...lines, ''].join('\n'))
  await file.close()
})

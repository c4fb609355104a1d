/**
 * A process with 200,000 messages in a dump written by a real `erl`: any page of its queue holds
 * exactly the messages that were sent at that position, and a page deep in the queue reads no
 * more of the file than a page near its head (the cost is counted in bytes read, not time).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'
import { printTerm } from '../../../src/main/crashdump/terms/term-model'
import { writeDump, type Generated } from '../../support/dump-writer'

const COUNT = 200_000

// every 1000th message is an atom (no heap data: a group may start with one), the others
// tuples with a string and a binary on the heap
const MAILBOX = `
  Victim = spawn(fun() ->
      put(owner, {dict, [1, 2, 3]}),
      receive never -> ok end
    end),
  register(big_mailbox, Victim),
  Msg = fun(N) when N rem 1000 =:= 0 -> tick;
           (N) -> {msg, N, integer_to_list(N), <<N:32>>}
        end,
  [Victim ! Msg(N) || N <- lists:seq(1, ${COUNT})],
  timer:sleep(200),
  ok = file:write_file(Expected, pid_to_list(Victim)),
  erlang:halt("erlscope test: big mailbox")
`

/** What message N (1-based, as sent) prints as. */
function sent(n: number): string {
  if (n % 1000 === 0) return 'tick'
  const b = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(',')
  return `{msg,${n},"${n}",<<${b}>>}`
}

let dir: string
let gen: Generated
let file: DumpFile
let pid: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-mailbox-'))
  gen = await writeDump(dir, 'mailbox', MAILBOX)
  pid = readFileSync(gen.expected, 'utf8')
  file = await DumpFile.open(await indexDumpFile(gen.dump))
}, 240_000)

afterAll(async () => {
  await file?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const page = async (offset: number, limit = 100): Promise<{ printed: string[]; bytes: number }> => {
  const before = file.bytesRead
  const d = await file.process(pid, { messageOffset: offset, messageLimit: limit })
  expect(d.messagesTotal).toBe(COUNT)
  expect(d.messageOffset).toBe(offset)
  return { printed: d.messages.map((m) => printTerm(m.term)), bytes: file.bytesRead - before }
}

const expected = (offset: number, limit: number): string[] =>
  Array.from({ length: Math.max(0, Math.min(limit, COUNT - offset)) }, (_, i) => sent(offset + i + 1))

describe('a 200,000-message queue', () => {
  it('gives the first page, deep pages and the last page with the messages sent there', async () => {
    expect((await page(0)).printed).toEqual(expected(0, 100))
    for (const at of [999, 1_000, 150_000, 150_256, 199_950])
      expect((await page(at)).printed, `page at ${at}`).toEqual(expected(at, 100))
    expect((await page(COUNT)).printed).toEqual([])
  }, 120_000)

  it('reads about as many bytes for a page deep in the queue as for one near its head', async () => {
    // the first requests build the process's indexes (one pass over its data); then pages count
    await page(0)
    await page(300)
    const near = await page(1_000)
    const mid = await page(100_000)
    const deep = await page(199_800)
    const ix = file.index.procs
    const r = ix.pid.indexOf(pid)
    const data = ix.extraEnd[r] - ix.extraOff[r]
    console.log(
      `process data ${data} B; bytes read per page: near ${near.bytes}, mid ${mid.bytes}, deep ${deep.bytes}`
    )
    expect(data).toBeGreaterThan(5_000_000)
    expect(mid.bytes).toBeLessThanOrEqual(near.bytes * 2 + 65_536)
    expect(deep.bytes).toBeLessThanOrEqual(near.bytes * 2 + 65_536)
    expect(deep.bytes).toBeLessThan(data / 10)
  }, 120_000)

  it('still decodes the dictionary and the stack from the ends of a big heap', async () => {
    const d = await file.process(pid, { messageLimit: 1 })
    expect(d.dictionary?.map((e) => `${printTerm(e.key)} => ${printTerm(e.value)}`)).toContain(
      'owner => {dict,[1,2,3]}'
    )
    const vars = (d.stack ?? []).flatMap((f) => (f.term ? [printTerm(f.term)] : []))
    // the halting process's -eval code runs in erl_eval: its stack holds an erl_eval fun (on the heap)
    expect(vars.some((v) => v.startsWith('#Fun<erl_eval.'))).toBe(true)
    expect(vars.join(' ')).not.toContain('#CDV')
  }, 120_000)
})

import { sectionKinds } from '../../../src/shared/contract/dump'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'
import { displayCalls, displayName } from '../../../src/shared/elixir-names'

const CORPUS = process.env.ERLSCOPE_DUMP_CORPUS ?? '/work/shared/corpus'
/** Comma-separated dump names to run only those (the mutation run uses a few). */
const SUBSET = process.env.ERLSCOPE_CORPUS_SUBSET?.split(',') ?? null
const present = existsSync(join(CORPUS, 'dumps')) && existsSync(join(CORPUS, 'truth'))
const names = present
  ? readdirSync(join(CORPUS, 'dumps'))
      .filter((f) => f.endsWith('.dump'))
      .map((f) => f.slice(0, -5))
      .filter((n) => !SUBSET || SUBSET.includes(n))
      .sort()
  : []

interface Truth {
  general: Record<string, string | boolean | null | string[]>
  memory: Record<string, string>
  processes: {
    pid: string
    name: string | null
    init_func: string | null
    state: string
    msg_q_len: number
    reds: number
    stack_heap: number
    memory: number
  }[]
}

if (!present) {
  console.log(
    `[crashdump corpus] skipped: ${CORPUS}/dumps and ${CORPUS}/truth are not there (set ERLSCOPE_DUMP_CORPUS to the corpus folder).`
  )
  it.skip(`real dumps corpus (skipped: ${CORPUS} is absent)`, () => undefined)
}

describe.runIf(present)('real dumps R10B..OTP 28 against crashdump_viewer', () => {
  it.each(names)('%s', async (name) => {
    const truth = JSON.parse(readFileSync(join(CORPUS, 'truth', `${name}.json`), 'utf8')) as Truth
    const dump = await DumpFile.open(await indexDumpFile(join(CORPUS, 'dumps', `${name}.dump`)))
    try {
      const s = await dump.summary('t')
      const g = truth.general
      expect(s.header.created).toBe(g.created)
      const cdvSlogan = String(g.slogan)
      const glued = cdvSlogan.indexOf('System version: ')
      if (glued > 0) {
        // crashdump_viewer keeps "System version: ..." glued to "Crash dump requested by user"
        expect(s.header.slogan).toBe(cdvSlogan.slice(0, glued))
        // (and the rest of the file after it): the system version is its first line, exactly
        expect(s.header.systemVersion).toBe(cdvSlogan.slice(glued + 16).split('\n')[0])
      } else {
        expect(s.header.slogan).toBe(g.slogan)
        expect(s.header.systemVersion).toBe(g.system_vsn)
      }
      expect(s.header.nodeName).toBe(g.node_name)
      // the word size and OTP release follow from the system version
      const sv = s.header.systemVersion ?? ''
      expect(s.header.wordSize).toBe(sv.includes('[64-bit]') ? 8 : 4)
      expect(s.header.otpRelease).toBe(
        (/Erlang\/OTP (\d+)/.exec(sv) ?? /Erlang (R\d+B\d*)/.exec(sv))?.[1] ?? null
      )
      if (s.header.slogan?.startsWith('Kernel pid terminated (')) {
        // whole, or cut at 200 characters by OTP 18..24 (dumps 35 and 37)
        expect(s.explanation.title).toMatch(/^A kernel process terminated \(\w+\)$/)
        expect(s.explanation.reason).toMatch(/^[^(]/)
        expect(s.header.slogan).toContain(s.explanation.reason)
      }
      const named = /^\d+_otp(\d+)_/.exec(name)
      if (named) expect(s.header.otpRelease).toBe(named[1])
      expect(s.truncated !== null).toBe(g.truncated)
      expect(String(s.counts.processes)).toBe(g.num_procs)
      expect(String(s.counts.ets)).toBe(g.num_ets)
      expect(String(s.counts.timers)).toBe(g.num_timers)
      expect(String(s.counts.funs)).toBe(g.num_fun)
      if (g.num_atoms !== null && glued < 0) expect(String(s.counts.atoms)).toBe(g.num_atoms)
      for (const [k, v] of Object.entries(truth.memory))
        expect(String(s.memory[k as keyof typeof s.memory]), k).toBe(v)

      const page = await dump.processes({ limit: 5000 })
      expect(page.total).toBe(truth.processes.length)
      const byPid = new Map(page.rows.map((r) => [r.pid, r]))
      const hasMemoryLine = dump.index.procs.memory.some((m) => !Number.isNaN(m))
      for (const t of truth.processes) {
        const r = byPid.get(t.pid)
        expect(r, t.pid).toBeDefined()
        if (!r) continue
        // crashdump_viewer appends "\n(limited info)" to the Garbing state
        expect(r.state, t.pid).toBe(t.state.replace(/\n\(limited info\)$/, ''))
        expect(r.messageQueueLength, t.pid).toBe(t.msg_q_len)
        expect(r.reductions, t.pid).toBe(t.reds)
        // crashdump_viewer keeps Stack+heap × word size (bytes)
        // (and, missing the system version of glued-slogan dumps, assumes 4-byte words)
        expect(r.stackHeapWords * (glued > 0 ? 4 : s.header.wordSize), t.pid).toBe(t.stack_heap)
        // erlscope shows Elixir modules and names as users wrote them ('Elixir.Shop' -> Shop)
        const shown = <T extends string | null>(x: T): T =>
          x === null ? x : (displayName(displayCalls(x)) as T)
        // ... and proc_lib processes by their '$initial_call', keeping the dump's `Spawned as`
        expect(r.spawnedVia ?? r.spawnedAs, t.pid).toBe(shown(t.init_func))
        if (r.spawnedVia) expect(r.spawnedVia, t.pid).toMatch(/^proc_lib:init_p\/[35]$/)
        // crashdump_viewer shows the registered name, else the initial call
        expect(r.name ?? r.spawnedVia ?? r.spawnedAs, t.pid).toBe(shown(t.name))
        if (hasMemoryLine) expect(r.memoryBytes, t.pid).toBe(t.memory)
        else {
          // before R16B02 crashdump_viewer reports the Stack+heap figure as "memory"
          expect(r.memoryBytes).toBeNull()
          expect(t.memory).toBe(t.stack_heap)
          expect(r.memoryEstimateBytes).toBe((r.stackHeapWords + r.oldHeapWords) * s.header.wordSize)
        }
      }
      // every process page decodes without throwing
      for (const r of page.rows.slice(0, 40)) {
        const d = await dump.process(r.pid)
        expect(d.row.pid).toBe(r.pid)
      }
      for (const kind of sectionKinds) expect((await dump.section(kind)).kind).toBe(kind)
    } finally {
      await dump.close()
    }
  })
})

/**
 * The content of every other section of the real corpus dumps against what OTP's crashdump_viewer
 * reads from them (test/fixtures/corpus-truth, written by test/support/cdv_sections.erl), and the
 * section index against the dump's own header lines.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { SectionKind, SectionOf } from '../../../src/shared/contract/dump'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'
import { decodeEtf } from '../../../src/main/crashdump/terms/etf'
import { printTerm } from '../../../src/main/crashdump/terms/term-model'

const CORPUS = process.env.ERLSCOPE_DUMP_CORPUS ?? '/work/shared/corpus'
const TRUTH = join(__dirname, '../../fixtures/corpus-truth')
/** Comma-separated dump names to run only those (the mutation run uses a few). */
const SUBSET = process.env.ERLSCOPE_CORPUS_SUBSET?.split(',') ?? null
const present = existsSync(join(CORPUS, 'dumps'))
const names = present
  ? readdirSync(join(CORPUS, 'dumps'))
      .filter((f) => f.endsWith('.dump') && existsSync(join(TRUTH, `${f.slice(0, -5)}.json.gz`)))
      .map((f) => f.slice(0, -5))
      .filter((n) => !SUBSET || SUBSET.includes(n))
      .sort()
  : []

type Str = string | number | null
interface SectionTruth {
  allocators: {
    summary: { type: string; blocks: string; carriers: string }[]
    instances: { id: string; lines: string[][] }[]
  }
  schedulers: { name: Str; type: string; process: Str; port: Str; run_q: Str; port_q: Str }[]
  modules: { name: string; current_size: Str; old_size: Str }[]
  funs: { module: string; uniq: Str; index: Str; address: Str; native_address: Str; refc: Str }[]
  persistent_terms: { key: string; value: string }[]
  hash_tables: { name: string; size: Str; used: Str; objs: Str; depth: Str }[]
  index_tables: { name: string; size: Str; limit: Str; entries: Str }[]
  allocated_areas: { name: string; allocated: Str; used: Str }[]
}

/** crashdump_viewer keeps numbers as text; `undefined` fields become null. */
const n = (v: Str): number | null => (v === null || v === '' ? null : Number(v))
const str = (v: Str): string | null => (v === null ? null : String(v))

if (!present) it.skip(`real dumps corpus (skipped: ${CORPUS} is absent)`, () => undefined)

describe.runIf(present)('real dumps: section contents against crashdump_viewer', () => {
  it.each(names)('%s', async (name) => {
    const truth = JSON.parse(
      gunzipSync(readFileSync(join(TRUTH, `${name}.json.gz`))).toString('utf8')
    ) as SectionTruth
    const dump = await DumpFile.open(await indexDumpFile(join(CORPUS, 'dumps', `${name}.dump`)))
    const section = async <K extends SectionKind>(kind: K): Promise<SectionOf<K>> =>
      (await dump.section(kind, { limit: 10_000 })) as SectionOf<K>
    try {
      // allocators: every size line of every instance, and the sums erlscope draws
      const alloc = await section('allocators')
      const byId = new Map(alloc.instances.map((i) => [i.id, i]))
      expect(truth.allocators.instances.length).toBeGreaterThan(0)
      for (const t of truth.allocators.instances) {
        const mine = byId.get(t.id)
        expect(mine, t.id).toBeDefined()
        if (!mine) continue
        const lines = new Map(mine.lines.map((l) => [l.key, l.values]))
        let blocks: number | null = null
        let carriers: number | null = null
        for (const [key, ...values] of t.lines) {
          expect(lines.get(key), `${t.id} ${key}`).toEqual(values)
          // current value of `mbcs blocks size`, OTP 23+ `mbcs blocks[binary_alloc] size`, sbcs, mbcs_pool
          const pool = key.split(' ')[0]
          if (pool !== 'mbcs' && pool !== 'sbcs' && pool !== 'mbcs_pool') continue
          if (key.startsWith(`${pool} blocks`)) blocks = (blocks ?? 0) + Number(values[0])
          else if (key === `${pool} carriers size`) carriers = (carriers ?? 0) + Number(values[0])
        }
        expect(mine.blocksSize, `${t.id} blocks`).toBe(blocks)
        expect(mine.carriersSize, `${t.id} carriers`).toBe(carriers)
      }
      const summary = new Map(alloc.summary.map((s) => [s.name, s]))
      for (const t of truth.allocators.summary) {
        if (t.type === 'total') continue
        // crashdump_viewer sums carriers per type; its blocks sum misses the OTP 23+ form ("N/A")
        expect(summary.get(t.type)?.carriersSize, `${t.type} carriers`).toBe(Number(t.carriers))
        if (t.blocks !== 'N/A')
          expect(summary.get(t.type)?.blocksSize, `${t.type} blocks`).toBe(Number(t.blocks))
      }

      // schedulers
      const sched = await section('schedulers')
      for (const t of truth.schedulers) {
        const tag = t.type === 'normal' ? 'scheduler' : `${String(t.type)}_scheduler`
        const mine = sched.rows.find((r) => r.id === `${tag}:${String(t.name)}`)
        expect(mine, `${tag}:${String(t.name)}`).toBeDefined()
        if (!mine) continue
        expect(mine.currentProcess ?? 'None').toBe(str(t.process) ?? 'None')
        expect(mine.currentPort ?? 'None').toBe(str(t.port) ?? 'None')
        expect(mine.runQueueLength ?? 0, `${mine.id} run queue`).toBe(n(t.run_q) ?? 0)
      }
      expect(
        sched.rows.filter((r) => r.type !== 'dirty_cpu_run_queue' && r.type !== 'dirty_io_run_queue')
      ).toHaveLength(truth.schedulers.length)

      // loaded modules
      const mods = await section('modules')
      // crashdump_viewer drops the opening quote of a quoted module name ("Elixir.Access'")
      const modSizes = mods.modules.modules
        .map((m) => [m.name.replace(/^'(.*)'$/, '$1'), m.currentSize, m.oldSize])
        .sort()
      const truthSizes = truth.modules
        .map((m) => [m.name.replace(/'$/, ''), n(m.current_size), n(m.old_size)])
        .sort()
      expect(modSizes).toEqual(truthSizes)

      // funs
      const funs = await section('funs')
      expect(funs.total).toBe(truth.funs.length)
      const key = (f: { module: string; uniq: Str; index: Str; address: Str; refc: Str }): string =>
        [f.module, String(f.uniq), String(f.index), String(f.address), String(f.refc)].join(' ')
      expect(funs.rows.map((f) => key(f)).sort()).toEqual(truth.funs.map((f) => key(f)).sort())

      // persistent terms, compared as printed terms (the truth is term_to_binary of cdv's terms)
      const pt = await section('persistent_terms')
      const otp = Number((await dump.header()).otpRelease)
      // OTP 25's crashdump_viewer reads no persistent terms from some OTP 27 dumps
      const cdvBlind = truth.persistent_terms.length === 0 && otp >= 27
      if (!cdvBlind) expect(pt.total).toBe(truth.persistent_terms.length)
      const p = (t: Parameters<typeof printTerm>[0]): string => printTerm(t, { sortMaps: true })
      const ptMine = pt.rows.map((r) => `${p(r.key)} => ${p(r.value)}`).sort()
      const ptTruth = truth.persistent_terms
        .map((r) => {
          // crashdump_viewer runs as nonode@nohost and writes pids and ports as ['#CDVPid',N,X,Y] lists
          const opts = { localNode: 'nonode@nohost' }
          const k = decodeEtf(Buffer.from(r.key, 'base64'), opts)
          const v = decodeEtf(Buffer.from(r.value, 'base64'), opts)
          return `${p(k)} => ${p(v)}`
            .replace(/\['#CDVPid',(\d+),(\d+),(\d+)\]/g, '<$1.$2.$3>')
            .replace(/\['#CDVPort',(\d+),(\d+)\]/g, '#Port<$1.$2>')
        })
        .sort()
      if (!cdvBlind) expect(ptMine).toEqual(ptTruth)

      // internal tables and allocated areas (crashdump_viewer reads none from some OTP 27 dumps)
      const it = await section('internal_tables')
      if (truth.hash_tables.length > 0)
        expect(it.hashTables.map((h) => [h.name, h.size, h.used, h.objs, h.depth])).toEqual(
          truth.hash_tables.map((h) => [h.name, n(h.size), n(h.used), n(h.objs), n(h.depth)])
        )
      // dumps before R13B write `used` where later ones write `entries`: crashdump_viewer reads
      // only `entries` (none there), erlscope reads either
      const oldStyle = (name: string): boolean =>
        n(truth.index_tables.find((t) => t.name === name)?.entries ?? null) === null
      if (truth.index_tables.length > 0)
        expect(
          it.indexTables.map((h) => [h.name, h.size, h.limit, oldStyle(h.name) ? null : h.entries])
        ).toEqual(truth.index_tables.map((h) => [h.name, n(h.size), n(h.limit), n(h.entries)]))
      for (const h of it.indexTables)
        if (oldStyle(h.name) && h.entries !== null) expect(h.entries, h.name).toBeGreaterThan(0)
      const mem = await section('memory')
      if (truth.allocated_areas.length > 0) {
        const areas = truth.allocated_areas.map((a) => [a.name, n(a.allocated), n(a.used)])
        expect(it.allocatedAreas.map((a) => [a.name, a.allocated, a.used])).toEqual(areas)
        expect(mem.allocatedAreas.map((a) => [a.name, a.allocated, a.used])).toEqual(areas)
      }

      // the index: one entry per `=tag[:id]` line of the file outside the process sections
      const bytes = readFileSync(join(CORPUS, 'dumps', `${name}.dump`))
      const headers: string[] = []
      const re = /(?:^|\n)=([a-z_0-9]+)(?::([^\r\n]*))?\r?(?=\n|$)/g
      const text = bytes.toString('latin1')
      for (let m = re.exec(text); m !== null; m = re.exec(text))
        if (!m[1].startsWith('proc')) headers.push(m[2] === undefined ? m[1] : `${m[1]}:${m[2]}`)
      const index = await section('index')
      expect(index.total).toBe(headers.length)
      expect(index.rows.map((e) => (e.id === null ? e.tag : `${e.tag}:${e.id}`))).toEqual(
        headers.slice(0, index.rows.length).map((h) => Buffer.from(h, 'latin1').toString('latin1'))
      )
      for (const e of index.rows.slice(0, 200)) {
        const at = bytes.toString('latin1', e.offset, e.offset + e.tag.length + 1)
        expect(at).toBe(`=${e.tag}`)
        const next = bytes[e.offset + e.length]
        expect(next === undefined || next === 0x3d).toBe(true)
      }
    } finally {
      await dump.close()
    }
  })
})

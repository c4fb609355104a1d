/**
 * ETS tables, ports, timers, distribution entries, and the stacks, dictionaries and message
 * queues of processes in the real corpus dumps, against what OTP's crashdump_viewer reads from
 * them (test/fixtures/corpus-details, written by test/support/cdv_details.erl).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { DumpTerm, StackFrame } from '../../../src/shared/contract/dump'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'
import { printTerm } from '../../../src/main/crashdump/terms/term-model'

const CORPUS = process.env.ERLSCOPE_DUMP_CORPUS ?? '/work/shared/corpus'
const TRUTH = join(__dirname, '../../fixtures/corpus-details')
/** Comma-separated dump names to run only those (the mutation run uses a few, with the richest heaps). */
const SUBSET =
  (process.env.ERLSCOPE_CORPUS_DETAILS_SUBSET ?? process.env.ERLSCOPE_CORPUS_SUBSET)?.split(',') ?? null
const present = existsSync(join(CORPUS, 'dumps'))
const names = present
  ? readdirSync(join(CORPUS, 'dumps'))
      .filter((f) => f.endsWith('.dump') && existsSync(join(TRUTH, `${f.slice(0, -5)}.json.gz`)))
      .map((f) => f.slice(0, -5))
      .filter((n) => !SUBSET || SUBSET.includes(n))
      .sort()
  : []

type Str = string | number | null
interface DetailsTruth {
  general: { compiled: string | null; taints: string | null; atoms: Str; thread: string | null }
  ets: {
    owner: string
    id: Str
    name: Str
    named: string
    type: string
    buckets: Str
    size: Str
    bytes: number | null
  }[]
  ports: {
    id: string
    connected: string | null
    links: string[]
    name: string | null
    controls: string | null
    input: Str
    output: Str
    queue: Str
  }[]
  timers: { owner: string; message: string | null; time: Str }[]
  nodes: {
    name: string
    channel: Str
    type: string
    controller: string | null
    creation: Str
    remote_links: number
    remote_monitors: number
  }[]
  procs: {
    pid: string
    messages?: string[]
    dictionary?: string[]
    stack?: [string, string][]
    error?: string
  }[]
}

const n = (v: Str): number | null => (v === null || v === '' || v === '-' ? null : Number(v))
const str = (v: Str): string | null => (v === null ? null : String(v))

/** crashdump_viewer runs as nonode@nohost: pids and ports are `['#CDVPid',N,X,Y]` lists, refc binaries `['#CDVBin',…]`. */
/** A stack entry as crashdump_viewer gives it: `Return addr 0x… (m:f/a + off)`, `Catch 0x… (…)`, or a term. */
function cdvFrame(s: string): [StackFrame['kind'], string] {
  const frame = /^(Return addr|Catch) .*\((.*)\)\s*$/.exec(s)
  if (frame) return [frame[1] === 'Catch' ? 'catch' : 'return', frame[2]]
  return ['var', cdvText(s)]
}

function cdvText(s: string): string {
  return (
    s
      .replace(/\['#CDVPid',(\d+),(\d+),(\d+)\]/g, '<$1.$2.$3>')
      .replace(/\['#CDVPort',(\d+),(\d+)\]/g, '#Port<$1.$2>')
      .replace(/\['#CDVBin',\d+,(\d+),\d+\]/g, "{'#CDVBin',$1}")
      // …and such a list as the tail of a cons cell merges into the printed list
      .replace(/,'#CDVBin',\d+,(\d+),\d+\]/g, "|{'#CDVBin',$1}]")
      // its refs carry its own node number; a binary or heap part the dump lacks is one placeholder
      .replace(/#Ref<\d+\./g, '#Ref<0.')
      .replace(/'#CDVNonexistingBinary'/g, "'#CDVIncompleteHeap'")
      // erlscope names a fun by module and index, without its uniq
      .replace(/#Fun<([^>]+)\.(\d+)\.\d+>/g, '#Fun<$1.$2>')
  )
}

/** Erlang's term order (number < atom < ref < fun < port < pid < tuple < map < nil < list < binary), enough for map keys. */
const RANK: Record<string, number> = {
  int: 0,
  float: 0,
  atom: 1,
  ref: 2,
  fun: 3,
  port: 4,
  pid: 5,
  tuple: 6,
  map: 7,
  nil: 8,
  list: 9,
  string: 9,
  binary: 10
}
function termOrder(a: DumpTerm, b: DumpTerm): number {
  const ra = RANK[a.kind] ?? 11
  const rb = RANK[b.kind] ?? 11
  if (ra !== rb) return ra - rb
  if ((a.kind === 'int' || a.kind === 'float') && (b.kind === 'int' || b.kind === 'float'))
    return Number(a.value) - Number(b.value)
  if (a.kind === 'atom' && b.kind === 'atom') return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
  if (a.kind === 'tuple' && b.kind === 'tuple') {
    if (a.items.length !== b.items.length) return a.items.length - b.items.length
    for (let i = 0; i < a.items.length; i++) {
      const c = termOrder(a.items[i], b.items[i])
      if (c !== 0) return c
    }
    return 0
  }
  const ta = printTerm(a)
  const tb = printTerm(b)
  return ta < tb ? -1 : ta > tb ? 1 : 0
}

/** A term as crashdump_viewer shows it: a binary outside the heap is a reference to expand. */
function asCdv(t: DumpTerm): DumpTerm {
  switch (t.kind) {
    case 'binary':
      return t.storage === 'heap'
        ? t
        : {
            kind: 'tuple',
            items: [
              { kind: 'atom', name: '#CDVBin' },
              { kind: 'int', value: String(t.size) }
            ]
          }
    case 'tuple':
      return { ...t, items: t.items.map(asCdv) }
    case 'list':
      return { ...t, items: t.items.map(asCdv), ...(t.tail ? { tail: asCdv(t.tail) } : {}) }
    case 'map':
      // written {'#LargeMap', Size} by cdv_details.erl: it prints in a hash order the dump does not keep
      if (t.entries.length + (t.more ?? 0) > 32)
        return {
          kind: 'tuple',
          items: [
            { kind: 'atom', name: '#LargeMap' },
            { kind: 'int', value: String(t.entries.length + (t.more ?? 0)) }
          ]
        }
      return {
        ...t,
        entries: t.entries
          .map((e) => ({ key: asCdv(e.key), value: asCdv(e.value) }))
          .sort((x, y) => termOrder(x.key, y.key))
      }
    default:
      return t
  }
}

const printed = (t: DumpTerm): string => cdvText(printTerm(asCdv(t)))

if (!present) it.skip(`real dumps corpus (skipped: ${CORPUS} is absent)`, () => undefined)

describe.runIf(present)(
  'real dumps: ETS, ports, timers, nodes and process terms against crashdump_viewer',
  () => {
    it.each(names)('%s', async (name) => {
      const truth = JSON.parse(
        gunzipSync(readFileSync(join(TRUTH, `${name}.json.gz`))).toString('utf8')
      ) as DetailsTruth
      const dump = await DumpFile.open(await indexDumpFile(join(CORPUS, 'dumps', `${name}.dump`)))
      try {
        // crashdump_viewer misses the system version of "requested by user" dumps (no newline before
        // it) and then takes the dump for a 32-bit one
        const general = JSON.parse(readFileSync(join(CORPUS, 'truth', `${name}.json`), 'utf8')) as {
          general: { slogan: Str }
        }
        const header = await dump.header()
        const glued = String(general.general.slogan).indexOf('System version: ') > 0
        // header lines (crashdump_viewer reads none of a glued header, and says (none) for no taints)
        if (!glued)
          expect
            .soft([
              header.compiled,
              header.taints === '' ? '(none)' : header.taints,
              header.atoms,
              header.callingThread
            ])
            .toEqual([
              truth.general.compiled,
              truth.general.taints,
              n(truth.general.atoms),
              truth.general.thread
            ])
        const sorted = <T>(rows: T[]): T[] =>
          rows
            .map((r) => JSON.stringify(r))
            .sort()
            .map((r) => JSON.parse(r) as T)
        const ets = await dump.etsTables()
        expect
          .soft(
            sorted(
              ets.map((t) => [
                t.owner,
                t.table,
                t.name,
                // crashdump_viewer says hash unless the section names a type (tree: an old dump's ordered_set)
                t.type ?? 'hash',
                t.buckets,
                t.objects,
                glued ? (t.words === null ? null : t.words * 4) : t.bytes
              ])
            )
          )
          .toEqual(
            sorted(
              truth.ets.map((t) => [
                t.owner,
                str(t.id),
                str(t.name),
                t.type === 'tree' ? 'ordered_set' : t.type,
                n(t.buckets),
                n(t.size),
                t.bytes
              ])
            )
          )
        // crashdump_viewer shows what a port controls as one text ("Linked in driver: tcp_inet")
        const driverOf = (p: { controls: string | null; driver: string | null }): string | null =>
          p.controls === 'file descriptors' ? (p.driver?.replace(/^fd /, '') ?? null) : p.driver
        const ports = await dump.ports()
        expect
          .soft(
            sorted(
              ports.map((p) => [p.id, p.connected, p.links, p.name, driverOf(p), p.input, p.output, p.queue])
            )
          )
          .toEqual(
            sorted(
              truth.ports.map((p) => [
                p.id,
                p.connected,
                p.links,
                p.name,
                p.controls === null ? null : p.controls.split(': ').slice(1).join(': '),
                n(p.input),
                n(p.output),
                n(p.queue)
              ])
            )
          )
        const timers = await dump.timers()
        expect
          .soft(sorted(timers.map((t) => [t.owner, t.message, t.timeLeftMs])))
          .toEqual(sorted(truth.timers.map((t) => [t.owner, t.message, n(t.time)])))
        for (const t of truth.procs) {
          // crashdump_viewer reads nothing of some processes of a cut dump
          if (t.error || (name.includes('truncated') && (t.stack ?? []).length === 0)) continue
          const p = await dump.process(t.pid, { messageLimit: 1000 })
          expect
            .soft(
              p.stack?.map((f) => [f.label, f.kind, f.term ? printed(f.term) : f.text]) ?? [],
              `${t.pid} stack`
            )
            .toEqual((t.stack ?? []).map(([label, text]) => [label, ...cdvFrame(text)]))
          expect
            .soft(
              (p.dictionary ?? []).map((e) => `{${printed(e.key)},${printed(e.value)}}`),
              `${t.pid} dictionary`
            )
            .toEqual((t.dictionary ?? []).map(cdvText))
          // crashdump_viewer keeps each message with its seq_trace token ([] for none), except in
          // dumps that write no token
          const messages = p.messages.map((m, i) => {
            const plain = printed(m.term)
            const cdv = cdvText(t.messages?.[i] ?? '')
            // erlscope leaves out a token that is [] or undefined
            const none = /,(\[\]|undefined)\}$/.exec(cdv)?.[1] ?? '[]'
            const withToken = `{${plain},${m.seqTraceToken ? printed(m.seqTraceToken) : none}}`
            return cdv.startsWith('{{') || cdv === withToken ? withToken : plain
          })
          expect.soft(messages, `${t.pid} messages`).toEqual((t.messages ?? []).map(cdvText))
        }
      } finally {
        await dump.close()
      }
    })
  }
)

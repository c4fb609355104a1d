import type {
  DumpEtsTable,
  DumpFun,
  DumpModule,
  DumpNodeConnection,
  DumpPersistentTerm,
  DumpPort,
  DumpScheduler,
  DumpSection,
  DumpTimer,
  SectionKind,
  SectionOf
} from '@shared/contract/dump'
import type { Column, SortState } from '@renderer/components/table-types'
import { printDumpTerm } from '@shared/dump-term-print'
import { compactNumber, exactBytes, groupDigits, humanBytes, humanDuration } from '@renderer/format/numbers'

/** What the generic section table needs to show one kind of section. */
export interface SectionTable<Row extends object> {
  kind: SectionKind
  columns: Column<Row>[]
  rows: (s: DumpSection) => Row[]
  total?: (s: DumpSection) => number | null
  sortValue?: (row: Row, key: string) => number | string | null
  detail?: (row: Row) => { key: string; value: string }[]
  note?: (s: DumpSection) => string | null
  pidNames?: (row: Row) => [string | null, string | null][]
  defaultSort?: SortState | null
  emptyText?: string
}

/** The rows of a section of kind K (an empty list when the reply is of another kind). */
function pick<K extends SectionKind, Row>(
  kind: K,
  rows: (s: SectionOf<K>) => Row[]
): (s: DumpSection) => Row[] {
  return (s) => (s.kind === kind ? rows(s as SectionOf<K>) : [])
}
function totalOf(s: DumpSection): number | null {
  return 'total' in s ? s.total : null
}

type Num<Row> = (row: Row) => number | null
interface Built<Row> {
  columns: Column<Row>[]
  sortValue: (row: Row, key: string) => number | string | null
}
/** Columns where numeric ones sort by number, the others by their text. */
function table<Row>(cols: (Column<Row> & { num?: Num<Row> })[]): Built<Row> {
  const nums = new Map(cols.filter((c) => c.num).map((c) => [c.key, c.num as Num<Row>]))
  const texts = new Map(cols.map((c) => [c.key, c.text]))
  return {
    columns: cols.map((c) => ({ ...c, sortable: c.sortable ?? true })),
    sortValue: (row, key) => nums.get(key)?.(row) ?? texts.get(key)?.(row) ?? null
  }
}
function count<Row>(
  key: string,
  label: string,
  get: Num<Row>,
  width = '90px'
): Column<Row> & { num: Num<Row> } {
  return { key, label, width, align: 'right', num: get, text: (r) => groupDigits(get(r)) }
}
function bytes<Row>(
  key: string,
  label: string,
  get: Num<Row>,
  width = '100px'
): Column<Row> & { num: Num<Row> } {
  return {
    key,
    label,
    width,
    align: 'right',
    num: get,
    text: (r) => humanBytes(get(r)),
    title: (r) => exactBytes(get(r))
  }
}
const timeLeft = (ms: number): string => (ms < 1000 ? `${ms} ms` : humanDuration(ms))
const dash = (s: string | null | undefined): string => (s === null || s === undefined || s === '' ? '—' : s)

export const etsTable: SectionTable<DumpEtsTable> = {
  kind: 'ets',
  // memory and the owner first: what a narrow window must still show
  ...table<DumpEtsTable>([
    { key: 'name', label: 'Name', width: 'minmax(150px, 1.6fr)', mono: true, text: (r) => dash(r.name) },
    bytes('bytes', 'Memory', (r) => r.bytes, '96px'),
    count('objects', 'Objects', (r) => r.objects),
    {
      key: 'owner',
      label: 'Owner',
      width: 'minmax(220px, 1.8fr)',
      mono: true,
      pids: true,
      // the pid links to the process; PidText shows the registered name beside it
      text: (r) => r.owner
    },
    { key: 'type', label: 'Type', width: '90px', text: (r) => dash(r.type) },
    { key: 'protection', label: 'Protection', width: '90px', text: (r) => dash(r.protection) },
    { key: 'table', label: 'Table id', width: 'minmax(110px, 1fr)', mono: true, text: (r) => r.table },
    count('buckets', 'Buckets', (r) => r.buckets)
  ]),
  rows: pick('ets', (s) => s.rows),
  total: totalOf,
  detail: (r) => [{ key: 'Owner name', value: dash(r.ownerName) }, ...r.fields],
  note: (s) => (s.kind === 'ets' ? etsMemoryNote(s.tablesBytes, s.memoryEts) : null),
  pidNames: (r) => [[r.owner, r.ownerName]],
  defaultSort: { key: 'bytes', desc: true }
}

/** The tables' bytes against the dump's `=memory` ets figure (which adds ETS's own overhead). */
export function etsMemoryNote(tablesBytes: number, memoryEts: number | null): string {
  const tables = `tables hold ${humanBytes(tablesBytes)}`
  if (!memoryEts) return tables
  const share = Math.round((tablesBytes / memoryEts) * 100)
  return `${tables} of ${humanBytes(memoryEts)} ets memory (${share} %)`
}

export const portsTable: SectionTable<DumpPort> = {
  kind: 'ports',
  // queue and the connected process first: what a narrow window must still show
  ...table<DumpPort>([
    { key: 'id', label: 'Port', width: '110px', mono: true, text: (r) => r.id },
    { key: 'driver', label: 'Driver', width: '100px', mono: true, text: (r) => dash(r.driver) },
    bytes('queue', 'Queue', (r) => r.queue, '86px'),
    {
      key: 'connected',
      label: 'Connected',
      width: 'minmax(240px, 1.6fr)',
      mono: true,
      pids: true,
      text: (r) => dash(r.connected)
    },
    { key: 'kind', label: 'Kind', width: '74px', text: (r) => r.kind },
    bytes('input', 'Input', (r) => r.input, '86px'),
    bytes('output', 'Output', (r) => r.output, '86px'),
    count('links', 'Links', (r) => r.links.length, '64px'),
    { key: 'state', label: 'State', width: 'minmax(90px, 0.8fr)', text: (r) => dash(r.state) },
    {
      key: 'name',
      label: 'Name or command',
      width: 'minmax(140px, 1.4fr)',
      mono: true,
      text: (r) => dash(r.name)
    }
  ]),
  rows: pick('ports', (s) => s.rows),
  total: totalOf,
  detail: (r) => [{ key: 'Connected name', value: dash(r.connectedName) }, ...r.fields],
  pidNames: (r) => [[r.connected, r.connectedName]],
  defaultSort: { key: 'queue', desc: true }
}

export const timersTable: SectionTable<DumpTimer> = {
  kind: 'timers',
  ...table<DumpTimer>([
    {
      key: 'owner',
      label: 'Owner',
      width: 'minmax(140px, 1fr)',
      mono: true,
      pids: true,
      text: (r) => r.owner
    },
    {
      key: 'message',
      label: 'Message',
      width: 'minmax(200px, 3fr)',
      mono: true,
      text: (r) => dash(r.message)
    },
    {
      key: 'timeLeftMs',
      label: 'Time left',
      width: '120px',
      align: 'right',
      num: (r) => r.timeLeftMs,
      text: (r) => (r.timeLeftMs === null ? '—' : timeLeft(r.timeLeftMs)),
      title: (r) => (r.timeLeftMs === null ? 'unknown' : `${groupDigits(r.timeLeftMs)} ms`)
    }
  ]),
  rows: pick('timers', (s) => s.rows),
  total: totalOf,
  defaultSort: { key: 'timeLeftMs', desc: false }
}

export const schedulersTable: SectionTable<DumpScheduler> = {
  kind: 'schedulers',
  ...table<DumpScheduler>([
    { key: 'id', label: 'Scheduler', width: 'minmax(200px, 1fr)', mono: true, text: (r) => r.id },
    { key: 'type', label: 'Type', width: '150px', text: (r) => r.type.replace(/_/g, ' ') },
    {
      key: 'currentProcess',
      label: 'Current process',
      width: '130px',
      mono: true,
      text: (r) => dash(r.currentProcess)
    },
    {
      key: 'currentPort',
      label: 'Current port',
      width: '110px',
      mono: true,
      text: (r) => dash(r.currentPort)
    },
    count('runQueueLength', 'Run queue', (r) => r.runQueueLength, '100px'),
    {
      key: 'sleepInfo',
      label: 'Sleep info',
      width: 'minmax(160px, 2fr)',
      mono: true,
      text: (r) => dash(r.sleepInfo)
    }
  ]),
  rows: pick('schedulers', (s) => s.rows),
  detail: (r) => [
    ...r.fields,
    ...(r.stackTrace.length ? [{ key: 'Stack trace', value: r.stackTrace.join('\n') }] : [])
  ]
}

export const nodesTable: SectionTable<DumpNodeConnection> = {
  kind: 'nodes',
  ...table<DumpNodeConnection>([
    { key: 'name', label: 'Node', width: 'minmax(200px, 2fr)', mono: true, text: (r) => r.name },
    { key: 'kind', label: 'Connection', width: '110px', text: (r) => r.kind.replace(/_/g, ' ') },
    { key: 'channel', label: 'Channel', width: '80px', align: 'right', text: (r) => r.channel },
    { key: 'controller', label: 'Controller', width: '120px', mono: true, text: (r) => dash(r.controller) },
    { key: 'creation', label: 'Creation', width: '110px', text: (r) => dash(r.creation) },
    count('remoteLinks', 'Remote links', (r) => r.remoteLinks.length, '100px'),
    count('remoteMonitors', 'Remote monitors', (r) => r.remoteMonitors.length, '120px')
  ]),
  rows: pick('nodes', (s) => s.nodes.connections),
  detail: (r) => r.fields,
  note: (s) =>
    s.kind === 'nodes'
      ? s.nodes.distributed
        ? `this node ${dash(s.nodes.thisNode)}`
        : 'this node was not distributed'
      : null,
  emptyText: 'No other nodes were connected.'
}

export const modulesTable: SectionTable<DumpModule> = {
  kind: 'modules',
  ...table<DumpModule>([
    { key: 'name', label: 'Module', width: 'minmax(200px, 2fr)', mono: true, text: (r) => r.name },
    bytes('currentSize', 'Current code', (r) => r.currentSize, '124px'),
    {
      ...bytes('oldSize', 'Old code', (r) => r.oldSize, '120px'),
      // old code is held until the next purge: the module was reloaded while processes ran it
      text: (r) => (r.oldSize ? `⚠ ${humanBytes(r.oldSize)}` : '—'),
      title: (r) => (r.oldSize ? `${exactBytes(r.oldSize)} of old code, not purged` : 'No old code'),
      help: 'Code of the previous version, kept while a process may still run it (until code:purge/1)'
    },
    {
      key: 'compileInfo',
      label: 'Compile info',
      width: 'minmax(200px, 3fr)',
      mono: true,
      text: (r) => dash(r.compileInfo)
    }
  ]),
  rows: pick('modules', (s) => s.modules.modules),
  total: totalOf,
  detail: (r) => [
    { key: 'Attributes', value: dash(r.attributes) },
    { key: 'Compile info', value: dash(r.compileInfo) }
  ],
  note: (s) => (s.kind === 'modules' ? modulesNote(s.modules) : null),
  defaultSort: { key: 'currentSize', desc: true }
}

/** The modules' sizes against the dump's `=memory` code figure, and how many hold old code. */
export function modulesNote(m: SectionOf<'modules'>['modules']): string {
  const held = m.memoryCode
    ? `modules hold ${humanBytes(m.modulesBytes)} of ${humanBytes(m.memoryCode)} code memory (${Math.round((m.modulesBytes / m.memoryCode) * 100)} %)`
    : `modules hold ${humanBytes(m.modulesBytes)}`
  const old = m.withOldCode
    ? `${groupDigits(m.withOldCode)} with old code (${humanBytes(m.oldCode)}) not purged`
    : 'no old code'
  return `${held} · ${old}`
}

export const funsTable: SectionTable<DumpFun> = {
  kind: 'funs',
  ...table<DumpFun>([
    { key: 'module', label: 'Module', width: 'minmax(180px, 2fr)', mono: true, text: (r) => r.module },
    { key: 'uniq', label: 'Uniq', width: '120px', mono: true, text: (r) => dash(r.uniq) },
    count('index', 'Index', (r) => r.index, '70px'),
    { key: 'address', label: 'Address', width: '160px', mono: true, text: (r) => dash(r.address) },
    count('refc', 'Refc', (r) => r.refc, '80px'),
    {
      key: 'nativeAddress',
      label: 'Native address',
      width: '160px',
      mono: true,
      text: (r) => dash(r.nativeAddress)
    }
  ]),
  rows: pick('funs', (s) => s.rows),
  total: totalOf
}

export interface AtomRow {
  index: number
  name: string
}
export const atomsTable: SectionTable<AtomRow> = {
  kind: 'atoms',
  ...table<AtomRow>([
    count('index', '#', (r) => r.index, '90px'),
    {
      key: 'name',
      label: 'Atom (newest first, as in the dump)',
      width: 'minmax(200px, 1fr)',
      mono: true,
      text: (r) => r.name
    }
  ]),
  rows: pick('atoms', (s) => s.rows.map((name, index) => ({ index: index + 1, name }))),
  total: totalOf,
  note: (s) =>
    s.kind === 'atoms' && s.limit && s.count !== null
      ? `${groupDigits(s.count)} of a limit of ${groupDigits(s.limit)} (${((s.count / s.limit) * 100).toFixed(1)} %)`
      : null
}

export interface PersistentTermRow {
  key: string
  value: string
}
const printed = (t: DumpPersistentTerm): PersistentTermRow => ({
  key: printDumpTerm(t.key, { maxLength: 4000 }),
  value: printDumpTerm(t.value, { maxLength: 20_000 })
})
export const persistentTermsTable: SectionTable<PersistentTermRow> = {
  kind: 'persistent_terms',
  ...table<PersistentTermRow>([
    { key: 'key', label: 'Key', width: 'minmax(200px, 1fr)', mono: true, text: (r) => r.key },
    { key: 'value', label: 'Value', width: 'minmax(300px, 2fr)', mono: true, text: (r) => r.value },
    {
      key: 'size',
      label: 'Printed',
      width: '90px',
      align: 'right',
      num: (r) => r.value.length,
      text: (r) => compactNumber(r.value.length)
    }
  ]),
  rows: pick('persistent_terms', (s) => s.rows.map(printed)),
  total: totalOf,
  detail: (r) => [
    { key: 'Key', value: r.key },
    { key: 'Value', value: r.value }
  ]
}

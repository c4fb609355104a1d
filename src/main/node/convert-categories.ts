import type {
  AtomsAndCode,
  BinLeakRow,
  ChurnGroup,
  EtsRow,
  ModuleRow,
  Owner,
  PortRow,
  SchedulerUsage
} from '../../shared/contract/categories'
import type { ProcessGroup } from '../../shared/contract/node'
import { mfaText } from './convert'
import {
  Atom,
  ShapeError,
  Tuple,
  atom,
  bool,
  isAtom,
  list,
  num,
  numOrNull,
  props,
  text,
  tuple,
  type EVal
} from './eval-value'
import { moduleName, registeredName } from './names'
import type { PidId } from './spawn-counter'

/** Pure conversions of the exprs-categories.ts results to contract rows. */

const textOrNull = (v: EVal | undefined): string | null => (v instanceof Uint8Array ? text(v) : null)
const nameOrNull = (v: EVal | undefined): string | null =>
  v instanceof Atom && v.name !== 'undefined' ? registeredName(v.name) : null

/** `{PidText, Name | undefined, Label | undefined}` or `undefined`. */
export function owner(v: EVal | undefined): Owner | null {
  if (v === undefined || isAtom(v)) return null
  const [pid, name, label] = tuple(v, 3)
  return { pid: text(pid), registeredName: nameOrNull(name), label: textOrNull(label) }
}

/** How an owner reads in one line: name, else label, else pid. */
export function ownerText(o: Owner | null): string {
  if (!o) return ''
  return o.registeredName ?? o.label ?? o.pid
}

export function etsRow(v: EVal): EtsRow {
  const [id, name, named, own, type, protection, size, mem, growth, compressed] = tuple(v, 10)
  return {
    id: text(id),
    name: isAtom(name) ? atom(name) : text(name),
    named: bool(named),
    owner: owner(own),
    type: atom(type),
    protection: atom(protection),
    size: num(size),
    memoryBytes: num(mem),
    growthBytes: num(growth),
    compressed: bool(compressed)
  }
}

export interface RawEts {
  tableCount: number
  tablesBytes: number
  memoryEts: number
  wordSize: number
  rows: EtsRow[]
}

export function etsScan(v: EVal): RawEts {
  const [count, sum, mem, ws, rows] = tuple(v, 5)
  return {
    tableCount: num(count),
    tablesBytes: num(sum),
    memoryEts: num(mem),
    wordSize: num(ws),
    rows: list(rows).map(etsRow)
  }
}

const stat = (stats: Map<string, EVal[]>, k: string): number | null => numOrNull(stats.get(k)?.[0])

export function portRow(v: EVal): PortRow {
  const [port, name, osPid, distNode, own, queue, mem, input, output, peer, local, stats, growth] = tuple(
    v,
    13
  )
  const driver = text(name)
  const st = props(stats)
  const dist = isAtom(distNode) && distNode.name !== 'undefined' ? distNode.name : null
  const spawned = typeof osPid === 'number'
  const inet = st.size > 0 || driver.endsWith('_inet')
  // open_port({fd, In, Out}) names its port "In/Out"
  const fd = /^\d+\/\d+$/.test(driver)
  return {
    port: text(port),
    kind: dist !== null ? 'dist' : spawned ? 'spawn' : fd ? 'fd' : driver,
    detail: dist ?? (spawned || fd ? driver : null),
    owner: owner(own),
    queueBytes: numOrNull(queue) ?? 0,
    memoryBytes: numOrNull(mem) ?? 0,
    input: numOrNull(input) ?? 0,
    output: numOrNull(output) ?? 0,
    peer: textOrNull(peer),
    local: textOrNull(local),
    sendPending: inet ? stat(st, 'send_pend') : null,
    recvOct: inet ? stat(st, 'recv_oct') : null,
    sendOct: inet ? stat(st, 'send_oct') : null,
    growthBytes: num(growth)
  }
}

export function portScan(v: EVal): { portCount: number; socketCount: number; rows: PortRow[] } {
  const [ports, socks, rows] = tuple(v, 3)
  return { portCount: num(ports), socketCount: num(socks), rows: list(rows).map(portRow) }
}

export interface RawBinLeak {
  scanned: number
  processCount: number
  stoppedEarly: boolean
  freedBytes: number
  memoryBinaryBefore: number
  memoryBinaryAfter: number
  elapsedMs: number
  rows: BinLeakRow[]
}

export function binLeak(v: EVal): RawBinLeak {
  const [scanned, count, early, freed, before, after, elapsed, rows] = tuple(v, 8)
  return {
    scanned: num(scanned),
    processCount: num(count),
    stoppedEarly: bool(early),
    freedBytes: num(freed),
    memoryBinaryBefore: num(before),
    memoryBinaryAfter: num(after),
    elapsedMs: num(elapsed),
    rows: list(rows).map((r) => {
      const [pid, name, ic, own, b, a] = tuple(r, 6)
      const o = owner(own)
      return {
        pid: text(pid),
        registeredName: nameOrNull(name),
        initialCall: mfaText(ic),
        label: o?.label ?? null,
        beforeBytes: num(b),
        afterBytes: num(a),
        freedBytes: num(b) - num(a)
      }
    })
  }
}

/** `system_info(loaded)` prints Elixir modules quoted: `'Elixir.Foo'`. */
const moduleText = (v: EVal): string => moduleName(text(v).replace(/^'(.*)'$/, '$1'))

function moduleRow(v: EVal): ModuleRow {
  const [m, bytes, old] = tuple(v, 3)
  return { module: moduleText(m), bytes: num(bytes), oldBytes: num(old) }
}

export function atomsAndCode(v: EVal, takenAt: number): AtomsAndCode {
  const [count, limit, atomB, atomUsed, code, modCount, mods, old] = tuple(v, 8)
  return {
    atomCount: num(count),
    atomLimit: num(limit),
    atomBytes: num(atomB),
    atomUsedBytes: num(atomUsed),
    codeBytes: num(code),
    moduleCount: num(modCount),
    modules: list(mods).map(moduleRow),
    oldCode: list(old).map(moduleRow),
    takenAt
  }
}

export interface RawChurn {
  before: number
  after: number
  born: number
  died: number
  grouped: number
  byInitialCall: ChurnGroup[]
  byParent: ChurnGroup[]
  /** The pids spawned at the start and the end of the window (null when the node did not say). */
  marks: [PidId, PidId] | null
}

function pidId(v: EVal): PidId | null {
  if (!(v instanceof Tuple) || v.items.length !== 2) return null
  const [number, serial] = v.items
  return typeof number === 'number' && typeof serial === 'number' ? { number, serial } : null
}

function marksOf(v: EVal | undefined): [PidId, PidId] | null {
  if (!(v instanceof Tuple) || v.items.length !== 2) return null
  const a = pidId(v.items[0])
  const b = pidId(v.items[1])
  return a && b ? [a, b] : null
}

const PID_TEXT = /^<\d+\.\d+\.\d+>$/

/** `{M, F, A}` as the group a Processes query matches on the node (atom texts as they are). */
function initialCallGroup(v: EVal): ProcessGroup | null {
  if (!(v instanceof Tuple) || v.items.length !== 3) return null
  const [m, f, a] = v.items
  if (!(m instanceof Atom) || !(f instanceof Atom) || typeof a !== 'number') return null
  return { by: 'initial_call', module: m.name, function: f.name, arity: a }
}

export function churn(v: EVal): RawChurn {
  const [before, after, born, died, grouped, byIc, byParent, marks] = tuple(v)
  if (byParent === undefined) throw new ShapeError('Expected a churn tuple of 7 or 8 items.')
  return {
    marks: marksOf(marks),
    before: num(before),
    after: num(after),
    born: num(born),
    died: num(died),
    grouped: num(grouped),
    byInitialCall: list(byIc).map((g) => {
      const [ic, c, b] = tuple(g, 3)
      return { key: mfaText(ic) ?? '?', count: num(c), born: num(b), group: initialCallGroup(ic) }
    }),
    byParent: list(byParent).map((g) => {
      const [own, b] = tuple(g, 2)
      const o = owner(own)
      const key = o ? (o.registeredName ?? o.label ?? o.pid) : '?'
      const group: ProcessGroup | null = o && PID_TEXT.test(o.pid) ? { by: 'parent', pid: o.pid } : null
      return { key: o && key !== o.pid ? `${key} ${o.pid}` : key, count: num(b), born: num(b), group }
    })
  }
}

/** The SCHEDULERS expression's `{WasEnabled, Normal, DirtyCpu, [{Id, ActiveDelta, TotalDelta}]}`. */
export function schedulerUsage(v: EVal): Omit<SchedulerUsage, 'windowMs' | 'takenAt'> {
  const [was, normalCount, dirtyCount, rows] = tuple(v, 4)
  const n = num(normalCount)
  const d = num(dirtyCount)
  const schedulers = list(rows).map((r) => {
    const [id, active, total] = tuple(r, 3)
    const i = num(id)
    const kind: 'normal' | 'dirty_cpu' | 'dirty_io' =
      i <= n ? 'normal' : i <= n + d ? 'dirty_cpu' : 'dirty_io'
    return { id: i, kind, utilization: num(total) > 0 ? num(active) / num(total) : 0 }
  })
  const mean = (k: string): number => {
    const xs = schedulers.filter((s) => s.kind === k)
    return xs.length ? xs.reduce((a, s) => a + s.utilization, 0) / xs.length : 0
  }
  return { normal: mean('normal'), dirtyCpu: mean('dirty_cpu'), schedulers, wasEnabled: bool(was) }
}

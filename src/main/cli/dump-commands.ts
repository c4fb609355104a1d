import { Readable } from 'node:stream'
import { memoryCategories } from '../../shared/contract/node'
import type {
  DumpProcessDetail,
  DumpProcessRow,
  DumpSummary,
  ProcessSortKey
} from '../../shared/contract/dump'
import { AppError } from '../app-error'
import { atomsJson } from '../crashdump/atoms-json'
import { DumpFile, fmtBytes } from '../crashdump/dump-file'
import { defaultCacheDir } from '../crashdump/index-cache'
import { openDump, openDumpStream } from '../crashdump/open-dump'
import { terminalText } from './terminal-text'
import { displayName } from '../../shared/elixir-names'
import type { TermSyntax } from '../../shared/dump-term-print'
import { dumpMessageText, dumpProcessView } from './dump-process-view'
import { processDetailJson, processDetailText } from './process-detail'
import { flagString, type CliCommand, type CliIo, type ParsedArgs } from './command'
import { JSON_FLAG, type FlagSpec } from './flags'
import { JSON_CHUNK_CHARS, outputWriter, writeJsonArray } from './json-stream'
import { processJsonFromColumns } from './process-json'

function stdinStream(io: CliIo): Readable {
  if (!io.stdin) throw new AppError('invalid_request', 'No standard input to read a dump from.')
  return io.stdin instanceof Readable ? io.stdin : Readable.from(io.stdin)
}

/**
 * Opens the dump named on the command line (`-`: standard input; gzip, Zstandard and xz files are
 * decompressed first), reusing its cached index unless `--no-cache`; runs
 * `use`, then stores a freshly built index in the cache (after the output, never failing on it).
 */
async function withDump(args: ParsedArgs, io: CliIo, use: (dump: DumpFile) => Promise<void>): Promise<void> {
  const path = args.positional[0]
  if (!path)
    throw new AppError(
      'invalid_request',
      'Give the path of a crash dump, e.g. erlscope report erl_crash.dump.'
    )
  const cacheDir = args.flags.has('no-cache') ? null : defaultCacheDir(io.env)
  const opened =
    path === '-'
      ? await openDumpStream(stdinStream(io), 'standard input', { dir: cacheDir })
      : await openDump(path, { cacheDir })
  try {
    const dump = await DumpFile.open(opened.index, opened.source)
    try {
      await use(dump)
    } finally {
      await dump.close()
      await opened.save()
    }
  } finally {
    await opened.dispose()
  }
}

function reportJson(s: DumpSummary): unknown {
  const proc = (r: DumpProcessRow): unknown => ({
    pid: r.pid,
    name: r.name,
    currentFunction: r.currentFunction,
    spawnedAs: r.spawnedAs,
    state: r.state,
    messageQueueLength: r.messageQueueLength,
    memoryBytes: r.memoryBytes,
    memoryEstimateBytes: r.memoryEstimateBytes
  })
  return {
    path: s.path,
    size: s.size,
    dumpVersion: s.header.dumpVersion,
    created: s.header.created,
    slogan: s.header.slogan,
    systemVersion: s.header.systemVersion,
    node: s.header.nodeName,
    wordSize: s.header.wordSize,
    explanation: s.explanation,
    truncated: s.truncated,
    warnings: s.warnings,
    memory: Object.fromEntries(memoryCategories.map((k) => [k, s.memory[k]])),
    counts: {
      processes: s.counts.processes,
      ports: s.counts.ports,
      ets: s.counts.ets,
      timers: s.counts.timers,
      funs: s.counts.funs,
      atoms: s.counts.atoms,
      modules: s.counts.modules,
      connectedNodes: s.counts.connectedNodes
    },
    processStates: s.processStates,
    topProcessesByMemory: s.topByMemory.map(proc),
    topProcessesByMailbox: s.topByMailbox.map(proc),
    ports: s.ports,
    atoms: atomsJson(s),
    topEts: s.topEts.map((t) => ({
      owner: t.owner,
      ownerName: t.ownerName,
      name: t.name,
      table: t.table,
      type: t.type,
      objects: t.objects,
      bytes: t.bytes
    })),
    initialCalls: s.initialCalls,
    parents: s.parents,
    groupReads: s.groupReads,
    binaryHolders: s.topByBinary,
    findings: s.findings
  }
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length)
}

function reportText(s: DumpSummary, top: number): string {
  const h = s.header
  const out: string[] = []
  const mem = (v: number | null): string => (v === null ? '?' : fmtBytes(v))
  out.push(`Crash dump ${s.path} (${fmtBytes(s.size)}, format ${h.dumpVersion})`)
  if (s.truncated) out.push('', `!! TRUNCATED: ${s.truncated.message}`)
  for (const w of s.warnings) out.push('', `!! DAMAGED: ${w}`)
  out.push(
    '',
    `Created:        ${h.created ?? '?'}`,
    `Node:           ${h.nodeName ?? '?'}`,
    `System version: ${h.systemVersion ?? '?'}`
  )
  out.push(
    `Slogan:         ${h.slogan ?? '?'}`,
    '',
    `What happened:  ${s.explanation.title}`,
    `                ${s.explanation.detail}`
  )
  if (s.explanation.reason) out.push(`Reason:         ${s.explanation.reason}`)
  if (s.findings.length > 0) {
    out.push('', 'Findings:')
    for (const f of s.findings) out.push(`  - ${f}`)
  }
  out.push('', 'Memory:')
  for (const k of memoryCategories) {
    const v = s.memory[k]
    const share = v !== null && s.memory.total ? ` (${((v / s.memory.total) * 100).toFixed(1)} %)` : ''
    out.push(`  ${pad(k, 15)} ${pad(mem(v), 12)}${k === 'total' ? '' : share}`)
  }
  const c = s.counts
  out.push(
    '',
    `Counts: ${c.processes} processes, ${c.ports} ports, ${c.ets} ETS tables, ${c.timers} timers, ${c.funs} funs, ${c.atoms ?? '?'} atoms${s.limits.atoms.limit ? ` (limit ${s.limits.atoms.limit})` : ''}, ${c.modules} modules, ${c.connectedNodes} connected node${c.connectedNodes === 1 ? '' : 's'}`
  )
  out.push(`Process states: ${s.processStates.map((x) => `${x.state} ${x.count}`).join(', ')}`)
  const table = (title: string, rows: DumpProcessRow[]): void => {
    if (rows.length === 0) return
    out.push('', title)
    out.push(`  ${pad('pid', 16)} ${pad('memory', 12)} ${pad('msgq', 8)} ${pad('name', 24)} current function`)
    for (const r of rows.slice(0, top)) {
      const m = r.memoryBytes ?? r.memoryEstimateBytes
      out.push(
        `  ${pad(r.pid, 16)} ${pad((r.memoryBytes === null ? '~' : '') + fmtBytes(m), 12)} ${pad(String(r.messageQueueLength), 8)} ${pad(r.name ?? r.spawnedAs ?? '', 24)} ${r.currentFunction ?? ''}`
      )
    }
  }
  table('Top processes by memory:', s.topByMemory)
  table('Top processes by mailbox:', s.topByMailbox)
  if (s.ports.total > 0) {
    const k = s.ports.byKind
    out.push(
      '',
      `Ports: ${s.ports.total} (tcp ${k.tcp}, udp ${k.udp}, sctp ${k.sctp}, file ${k.file}, external ${k.external}, other ${k.other})`
    )
  }
  if (s.topEts.length > 0) {
    out.push('', 'Largest ETS tables:')
    for (const t of s.topEts.slice(0, top))
      out.push(
        `  ${pad(t.name ?? t.table, 32)} ${pad(fmtBytes(t.bytes ?? 0), 12)} ${pad(String(t.objects ?? '?'), 10)} owner ${t.owner}${t.ownerName ? ` (${t.ownerName})` : ''}`
      )
  }
  const atoms = atomsJson(s)
  if (atoms.count !== null)
    out.push(
      '',
      `Atoms: ${atoms.count}${atoms.limit ? ` of ${atoms.limit} (${((atoms.share ?? 0) * 100).toFixed(1)} % of the limit)` : ''}${atoms.memoryBytes !== null ? `, atom table ${mem(atoms.memoryBytes)}` : ''}`
    )
  const groups = (title: string, rows: { label: string; count: number; memoryBytes: number }[]): void => {
    if (rows.length === 0) return
    out.push('', title)
    for (const g of rows.slice(0, top))
      out.push(`  ${pad(String(g.count), 8)} ${pad(fmtBytes(g.memoryBytes), 12)} ${g.label}`)
  }
  groups(
    'Processes by initial call (count, memory):',
    s.initialCalls.map((g) => ({ ...g, label: g.call ?? '(none in the dump)' }))
  )
  groups(
    'Processes by parent, first $ancestors else Spawned by (count, memory):',
    s.parents.map((g) => ({
      ...g,
      label: g.parent === null ? '(unknown or not read)' : g.pid ? `${g.parent} ${g.pid}` : g.parent
    }))
  )
  const r = s.groupReads
  if (r.dictionariesSkipped > 0 || r.spawnedBySkipped > 0)
    out.push(
      `  (read ${r.dictionaries} proc_lib dictionaries, cap ${r.dictionaryCap}, and ${r.spawnedBy} Spawned by lines, cap ${r.spawnedByCap}: ${r.dictionariesSkipped + r.spawnedBySkipped} processes not read are grouped as proc_lib:init_p/5 or unknown)`
    )
  if (s.topByBinary.length > 0) {
    out.push('', 'Processes by refc binaries referenced (BinVHeap + OldBinVHeap):')
    for (const b of s.topByBinary.slice(0, top))
      out.push(
        `  ${pad(b.pid, 16)} ${pad(fmtBytes(b.binaryBytes), 12)} ${pad(b.name ?? '', 24)} ${b.currentFunction ?? ''}`
      )
  }
  // one pushed entry is one line: a newline inside a field is escaped, never a new line
  return out.map((line) => terminalText(line)).join('\n')
}

const SORT_KEYS: Record<string, ProcessSortKey> = {
  memory: 'memory',
  mailbox: 'messageQueueLength',
  msgq: 'messageQueueLength',
  reductions: 'reductions',
  pid: 'pid',
  name: 'name',
  heap: 'stackHeapWords'
}

/** Rows whose '$initial_call' is read ahead of the JSON rows being written. */
const INITIAL_CALL_BATCH = 4096
const RAW_MARK = '(raw)'

async function writeProcesses(dump: DumpFile, args: ParsedArgs, io: CliIo): Promise<void> {
  const ws = (await dump.header()).wordSize
  const p = dump.index.procs
  const json = args.flags.has('json')
  const by = flagString(args, 'by')
  const limitFlag = flagString(args, 'limit')
  const limit = limitFlag ? Math.max(0, Number(limitFlag) || 0) : json ? Infinity : 30
  const sortBy = by ? SORT_KEYS[by] : undefined
  if (by && !sortBy)
    throw new AppError('invalid_request', `Unknown --by '${by}': use ${Object.keys(SORT_KEYS).join(', ')}.`)
  const rows = sortBy
    ? await dump.sortedRows(sortBy, sortBy !== 'pid' && sortBy !== 'name')
    : Int32Array.from({ length: p.count }, (_, i) => i)
  const n = Math.min(rows.length, limit)
  if (json) {
    const rowJson = processJsonFromColumns(p, ws)
    // proc_lib processes show their '$initial_call' and label: read a batch of rows ahead, in file order
    const make = (r: number): string => rowJson(r, dump.knownInitialCall(r) ?? undefined, dump.knownLabel(r))
    await writeJsonArray(io, n, (i) =>
      i % INITIAL_CALL_BATCH === 0
        ? dump
            .resolveInitialCalls(rows.subarray(i, Math.min(n, i + INITIAL_CALL_BATCH)))
            .then(() => make(rows[i]))
        : make(rows[i])
    )
    return
  }
  io.out(
    `${pad('pid', 16)} ${pad('state', 10)} ${pad('memory', 12)} ${pad('msgq', 8)} ${pad('reductions', 12)} ${pad('name / spawned as', 32)} current function`
  )
  let raw = false
  for (const r of await dump.tableRows(rows.subarray(0, n), ws)) {
    const m = r.memoryBytes ?? r.memoryEstimateBytes
    const named = r.name ?? (r.initialCallUnread ? `${r.spawnedAs} ${RAW_MARK}` : (r.spawnedAs ?? ''))
    const who = r.label === undefined ? named : `${named} [${r.label}]`
    raw ||= r.name === null && r.initialCallUnread === true
    io.out(
      terminalText(
        `${pad(r.pid, 16)} ${pad(r.state ?? '', 10)} ${pad((r.memoryBytes === null ? '~' : '') + fmtBytes(m), 12)} ${pad(String(r.messageQueueLength), 8)} ${pad(String(r.reductions), 12)} ${pad(who, 32)} ${r.currentFunction ?? ''}`
      )
    )
  }
  if (n < p.count) io.out(`(${n} of ${p.count} processes; --limit N or --json for all)`)
  if (raw)
    io.out(
      `${RAW_MARK} proc_lib:init_p/N as written in the dump: the process's '$initial_call' was not read (its data is over 1 MiB, or its dictionary has none); erlscope process DUMP PID shows its dictionary.`
    )
}

/** `<0.80.0>`, `0.80.0`, or a registered name as written (`Shop.OrderQueue`) or as dumped. */
function findPid(dump: DumpFile, given: string): string {
  const p = dump.index.procs
  const pid = /^\d+\.\d+\.\d+$/.test(given) ? `<${given}>` : given
  for (let r = 0; r < p.count; r++) if (p.pid[r] === pid) return pid
  for (let r = 0; r < p.count; r++) {
    const name = p.name[r]
    if (name !== null && (name === given || displayName(name) === given)) return p.pid[r]
  }
  throw new AppError(
    'not_found',
    `No process ${given} in this dump (give a pid such as <0.80.0> or a registered name).`
  )
}

const MESSAGE_PAGE = 1000

async function writeProcess(dump: DumpFile, args: ParsedArgs, io: CliIo): Promise<void> {
  const given = args.positional[1]
  if (!given)
    throw new AppError(
      'invalid_request',
      'Give the pid of a process, e.g. erlscope process erl_crash.dump "<0.80.0>".'
    )
  const pid = findPid(dump, given)
  const json = args.flags.has('json')
  const want = flagString(args, 'messages')
  const limit = want === undefined ? 20 : Number(want)
  if (!Number.isInteger(limit) || limit < 0)
    throw new AppError('invalid_request', `--messages takes a count (0 or more); not '${want}'.`)
  const detail = await dump.process(pid, { messageLimit: Math.min(limit, MESSAGE_PAGE) })
  const syntax = (flagString(args, 'syntax') ?? 'erlang') as TermSyntax
  const wordSize = (await dump.header()).wordSize
  if (json) {
    await writeProcessJson(dump, pid, detail, limit, { source: dump.path, wordSize, syntax }, io)
    return
  }
  const messages = detail.messages.slice(0, limit)
  while (messages.length < Math.min(limit, detail.messagesTotal)) {
    const page = await dump.process(pid, {
      messageOffset: messages.length,
      messageLimit: Math.min(MESSAGE_PAGE, limit - messages.length)
    })
    if (page.messages.length === 0) break
    messages.push(...page.messages)
  }
  const view = dumpProcessView(detail, { source: dump.path, wordSize, syntax, messages })
  io.out(processDetailText(view))
}

/** Where the messages go in the detail's JSON text (JSON.stringify with an indent of 2). */
const MESSAGES_SLOT = '\n  "messages": []'

/**
 * `process DUMP PID --json`: the detail's JSON with its messages written page by page as they are
 * decoded (`--messages 2500000` never holds the queue); the same text as JSON.stringify(detail, null, 2).
 */
async function writeProcessJson(
  dump: DumpFile,
  pid: string,
  detail: DumpProcessDetail,
  limit: number,
  o: { source: string; wordSize: number; syntax: TermSyntax },
  io: CliIo
): Promise<void> {
  const write = outputWriter(io)
  const whole = JSON.stringify(processDetailJson(dumpProcessView(detail, { ...o, messages: [] })), null, 2)
  const at = whole.indexOf(MESSAGES_SLOT)
  const want = Math.min(limit, detail.messagesTotal)
  let chunk = `${whole.slice(0, at)}\n  "messages": [`
  let n = 0
  let page = detail.messages.slice(0, want)
  while (page.length > 0) {
    for (const m of page) {
      chunk += `${n === 0 ? '' : ','}\n    ${JSON.stringify(dumpMessageText(m, o.syntax))}`
      n++
      if (chunk.length >= JSON_CHUNK_CHARS) {
        await write(chunk)
        chunk = ''
      }
    }
    if (n >= want) break
    page = (await dump.process(pid, { messageOffset: n, messageLimit: Math.min(MESSAGE_PAGE, want - n) }))
      .messages
  }
  await write(`${chunk}${n === 0 ? ']' : '\n  ]'}${whole.slice(at + MESSAGES_SLOT.length)}\n`)
}

const NO_CACHE_FLAG: FlagSpec = { name: 'no-cache', help: 'read the dump again instead of its cached index' }

/** Crash-dump subcommands (report, processes, process). */
export const dumpCommands: CliCommand[] = [
  {
    name: 'report',
    usage: 'report DUMP [--json] [--top N] [--no-cache]',
    flags: [JSON_FLAG, { name: 'top', value: 'N', help: 'rows per top list (default 10)' }, NO_CACHE_FLAG],
    summary: 'triage a crash dump: what happened, memory, counts, top processes',
    async run(args, io) {
      await withDump(args, io, async (dump) => {
        const s = await dump.summary('cli')
        if (args.flags.has('json')) io.out(JSON.stringify(reportJson(s), null, 2))
        else io.out(reportText(s, Math.max(1, Number(flagString(args, 'top')) || 10)))
      })
      return 0
    }
  },
  {
    name: 'processes',
    usage: `processes DUMP [--json] [--by ${Object.keys(SORT_KEYS).join('|')}] [--limit N] [--no-cache]`,
    flags: [
      JSON_FLAG,
      { name: 'by', value: 'KEY', help: 'sort by', choices: Object.keys(SORT_KEYS) },
      { name: 'limit', value: 'N', help: 'how many rows (default 30; all with --json)' },
      NO_CACHE_FLAG
    ],
    summary: "list a crash dump's processes (all of them with --json)",
    async run(args, io) {
      await withDump(args, io, (dump) => writeProcesses(dump, args, io))
      return 0
    }
  },
  {
    name: 'process',
    usage: 'process DUMP PID|NAME [--json] [--messages N] [--syntax erlang|elixir] [--no-cache]',
    flags: [
      JSON_FLAG,
      { name: 'messages', value: 'N', help: 'how many messages to decode, oldest first (default 20)' },
      {
        name: 'syntax',
        value: 'SYNTAX',
        help: 'print terms in Erlang or Elixir syntax',
        choices: ['erlang', 'elixir']
      },
      NO_CACHE_FLAG
    ],
    summary: 'one crash-dump process: info, decoded messages, dictionary and stack (huge terms folded)',
    async run(args, io) {
      await withDump(args, io, (dump) => writeProcess(dump, args, io))
      return 0
    }
  }
]

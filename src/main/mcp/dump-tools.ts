/** The crash-dump tools of `erlscope mcp`, over the app's DumpService (each dump indexed once). */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import { humanBytes } from '../../shared/format-bytes'
import { memoryCategories } from '../../shared/contract/node'
import { sectionKinds, type DumpProcessRow } from '../../shared/contract/dump'
import { atomsJson } from '../crashdump/atoms-json'
import { answer, ok } from './results'
import type { McpServices } from './services'

const PATH = z.string().min(1).describe('Path of the crash dump (gzip, Zstandard or xz compressed too)')
const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const

function rowJson(r: DumpProcessRow): Record<string, unknown> {
  return {
    pid: r.pid,
    name: r.name,
    spawnedAs: r.spawnedAs,
    label: r.label ?? null,
    state: r.state,
    currentFunction: r.currentFunction,
    messageQueueLength: r.messageQueueLength,
    reductions: r.reductions,
    memoryBytes: r.memoryBytes ?? r.memoryEstimateBytes,
    memoryEstimated: r.memoryBytes === null
  }
}

export function registerDumpTools(server: McpServer, s: McpServices): void {
  server.registerTool(
    'dump_report',
    {
      title: 'Crash dump report',
      description:
        'The triage of an Erlang crash dump: slogan explained, memory by category, counts, the largest processes and mailboxes, findings.',
      inputSchema: { path: PATH, top: z.number().int().min(1).max(50).default(10) },
      annotations: READ_ONLY
    },
    ({ path, top }) =>
      answer(async () => {
        const id = await s.dump(path)
        const d = await s.dumps.get(id).summary(id)
        return ok(
          `${d.header.nodeName ?? 'A node'} crashed: ${d.header.slogan}. Total ${humanBytes(d.memory.total)}, ${d.counts.processes} processes.${d.findings.length ? ` ${d.findings.join(' ')}` : ''}`,
          {
            path: d.path,
            sizeBytes: d.size,
            node: d.header.nodeName,
            created: d.header.created,
            slogan: d.header.slogan,
            systemVersion: d.header.systemVersion,
            explanation: d.explanation,
            truncated: d.truncated,
            warnings: d.warnings,
            memoryBytes: Object.fromEntries(memoryCategories.map((k) => [k, d.memory[k]])),
            counts: d.counts,
            processStates: d.processStates,
            processMemorySumBytes: d.processMemorySum,
            topByMemory: d.topByMemory.slice(0, top).map(rowJson),
            topByMailbox: d.topByMailbox.slice(0, top).map(rowJson),
            topEts: d.topEts.slice(0, top),
            atoms: atomsJson(d),
            initialCalls: d.initialCalls.slice(0, top),
            parents: d.parents.slice(0, top),
            groupReads: d.groupReads,
            binaryHolders: d.topByBinary.slice(0, top),
            findings: d.findings
          }
        )
      })
  )

  server.registerTool(
    'dump_processes',
    {
      title: 'Crash dump processes',
      description: 'The processes of a crash dump, sorted and paged (offset, limit), optionally filtered.',
      inputSchema: {
        path: PATH,
        sortBy: z
          .enum([
            'memory',
            'messageQueueLength',
            'reductions',
            'stackHeapWords',
            'pid',
            'name',
            'state',
            'currentFunction'
          ])
          .default('memory'),
        filter: z
          .string()
          .optional()
          .describe('Case-insensitive text in pid, name, spawned-as or current function'),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(200).default(30)
      },
      annotations: READ_ONLY
    },
    ({ path, sortBy, filter, offset, limit }) =>
      answer(async () => {
        const id = await s.dump(path)
        const descending =
          sortBy !== 'pid' && sortBy !== 'name' && sortBy !== 'state' && sortBy !== 'currentFunction'
        const p = await s.dumps.get(id).processes({
          sortBy,
          descending,
          offset,
          limit,
          ...(filter !== undefined ? { filter } : {})
        })
        return ok(
          `Rows ${p.offset + 1}..${p.offset + p.rows.length} of ${p.matched} (of ${p.total} processes) by ${sortBy}.`,
          {
            total: p.total,
            matched: p.matched,
            offset: p.offset,
            rows: p.rows.map(rowJson)
          }
        )
      })
  )

  server.registerTool(
    'dump_process',
    {
      title: 'Crash dump process',
      description:
        'One process of a crash dump: fields, links, stack, dictionary, its ETS tables and timers, and the first messages.',
      inputSchema: {
        path: PATH,
        pid: z.string().min(1).describe('The pid as written in the dump, <0.65.0>'),
        messages: z.number().int().min(0).max(50).default(10).describe('How many messages to decode')
      },
      annotations: READ_ONLY
    },
    ({ path, pid, messages }) =>
      answer(async () => {
        const id = await s.dump(path)
        const d = await s.dumps.get(id).process(pid, { messageLimit: messages })
        return ok(
          `${d.row.pid}${d.row.name ? ` (${d.row.name})` : ''}: ${humanBytes(d.row.memoryBytes ?? d.row.memoryEstimateBytes)}, ${d.messagesTotal} message(s), ${d.row.state ?? '?'}.`,
          { ...rowJson(d.row), ...d, row: undefined }
        )
      })
  )

  server.registerTool(
    'dump_section',
    {
      title: 'Crash dump section',
      description: `One kind of section of a crash dump as a table (${sectionKinds.join(', ')}); long tables are paged.`,
      inputSchema: {
        path: PATH,
        kind: z.enum(sectionKinds),
        filter: z.string().optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100)
      },
      annotations: READ_ONLY
    },
    ({ path, kind, filter, offset, limit }) =>
      answer(async () => {
        const id = await s.dump(path)
        const sec = await s.dumps
          .get(id)
          .section(kind, { offset, limit, ...(filter !== undefined ? { filter } : {}) })
        return ok(`The ${kind} section of ${path}.`, { ...sec })
      })
  )
}

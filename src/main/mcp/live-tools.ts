/** The read-only live-node tools of `erlscope mcp`: each a thin layer over the app's node handlers. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import { humanBytes } from '../../shared/format-bytes'
import type { ProcessDetail, ProcessRow } from '../../shared/contract/node'
import { memoryCategories, processGrowthOf } from '../../shared/contract/node'
import { shortHostname } from '../erldist/node-name'
import { answer, ok } from './results'
import type { McpServices } from './services'

/** Messages a tool call may copy out of a mailbox. */
export const MAX_MCP_MESSAGES = 50
const READ_ONLY = { readOnlyHint: true, openWorldHint: true } as const

const NODE = z
  .string()
  .min(1)
  .describe('The node as name@host (a bare name means this machine), or the name of a saved connection')

function rowJson(r: ProcessRow): Record<string, unknown> {
  return {
    pid: r.pid,
    label: r.label,
    registeredName: r.registeredName,
    initialCall: r.initialCall,
    currentFunction: r.currentFunction,
    memoryBytes: r.memory,
    messageQueueLength: r.messageQueueLength,
    reductions: r.reductions,
    totalHeapBytes: r.totalHeapSize,
    binaryBytes: r.binaryMemory,
    rankedValue: r.sortValue
  }
}

function detailJson(d: ProcessDetail): Record<string, unknown> {
  return {
    pid: d.pid,
    registeredName: d.registeredName,
    initialCall: d.initialCall,
    currentFunction: d.currentFunction,
    status: d.status,
    memoryBytes: d.memory,
    messageQueueLength: d.messageQueueLength,
    reductions: d.reductions,
    heapBytes: d.heapSize,
    stackBytes: d.stackSize,
    totalHeapBytes: d.totalHeapSize,
    binaryBytes: d.binaryMemory,
    binaryCount: d.binaryCount,
    garbageCollection: d.garbageCollection,
    trapExit: d.trapExit,
    priority: d.priority,
    groupLeader: d.groupLeader,
    links: d.links,
    monitors: d.monitors,
    monitoredBy: d.monitoredBy,
    stack: d.currentStacktrace,
    dictionary: d.dictionary,
    dictionarySize: d.dictionarySize
  }
}

/** A ranked query as the node handlers take it. */
interface RankedQuery<K extends string> {
  sortBy: K
  limit: number
  windowMs?: number
}

/** A category tool that ranks rows on the node by one of `keys`, optionally over a growth window. */
interface RankedTool<K extends string, P extends { rows: unknown[] }> {
  name: string
  title: string
  description: string
  keys: readonly [K, ...K[]]
  defaultBy: K
  read: (s: McpServices, sessionId: string, query: RankedQuery<K>) => Promise<P>
  summary: (page: P, node: string, by: K) => string
  /** The page's own fields in the answer, besides node, by and rows. */
  fields: (page: P) => Record<string, unknown>
}

function rankedTool<K extends string, P extends { rows: unknown[] }>(
  t: RankedTool<K, P>
): (server: McpServer, s: McpServices) => void {
  return (server, s) =>
    server.registerTool(
      t.name,
      {
        title: t.title,
        description: t.description,
        inputSchema: {
          node: NODE,
          by: z.enum(t.keys).default(t.defaultBy),
          limit: z.number().int().min(1).max(100).default(20),
          windowMs: z.number().int().min(100).max(60_000).optional()
        },
        annotations: READ_ONLY
      },
      ({ node, by, limit, windowMs }) =>
        answer(async () => {
          const info = await s.session(node)
          const page = await t.read(s, info.sessionId, {
            sortBy: by,
            limit,
            ...(windowMs !== undefined ? { windowMs } : {})
          })
          return ok(t.summary(page, info.node, by), {
            node: info.node,
            by,
            ...t.fields(page),
            rows: page.rows
          })
        })
    )
}

const RANKED_TOOLS = [
  rankedTool({
    name: 'ets_tables',
    title: 'ETS tables',
    description: 'The largest ETS tables of a live node (by memory, objects, or growth over a window).',
    keys: ['memory', 'size', 'growth'],
    defaultBy: 'memory',
    read: (s, id, q) => s.handlers['node:ets'](id, q),
    summary: (p, node, by) =>
      `${p.tableCount} ETS tables on ${node} hold ${humanBytes(p.tablesBytes)}; ${p.rows.length} shown by ${by}.`,
    fields: (p) => ({ tableCount: p.tableCount, tablesBytes: p.tablesBytes, memoryEtsBytes: p.memoryEts })
  }),
  rankedTool({
    name: 'ports',
    title: 'Ports',
    description: 'Ports and sockets of a live node (by driver queue, memory, bytes in/out, or queue growth).',
    keys: ['queue', 'memory', 'input', 'output', 'growth'],
    defaultBy: 'memory',
    read: (s, id, q) => s.handlers['node:ports'](id, q),
    summary: (p, node, by) =>
      `${p.portCount} ports and ${p.socketCount} sockets on ${node}; ${p.rows.length} shown by ${by}.`,
    fields: (p) => ({ portCount: p.portCount, socketCount: p.socketCount })
  })
]

export function registerLiveTools(server: McpServer, s: McpServices): void {
  server.registerTool(
    'list_nodes',
    {
      title: 'List nodes',
      description:
        "Erlang nodes registered in EPMD on a host (default this machine) and the app's saved connections (never their cookies).",
      inputSchema: { host: z.string().optional().describe('Host whose EPMD to ask (default this machine)') },
      annotations: READ_ONLY
    },
    ({ host }) =>
      answer(async () => {
        const [epmd, saved] = await Promise.all([
          s.handlers['epmd:names'](host).catch((error: unknown) => error),
          s.savedConnections()
        ])
        const nodes = Array.isArray(epmd) ? epmd : []
        const epmdError = epmd instanceof Error ? epmd.message : undefined
        const savedConnections = saved.map((c) => ({
          name: c.name,
          node: c.node,
          hasCookie: c.hasCookie,
          routed: c.route !== undefined
        }))
        return ok(
          `${nodes.length} node(s) in EPMD on ${host ?? shortHostname()}${epmdError ? ` (EPMD: ${epmdError})` : ''}; ${saved.length} saved connection(s).`,
          {
            host: host ?? shortHostname(),
            epmdNodes: nodes,
            ...(epmdError ? { epmdError } : {}),
            savedConnections
          }
        )
      })
  )

  server.registerTool(
    'node_memory',
    {
      title: 'Node memory',
      description:
        "A node's erlang:memory() in bytes, plus the samples erlscope took since this server first connected to it (one every 2 s).",
      inputSchema: {
        node: NODE,
        historyPoints: z
          .number()
          .int()
          .min(0)
          .max(500)
          .optional()
          .describe('How many history points to return, evenly spread (default 60)')
      },
      annotations: READ_ONLY
    },
    ({ node, historyPoints }) =>
      answer(async () => {
        const info = await s.session(node)
        let history = await s.handlers['node:memory-history'](info.sessionId, undefined, historyPoints ?? 60)
        for (let i = 0; history.length === 0 && i < 100; i++) {
          await new Promise((r) => setTimeout(r, 100))
          history = await s.handlers['node:memory-history'](info.sessionId, undefined, historyPoints ?? 60)
        }
        const last = history.at(-1)
        if (!last) throw new Error('no memory sample arrived from the node')
        const memoryBytes = Object.fromEntries(memoryCategories.map((k) => [k, last.values[k]]))
        const first = history[0]
        const growthBytes = Object.fromEntries(
          memoryCategories.map((k) => [k, last.values[k] - first.values[k]])
        )
        return ok(
          `${info.node}: total ${humanBytes(last.values.total)}, processes ${humanBytes(last.values.processes)}, binary ${humanBytes(last.values.binary)}, ets ${humanBytes(last.values.ets)}; ${history.length} sample(s) over ${Math.round((last.t - first.t) / 1000)} s.`,
          {
            node: info.node,
            takenAt: last.t,
            memoryBytes,
            historySpanMs: last.t - first.t,
            growthBytes,
            history:
              (historyPoints ?? 60) === 0 ? [] : history.map((h) => ({ t: h.t, totalBytes: h.values.total }))
          }
        )
      })
  )

  server.registerTool(
    'top_processes',
    {
      title: 'Top processes',
      description:
        'The top processes of a live node, ranked on the node: by memory, mailbox length, reductions, total heap, binary memory, or growth of one of them over a window.',
      inputSchema: {
        node: NODE,
        by: z
          .enum(['memory', 'message_queue_len', 'reductions', 'total_heap_size', 'binary_memory', 'growth'])
          .default('memory'),
        growthOf: z
          .enum(processGrowthOf)
          .optional()
          .describe(
            'For by=growth: what grows (default memory); memory, total_heap_size, heap_size and stack_size growth are in bytes'
          ),
        windowMs: z
          .number()
          .int()
          .min(100)
          .max(60_000)
          .optional()
          .describe('For by=growth: the window between the two samples, ms (default 2000)'),
        filter: z
          .string()
          .optional()
          .describe('Only pids, names, initial calls or functions containing this'),
        limit: z.number().int().min(1).max(100).default(20)
      },
      annotations: READ_ONLY
    },
    ({ node, by, growthOf, windowMs, filter, limit }) =>
      answer(async () => {
        const info = await s.session(node)
        const page = await s.handlers['node:processes'](info.sessionId, {
          sortBy: by,
          limit,
          offset: 0,
          ...(filter !== undefined ? { filter } : {}),
          ...(by === 'growth'
            ? { growthOf: growthOf ?? 'memory', ...(windowMs !== undefined ? { windowMs } : {}) }
            : {})
        })
        const top = page.rows[0]
        return ok(
          `${page.rows.length} of ${page.processCount} processes on ${info.node} by ${by}${by === 'growth' ? ` of ${growthOf ?? 'memory'} over ${page.windowMs} ms` : ''}${top ? `; first ${top.pid} (${top.label}) at ${top.sortValue}` : ''}.`,
          {
            node: info.node,
            by,
            ...(by === 'growth' ? { growthOf: growthOf ?? 'memory', windowMs: page.windowMs } : {}),
            processCount: page.processCount,
            matching: page.total,
            takenAt: page.takenAt,
            rows: page.rows.map(rowJson)
          }
        )
      })
  )

  server.registerTool(
    'process',
    {
      title: 'One process',
      description:
        'One live process: info, stack, dictionary. Messages only when `messages` is given (at most 50; a mailbox over 1,000 messages is not copied unless `confirmLargeMailbox`, since the copy costs the node memory).',
      inputSchema: {
        node: NODE,
        pid: z.string().min(1).describe('The pid as <0.123.0>'),
        messages: z
          .number()
          .int()
          .min(1)
          .max(MAX_MCP_MESSAGES)
          .optional()
          .describe('Copy the first N messages of the mailbox'),
        confirmLargeMailbox: z.boolean().optional()
      },
      annotations: READ_ONLY
    },
    ({ node, pid, messages, confirmLargeMailbox }) =>
      answer(async () => {
        const info = await s.session(node)
        const d = await s.handlers['node:process'](info.sessionId, pid)
        const m =
          messages === undefined
            ? undefined
            : await s.handlers['node:messages'](info.sessionId, pid, {
                limit: messages,
                ...(confirmLargeMailbox ? { confirm: true } : {})
              })
        return ok(
          `${d.pid}${d.registeredName ? ` (${d.registeredName})` : ''} on ${info.node}: ${humanBytes(d.memory)}, ${d.messageQueueLength} message(s) queued, ${d.status} in ${d.currentFunction ?? '?'}.`,
          {
            node: info.node,
            ...detailJson(d),
            ...(m
              ? {
                  messages: m.messages.map((x) => ({
                    text: x.text,
                    sizeBytes: x.bytes,
                    truncated: x.truncated
                  })),
                  messagesPartial: m.partial
                }
              : {})
          }
        )
      })
  )

  server.registerTool(
    'allocators',
    {
      title: 'Allocators',
      description:
        'Memory allocators of a live node: allocated vs used per allocator, fragmentation, mseg cache.',
      inputSchema: { node: NODE },
      annotations: READ_ONLY
    },
    ({ node }) =>
      answer(async () => {
        const info = await s.session(node)
        const r = await s.handlers['node:allocators'](info.sessionId)
        return ok(
          `${info.node}: alloc_util holds ${humanBytes(r.allocated)}, ${humanBytes(r.used)} used (${(r.usage * 100).toFixed(1)}%).`,
          {
            node: info.node,
            allocatedBytes: r.allocated,
            usedBytes: r.used,
            usage: r.usage,
            memoryTotalBytes: r.memoryTotal,
            byAllocator: r.byAllocator.map((a) => ({
              allocator: a.allocator,
              instances: a.instances,
              allocatedBytes: a.allocated,
              usedBytes: a.used,
              usage: a.usage
            })),
            mostFragmented: r.instances.slice(0, 10).map((i) => ({
              allocator: i.allocator,
              instance: i.instance,
              mbcsBlocksBytes: i.mbcs.blocksSize.current,
              mbcsCarriersBytes: i.mbcs.carriersSize.current,
              mbcsUsage: i.mbcs.usage,
              sbcsBlocksBytes: i.sbcs.blocksSize.current,
              sbcsCarriersBytes: i.sbcs.carriersSize.current,
              sbcsUsage: i.sbcs.usage
            }))
          }
        )
      })
  )

  for (const register of RANKED_TOOLS) register(server, s)

  server.registerTool(
    'cluster_overview',
    {
      title: 'Cluster overview',
      description:
        'Every node connected to this one (nodes()), each with its memory, process count and memory growth per second: the worst first.',
      inputSchema: { node: NODE },
      annotations: READ_ONLY
    },
    ({ node }) =>
      answer(async () => {
        const info = await s.session(node)
        const c = await s.handlers['cluster:watch'](info.sessionId, {})
        const down = c.members.filter((m) => m.state === 'down').length
        return ok(`${c.members.length} member(s) seen through ${c.entry}${down ? `, ${down} down` : ''}.`, {
          entry: c.entry,
          takenAt: c.takenAt,
          members: c.members.map((m) => ({
            node: m.node,
            visibility: m.visibility,
            state: m.state,
            ...(m.error ? { error: m.error } : {}),
            otpRelease: m.otpRelease,
            uptimeMs: m.uptimeMs,
            processCount: m.processCount,
            memoryBytes: m.memory,
            growthBytesPerSecond: m.growthPerSecond
          }))
        })
      })
  )
}

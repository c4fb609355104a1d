import { AppError } from '../app-error'
import { humanBytes } from '../../shared/format-bytes'
import * as C from '../node/collectors'
import { defaultConnector } from '../node/dist-adapter'
import type { Connector, LiveClient } from '../node/live-client'
import type { ProcessRow, ProcessSortKey } from '../../shared/contract/node'
import { terminalText } from './terminal-text'
import { flagString, type CliCommand, type CliIo, type ParsedArgs } from './command'
import { nodeArg, resolveCookie, resolveThrough, resolveTimeout } from './node-cookie'

/** Connects through `connect` (and through `--through ENTRY` when given), runs `run`, always closes. */
export async function withClient<T>(
  connect: Connector,
  args: ParsedArgs,
  io: CliIo,
  usage: string,
  run: (c: LiveClient) => Promise<T>
): Promise<T> {
  const node = nodeArg(args, usage)
  const through = resolveThrough(args)
  const client = await connect({
    node,
    // the cookie goes to the node we dial: the entry node when there is one
    cookie: resolveCookie(args, io, through ?? node),
    timeoutMs: resolveTimeout(args, 10_000),
    ...(through !== undefined ? { through } : {})
  })
  try {
    return await run(client)
  } finally {
    await client.close().catch(() => undefined)
  }
}

const bytes = humanBytes
const pct = (r: number): string => `${(r * 100).toFixed(1)}%`

/** A plain-text table; `right` holds the indexes of right-aligned columns. */
/** A text table; every cell is escaped (terminal-text.ts) before it is measured and padded. */
export function table(header: string[], cells: string[][], right: Set<number>): string {
  const rows = cells.map((r) => r.map((c) => terminalText(c)))
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

const TOP_KEYS: readonly ProcessSortKey[] = [
  'memory',
  'message_queue_len',
  'reductions',
  'total_heap_size',
  'binary_memory'
]

function topJson(r: ProcessRow): Record<string, unknown> {
  return {
    pid: r.pid,
    registeredName: r.registeredName,
    memory: r.memory,
    messageQueueLength: r.messageQueueLength,
    reductions: r.reductions,
    currentFunction: r.currentFunction,
    initialCall: r.initialCall
  }
}

/** Builds the commands over a connector (tests pass their own). */
export function makeLiveCommands(connect: Connector): CliCommand[] {
  const top: CliCommand = {
    name: 'top',
    usage: 'top NODE [--by memory|message_queue_len|reductions] [--limit N] [--through ENTRY] [--json]',
    summary: 'the top processes of a live node, ranked on the node',
    async run(args, io) {
      const by = (flagString(args, 'by') ?? 'memory') as ProcessSortKey
      if (!TOP_KEYS.includes(by))
        throw new AppError('invalid_request', `--by must be one of ${TOP_KEYS.join(', ')}.`)
      const limit = Number(flagString(args, 'limit') ?? 20)
      if (!Number.isInteger(limit) || limit < 1 || limit > C.LIMITS.maxPageRows)
        throw new AppError(
          'invalid_request',
          `--limit must be a whole number from 1 to ${C.LIMITS.maxPageRows}.`
        )
      const page = await withClient(connect, args, io, this.usage, (c) =>
        C.processes(c, { sortBy: by, limit, offset: 0 })
      )
      if (args.flags.has('json')) {
        io.out(JSON.stringify({ by, processCount: page.processCount, rows: page.rows.map(topJson) }, null, 2))
        return 0
      }
      io.out(
        table(
          ['PID', 'NAME / INITIAL CALL', 'MEMORY', 'MSGQ', 'REDUCTIONS', 'CURRENT FUNCTION'],
          page.rows.map((r) => [
            r.pid,
            r.registeredName ?? r.initialCall ?? '',
            bytes(r.memory),
            String(r.messageQueueLength),
            String(r.reductions),
            r.currentFunction ?? ''
          ]),
          new Set([2, 3, 4])
        )
      )
      io.out(`${page.rows.length} of ${page.processCount} processes, by ${by}`)
      return 0
    }
  }

  const allocators: CliCommand = {
    name: 'allocators',
    usage: 'allocators NODE [--through ENTRY] [--json]',
    summary: 'memory allocators of a live node: usage, fragmentation, mseg cache (recon_alloc)',
    async run(args, io) {
      const rep = await withClient(connect, args, io, this.usage, (c) => C.allocators(c))
      if (args.flags.has('json')) {
        io.out(JSON.stringify(rep, null, 2))
        return 0
      }
      io.out(
        `Allocated by alloc_util: ${bytes(rep.allocated)} (used ${bytes(rep.used)}, ${pct(rep.usage)}); erlang:memory(total): ${bytes(rep.memoryTotal)}`
      )
      io.out('')
      io.out(
        table(
          ['ALLOCATOR', 'INSTANCES', 'ALLOCATED', 'USED', 'USAGE'],
          rep.byAllocator.map((a) => [
            a.allocator,
            String(a.instances),
            bytes(a.allocated),
            bytes(a.used),
            pct(a.usage)
          ]),
          new Set([1, 2, 3, 4])
        )
      )
      io.out('')
      io.out('Most fragmented (recon_alloc:fragmentation(current)):')
      io.out(
        table(
          [
            'ALLOCATOR',
            'MBCS BLOCKS',
            'MBCS CARRIERS',
            'MBCS USAGE',
            'SBCS BLOCKS',
            'SBCS CARRIERS',
            'SBCS USAGE'
          ],
          rep.instances
            .slice(0, 10)
            .map((i) => [
              `${i.allocator}[${i.instance}]`,
              bytes(i.mbcs.blocksSize.current),
              bytes(i.mbcs.carriersSize.current),
              pct(i.mbcs.usage),
              bytes(i.sbcs.blocksSize.current),
              bytes(i.sbcs.carriersSize.current),
              pct(i.sbcs.usage)
            ]),
          new Set([1, 2, 3, 4, 5, 6])
        )
      )
      if (rep.msegCache.length) {
        io.out('')
        io.out(
          table(
            ['MSEG INSTANCE', 'HITS', 'CALLS', 'HIT RATE'],
            rep.msegCache.map((m) => [String(m.instance), String(m.hits), String(m.calls), pct(m.hitRate)]),
            new Set([1, 2, 3])
          )
        )
      }
      return 0
    }
  }
  return [top, allocators]
}

/** Live-node collector subcommands (top, allocators). */
export const liveCommands: CliCommand[] = makeLiveCommands(defaultConnector)

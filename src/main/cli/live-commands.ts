import { AppError } from '../app-error'
import { humanBytes } from '../../shared/format-bytes'
import * as C from '../node/collectors'
import { defaultConnector } from '../node/dist-adapter'
import type { Connector, LiveClient } from '../node/live-client'
import type { ProcessGrowthOf, ProcessRow, ProcessSortKey } from '../../shared/contract/node'
import { growthInBytes, processGrowthOf } from '../../shared/contract/node'
import { terminalText } from './terminal-text'
import { flagString, type CliCommand, type CliIo, type ParsedArgs } from './command'
import { JSON_FLAG, LIMIT_FLAG, NODE_FLAGS, type FlagSpec } from './flags'
import { nodeArg, resolveCookie, resolveThrough, resolveTimeout } from './node-cookie'
import { cliAsker, routeFromArgs } from './route-flags'

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
    ...(through !== undefined ? { through } : {}),
    route: routeFromArgs(args),
    asker: cliAsker()
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
  'binary_memory',
  'growth'
]
type GrowthOf = ProcessGrowthOf

const TOP_FLAGS: readonly FlagSpec[] = [
  ...NODE_FLAGS,
  { name: 'by', value: 'KEY', help: 'rank by (default memory)', choices: TOP_KEYS },
  {
    name: 'filter',
    value: 'TEXT',
    help: 'only processes whose pid, registered name, initial call or current function contains TEXT'
  },
  {
    name: 'growth-of',
    value: 'KEY',
    help: 'for --by growth: what grows (default memory; heaps and stack in bytes)',
    choices: processGrowthOf
  },
  {
    name: 'window-ms',
    value: 'MS',
    help: `for --by growth: the window, in ms (default ${C.LIMITS.defaultWindowMs}, at most ${C.LIMITS.maxWindowMs})`
  },
  LIMIT_FLAG(C.LIMITS.maxPageRows, 20),
  JSON_FLAG
]

/** The ranked value of a row in words: bytes for sizes (heap too), a signed delta for growth. */
function rankedText(r: ProcessRow, by: ProcessSortKey, growthOf: GrowthOf): string {
  const v = r.sortValue
  const sign = v > 0 ? '+' : v < 0 ? '-' : ''
  if (by === 'growth')
    return growthInBytes(growthOf)
      ? `${sign}${bytes(Math.abs(v))}`
      : `${sign}${Math.abs(v).toLocaleString('en-US')}`
  if (by === 'memory' || by === 'total_heap_size' || by === 'binary_memory') return bytes(v)
  return v.toLocaleString('en-US')
}

const RANKED_HEADER: Record<ProcessSortKey, string> = {
  memory: 'MEMORY',
  message_queue_len: 'MSGQ',
  reductions: 'REDUCTIONS',
  total_heap_size: 'TOTAL HEAP',
  binary_memory: 'BINARY',
  growth: 'GROWTH'
}

function topJson(r: ProcessRow): Record<string, unknown> {
  return {
    pid: r.pid,
    registeredName: r.registeredName,
    memory: r.memory,
    messageQueueLength: r.messageQueueLength,
    reductions: r.reductions,
    totalHeapSize: r.totalHeapSize,
    binaryMemory: r.binaryMemory,
    currentFunction: r.currentFunction,
    initialCall: r.initialCall,
    rankedValue: r.sortValue
  }
}

/** Builds the commands over a connector (tests pass their own). */
export function makeLiveCommands(connect: Connector): CliCommand[] {
  const top: CliCommand = {
    name: 'top',
    usage: `top NODE [--by ${TOP_KEYS.join('|')}] [--filter TEXT] [--growth-of KEY] [--window-ms MS] [--limit N] [--through ENTRY] [--json]`,
    summary:
      'the top processes of a live node, ranked on the node (the ranked value in the first figure column)',
    flags: TOP_FLAGS,
    async run(args, io) {
      const by = (flagString(args, 'by') ?? 'memory') as ProcessSortKey
      const growthOf = (flagString(args, 'growth-of') ?? 'memory') as GrowthOf
      const limit = Number(flagString(args, 'limit') ?? 20)
      if (!Number.isInteger(limit) || limit < 1 || limit > C.LIMITS.maxPageRows)
        throw new AppError(
          'invalid_request',
          `--limit must be a whole number from 1 to ${C.LIMITS.maxPageRows}.`
        )
      const windowText = flagString(args, 'window-ms')
      const windowMs = windowText === undefined ? undefined : Number(windowText)
      if (by !== 'growth' && (windowText !== undefined || args.flags.has('growth-of')))
        throw new AppError('invalid_request', '--window-ms and --growth-of go with --by growth.')
      const filter = flagString(args, 'filter')
      const page = await withClient(connect, args, io, this.usage, (c) =>
        C.processes(c, {
          sortBy: by,
          limit,
          offset: 0,
          ...(filter !== undefined ? { filter } : {}),
          ...(by === 'growth' ? { growthOf, ...(windowMs !== undefined ? { windowMs } : {}) } : {})
        })
      )
      const what = by === 'growth' ? `growth of ${growthOf} over ${page.windowMs} ms` : by
      if (args.flags.has('json')) {
        io.out(
          JSON.stringify(
            {
              by,
              ...(by === 'growth' ? { growthOf, windowMs: page.windowMs } : {}),
              ...(filter !== undefined ? { filter, matching: page.total } : {}),
              processCount: page.processCount,
              rows: page.rows.map(topJson)
            },
            null,
            2
          )
        )
        return 0
      }
      const shown = by === 'memory' || by === 'message_queue_len' || by === 'reductions'
      const header = ['PID', 'NAME / INITIAL CALL', 'MEMORY', 'MSGQ', 'REDUCTIONS', 'CURRENT FUNCTION']
      const cells = (r: ProcessRow): string[] => [
        r.pid,
        r.registeredName ?? r.initialCall ?? '',
        bytes(r.memory),
        r.messageQueueLength.toLocaleString('en-US'),
        r.reductions.toLocaleString('en-US'),
        r.currentFunction ?? ''
      ]
      io.out(
        shown
          ? table(header, page.rows.map(cells), new Set([2, 3, 4]))
          : table(
              [header[0], header[1], RANKED_HEADER[by], ...header.slice(2)],
              page.rows.map((r) => {
                const c = cells(r)
                return [c[0], c[1], rankedText(r, by, growthOf), ...c.slice(2)]
              }),
              new Set([2, 3, 4, 5])
            )
      )
      io.out(
        `${page.rows.length} of ${filter !== undefined ? `${page.total} matching '${filter}' of ` : ''}${page.processCount} processes, by ${what}`
      )
      return 0
    }
  }

  const allocators: CliCommand = {
    name: 'allocators',
    usage: 'allocators NODE [--through ENTRY] [--json]',
    flags: [...NODE_FLAGS, JSON_FLAG],
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

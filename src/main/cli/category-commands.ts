import { AppError } from '../app-error'
import { humanBytes } from '../../shared/format-bytes'
import type { EtsSortKey, PortSortKey } from '../../shared/contract/categories'
import * as G from '../node/collectors-categories'
import { ownerText } from '../node/convert-categories'
import { defaultConnector } from '../node/dist-adapter'
import type { Connector } from '../node/live-client'
import { flagString, type CliCommand, type ParsedArgs } from './command'
import { table, withClient } from './live-commands'
import { JSON_FLAG, LIMIT_FLAG, NODE_FLAGS, WINDOW_FLAG } from './flags'

const bytes = humanBytes

function limitOf(args: ParsedArgs, fallback: number): number {
  const limit = Number(flagString(args, 'limit') ?? fallback)
  if (!Number.isInteger(limit) || limit < 1 || limit > G.CATEGORY_LIMITS.maxRows)
    throw new AppError(
      'invalid_request',
      `--limit must be a whole number from 1 to ${G.CATEGORY_LIMITS.maxRows}.`
    )
  return limit
}

function windowOf(args: ParsedArgs): number | undefined {
  const w = flagString(args, 'window-ms')
  return w === undefined ? undefined : Number(w)
}

function oneOf<T extends string>(args: ParsedArgs, keys: readonly T[], fallback: T): T {
  const by = flagString(args, 'by') ?? fallback
  if (!(keys as readonly string[]).includes(by))
    throw new AppError('invalid_request', `--by must be one of ${keys.join(', ')}.`)
  return by as T
}

const json = (v: unknown): string => JSON.stringify(v, null, 2)

/** ets, ports, bin-leak, atoms, churn: one command per memory category's view. */
export function makeCategoryCommands(connect: Connector): CliCommand[] {
  const ets: CliCommand = {
    name: 'ets',
    usage: 'ets NODE [--by memory|size|growth] [--window-ms N] [--limit N] [--json]',
    flags: [
      ...NODE_FLAGS,
      { name: 'by', value: 'KEY', help: 'rank by', choices: ['memory', 'size', 'growth'] },
      WINDOW_FLAG,
      LIMIT_FLAG(G.CATEGORY_LIMITS.maxRows, 20),
      JSON_FLAG
    ],
    summary: 'ETS tables of a live node by memory (bytes), objects or growth, with owners',
    async run(args, io) {
      const sortBy = oneOf<EtsSortKey>(args, ['memory', 'size', 'growth'], 'memory')
      const page = await withClient(connect, args, io, this.usage, (c) =>
        G.ets(c, { sortBy, limit: limitOf(args, 20), windowMs: windowOf(args) })
      )
      if (args.flags.has('json')) {
        io.out(
          json({
            by: sortBy,
            tableCount: page.tableCount,
            tablesBytes: page.tablesBytes,
            memoryEts: page.memoryEts,
            rows: page.rows.map((r) => ({
              name: r.name,
              id: r.id,
              owner: r.owner?.pid ?? null,
              ownerName: r.owner?.registeredName ?? r.owner?.label ?? null,
              type: r.type,
              protection: r.protection,
              size: r.size,
              memoryBytes: r.memoryBytes,
              growthBytes: r.growthBytes
            }))
          })
        )
        return 0
      }
      io.out(
        table(
          [
            'TABLE',
            'OWNER',
            'TYPE',
            'PROTECTION',
            'OBJECTS',
            'MEMORY',
            ...(sortBy === 'growth' ? ['GROWTH'] : [])
          ],
          page.rows.map((r) => [
            r.name,
            ownerText(r.owner),
            r.type,
            r.protection,
            String(r.size),
            bytes(r.memoryBytes),
            ...(sortBy === 'growth' ? [bytes(r.growthBytes)] : [])
          ]),
          new Set([4, 5, 6])
        )
      )
      io.out(
        `${page.rows.length} of ${page.tableCount} tables by ${sortBy}; all tables ${bytes(page.tablesBytes)} of erlang:memory(ets) ${bytes(page.memoryEts)}`
      )
      return 0
    }
  }

  const ports: CliCommand = {
    name: 'ports',
    usage: 'ports NODE [--by queue|memory|input|output|growth] [--window-ms N] [--limit N] [--json]',
    flags: [
      ...NODE_FLAGS,
      {
        name: 'by',
        value: 'KEY',
        help: 'rank by',
        choices: ['queue', 'memory', 'input', 'output', 'growth']
      },
      WINDOW_FLAG,
      LIMIT_FLAG(G.CATEGORY_LIMITS.maxRows, 20),
      JSON_FLAG
    ],
    summary: 'ports and sockets of a live node by queue, memory, traffic or queue growth',
    async run(args, io) {
      const sortBy = oneOf<PortSortKey>(args, ['queue', 'memory', 'input', 'output', 'growth'], 'queue')
      const page = await withClient(connect, args, io, this.usage, (c) =>
        G.ports(c, { sortBy, limit: limitOf(args, 20), windowMs: windowOf(args) })
      )
      if (args.flags.has('json')) {
        io.out(
          json({
            by: sortBy,
            portCount: page.portCount,
            socketCount: page.socketCount,
            rows: page.rows.map((r) => ({
              port: r.port,
              kind: r.kind,
              detail: r.detail,
              owner: r.owner?.pid ?? null,
              ownerName: r.owner?.registeredName ?? r.owner?.label ?? null,
              queueBytes: r.queueBytes,
              memoryBytes: r.memoryBytes,
              input: r.input,
              output: r.output,
              peer: r.peer,
              local: r.local,
              sendPending: r.sendPending,
              growthBytes: r.growthBytes
            }))
          })
        )
        return 0
      }
      io.out(
        table(
          ['PORT', 'KIND', 'OWNER', 'QUEUE', 'SEND_PEND', 'MEMORY', 'INPUT', 'OUTPUT', 'PEER'],
          page.rows.map((r) => [
            r.port,
            r.detail ? `${r.kind} ${r.detail}` : r.kind,
            ownerText(r.owner),
            bytes(r.queueBytes),
            r.sendPending === null ? '' : bytes(r.sendPending),
            bytes(r.memoryBytes),
            bytes(r.input),
            bytes(r.output),
            r.peer ?? ''
          ]),
          new Set([3, 4, 5, 6, 7])
        )
      )
      io.out(
        `${page.rows.length} of ${page.portCount} ports and ${page.socketCount} NIF sockets, by ${sortBy}`
      )
      return 0
    }
  }

  const binLeak: CliCommand = {
    name: 'bin-leak',
    usage: 'bin-leak NODE --yes [--limit N] [--max-processes N] [--max-ms N] [--json]',
    flags: [
      ...NODE_FLAGS,
      { name: 'yes', help: 'go ahead (it garbage-collects every process)' },
      LIMIT_FLAG(G.CATEGORY_LIMITS.maxRows, 20),
      { name: 'max-processes', value: 'N', help: 'stop after N processes' },
      { name: 'max-ms', value: 'MS', help: 'stop after MS milliseconds' },
      JSON_FLAG
    ],
    summary: 'garbage-collect every process and rank by refc binary bytes freed (recon bin_leak)',
    async run(args, io) {
      if (!args.flags.has('yes')) {
        io.err(`${G.BIN_LEAK_EXPLAINED}\n\nRun again with --yes to go ahead.`)
        return 2
      }
      const numFlag = (k: string): number | undefined => {
        const v = flagString(args, k)
        return v === undefined ? undefined : Number(v)
      }
      const r = await withClient(connect, args, io, this.usage, (c) =>
        G.binLeak(c, {
          confirm: true,
          limit: limitOf(args, 20),
          maxProcesses: numFlag('max-processes'),
          maxMs: numFlag('max-ms')
        })
      )
      if (args.flags.has('json')) {
        io.out(
          json({
            scanned: r.scanned,
            processCount: r.processCount,
            stoppedEarly: r.stoppedEarly,
            freedBytes: r.freedBytes,
            memoryBinaryBefore: r.memoryBinaryBefore,
            memoryBinaryAfter: r.memoryBinaryAfter,
            rows: r.rows
          })
        )
        return 0
      }
      io.out(
        table(
          ['PID', 'NAME / INITIAL CALL', 'BEFORE', 'AFTER', 'FREED'],
          r.rows.map((x) => [
            x.pid,
            x.registeredName ?? x.label ?? x.initialCall ?? '',
            bytes(x.beforeBytes),
            bytes(x.afterBytes),
            bytes(x.freedBytes)
          ]),
          new Set([2, 3, 4])
        )
      )
      io.out(
        `Collected ${r.scanned} of ${r.processCount} processes${r.stoppedEarly ? ' (stopped at the cap)' : ''}; freed ${bytes(r.freedBytes)}; erlang:memory(binary) ${bytes(r.memoryBinaryBefore)} -> ${bytes(r.memoryBinaryAfter)}`
      )
      return 0
    }
  }

  const atoms: CliCommand = {
    name: 'atoms',
    usage: 'atoms NODE [--limit N] [--json]',
    flags: [...NODE_FLAGS, LIMIT_FLAG(G.CATEGORY_LIMITS.maxRows, 20), JSON_FLAG],
    summary: 'atom count against the limit, atom and code memory, largest modules and old code',
    async run(args, io) {
      const r = await withClient(connect, args, io, this.usage, (c) => G.atomsAndCode(c, limitOf(args, 20)))
      if (args.flags.has('json')) {
        io.out(json(r))
        return 0
      }
      io.out(
        `Atoms: ${r.atomCount} of ${r.atomLimit} (${((r.atomCount / r.atomLimit) * 100).toFixed(1)}%), atom memory ${bytes(r.atomBytes)} (used ${bytes(r.atomUsedBytes)})`
      )
      io.out(`Code: ${r.moduleCount} modules, ${bytes(r.codeBytes)}; ${r.oldCode.length} with old code`)
      io.out('')
      io.out(
        table(
          ['MODULE', 'CODE', 'OLD CODE'],
          [...r.modules].map((m) => [m.module, bytes(m.bytes), m.oldBytes ? bytes(m.oldBytes) : '']),
          new Set([1, 2])
        )
      )
      return 0
    }
  }

  const churn: CliCommand = {
    name: 'churn',
    usage: 'churn NODE [--window-ms N] [--limit N] [--json]',
    flags: [...NODE_FLAGS, WINDOW_FLAG, LIMIT_FLAG(G.CATEGORY_LIMITS.maxRows, 20), JSON_FLAG],
    summary: 'processes born and dead over a window, grouped by initial call and by parent',
    async run(args, io) {
      const r = await withClient(connect, args, io, this.usage, (c) =>
        G.churn(c, { windowMs: windowOf(args), limit: limitOf(args, 15) })
      )
      if (args.flags.has('json')) {
        io.out(json(r))
        return 0
      }
      io.out(
        `Over ${r.windowMs} ms: ${r.processCountBefore} -> ${r.processCountAfter} processes, ${r.born} born and alive, ${r.died} exited (${r.exitRatePerSec.toFixed(1)}/s at least)`
      )
      io.out('')
      io.out(
        table(
          ['PARENT OF NEWBORNS', 'BORN'],
          r.byParent.map((g) => [g.key, String(g.born)]),
          new Set([1])
        )
      )
      io.out('')
      io.out(
        table(
          ['INITIAL CALL', 'PROCESSES', 'BORN'],
          r.byInitialCall.map((g) => [g.key, String(g.count), String(g.born)]),
          new Set([1, 2])
        )
      )
      return 0
    }
  }

  return [ets, ports, binLeak, atoms, churn]
}

export const categoryCommands: CliCommand[] = makeCategoryCommands(defaultConnector)

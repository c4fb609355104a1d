/**
 * `erlscope watch NODE`: erlang:memory() and the process count every interval, as lines or JSON
 * Lines, with what each category gained since the previous line and since the first, until
 * interrupted (SIGINT/SIGTERM: exit 0) or after `--count N` lines.
 */
import { humanBytes } from '../../shared/format-bytes'
import { memoryCategories, type MemoryCategory } from '../../shared/contract/node'
import { AppError } from '../app-error'
import * as C from '../node/collectors'
import { defaultConnector } from '../node/dist-adapter'
import { atomArg, type Connector } from '../node/live-client'
import { num } from '../node/eval-value'
import { flagString, type CliCommand } from './command'
import { JSON_FLAG, NODE_FLAGS } from './flags'
import { withClient } from './live-commands'

export const WATCH_INTERVAL = { default: 5000, min: 200, max: 3_600_000 } as const
/** The categories a text line shows (JSON has all nine). */
const SHOWN: readonly MemoryCategory[] = ['total', 'processes', 'binary', 'ets', 'atom', 'code', 'system']

type Mem = Record<MemoryCategory, number>

function delta(a: Mem, b: Mem): Mem {
  return Object.fromEntries(memoryCategories.map((k) => [k, a[k] - b[k]])) as Mem
}

const signed = (n: number): string => `${n > 0 ? '+' : n < 0 ? '-' : '±'}${humanBytes(Math.abs(n))}`

function clock(t: number): string {
  return new Date(t).toISOString().slice(11, 19)
}

/** Resolves on SIGINT/SIGTERM (or `stop()`), the listeners removed once it settles. */
function interruption(): { promise: Promise<void>; stop: () => void } {
  let stop: () => void = () => undefined
  const promise = new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done)
      process.off('SIGTERM', done)
      resolve()
    }
    process.on('SIGINT', done)
    process.on('SIGTERM', done)
    stop = done
  })
  return { promise, stop }
}

export function makeWatchCommand(connect: Connector): CliCommand {
  const usage = 'watch NODE [--interval MS] [--count N] [--through ENTRY] [--json]'
  return {
    name: 'watch',
    usage,
    summary:
      'memory by category and the process count every interval, with the growth since the last line and the first, until Ctrl-C',
    flags: [
      ...NODE_FLAGS,
      {
        name: 'interval',
        value: 'MS',
        help: `between samples, in ms (default ${WATCH_INTERVAL.default}, ${WATCH_INTERVAL.min} to ${WATCH_INTERVAL.max})`
      },
      { name: 'count', value: 'N', help: 'stop after N samples (default: until interrupted)' },
      { ...JSON_FLAG, help: 'one JSON object per line (JSON Lines)' }
    ],
    async run(args, io) {
      const intervalText = flagString(args, 'interval')
      const intervalMs = intervalText === undefined ? WATCH_INTERVAL.default : Number(intervalText)
      if (!Number.isInteger(intervalMs) || intervalMs < WATCH_INTERVAL.min || intervalMs > WATCH_INTERVAL.max)
        throw new AppError(
          'invalid_request',
          `--interval takes whole milliseconds from ${WATCH_INTERVAL.min} to ${WATCH_INTERVAL.max}, not '${intervalText}'.`
        )
      const countText = flagString(args, 'count')
      const count = countText === undefined ? Infinity : Number(countText)
      if (countText !== undefined && (!Number.isInteger(count) || count < 1))
        throw new AppError('invalid_request', `--count takes a whole number of samples, not '${countText}'.`)
      const json = args.flags.has('json')
      const stop = interruption()
      let stopped = false
      void stop.promise.then(() => (stopped = true))
      try {
        await withClient(connect, args, io, usage, async (c) => {
          let first: Mem | undefined
          let prev: Mem | undefined
          let prevCount: number | undefined
          for (let i = 0; i < count && !stopped; i++) {
            const started = Date.now()
            const [mem, pc] = await Promise.all([
              C.memory(c, Math.max(5000, intervalMs * 3)),
              c.call('erlang', 'system_info', [atomArg('process_count')], 10_000).then(num)
            ])
            const t = Date.now()
            first ??= mem
            const d = delta(mem, prev ?? mem)
            const since = delta(mem, first)
            if (json)
              io.out(
                JSON.stringify({
                  t,
                  node: c.peer,
                  memoryBytes: mem,
                  deltaBytes: d,
                  sinceStartBytes: since,
                  processCount: pc,
                  processCountDelta: pc - (prevCount ?? pc)
                })
              )
            else {
              if (i === 0)
                io.out(
                  `Watching ${c.peer} every ${intervalMs} ms (Ctrl-C to stop); change since the previous line in ()`
                )
              io.out(
                `${clock(t)}  ${SHOWN.map((k) => `${k} ${humanBytes(mem[k])} (${signed(d[k])})`).join('  ')}  procs ${pc} (${pc - (prevCount ?? pc) >= 0 ? '+' : ''}${pc - (prevCount ?? pc)})`
              )
            }
            prev = mem
            prevCount = pc
            if (i + 1 >= count) break
            const wait = Math.max(0, intervalMs - (Date.now() - started))
            await Promise.race([new Promise((r) => setTimeout(r, wait)), stop.promise])
          }
          if (!json && first && prev)
            io.out(
              `Since the first line: ${SHOWN.map((k) => `${k} ${signed(prev![k] - first![k])}`).join('  ')}`
            )
        })
      } finally {
        stop.stop()
      }
      return 0
    }
  }
}

export const watchCommand: CliCommand = makeWatchCommand(defaultConnector)

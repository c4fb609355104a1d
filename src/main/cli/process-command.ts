/**
 * `erlscope process NODE|DUMP PID`: one process of a live node or of a crash dump, printed by the
 * shared process-detail printer. The first argument is a dump when it is `-`, an existing file or
 * a path; a node when it is `name@host` or a bare name.
 */
import { existsSync } from 'node:fs'
import { AppError } from '../app-error'
import * as C from '../node/collectors'
import { defaultConnector } from '../node/dist-adapter'
import type { Connector } from '../node/live-client'
import { flagString, type CliCommand, type ParsedArgs } from './command'
import { dumpCommands } from './dump-commands'
import { JSON_FLAG, NODE_FLAGS, UsageError, type FlagSpec } from './flags'
import { withClient } from './live-commands'
import { liveProcessView } from './live-process-view'
import { processDetailJson, processDetailText } from './process-detail'

/** True when `target` names a crash dump rather than a node. */
export function isDumpTarget(target: string): boolean {
  if (target === '-' || existsSync(target)) return true
  if (target.includes('@')) return false
  return /[/\\.]/.test(target)
}

const LIVE_ONLY: readonly FlagSpec[] = [
  ...NODE_FLAGS,
  {
    name: 'yes',
    help: `live: copy messages even from a mailbox over ${C.LIMITS.messageThreshold.toLocaleString('en-US')} (the copy costs the node memory)`
  }
]

export function makeProcessCommand(connect: Connector): CliCommand {
  const dump = dumpCommands.find((c) => c.name === 'process')
  if (!dump) throw new Error('dump-commands lost its process command')
  const dumpOnly = dump.flags.filter((f) => f.name !== 'json' && f.name !== 'messages')
  const usage = `process NODE|DUMP PID [--messages N] [--json] [node flags | --syntax erlang|elixir --no-cache]`
  const refuse = (args: ParsedArgs, flags: readonly FlagSpec[], what: string): void => {
    const wrong = flags.find((f) => args.flags.has(f.name))
    if (wrong) throw new UsageError(`erlscope process: --${wrong.name} is for ${what}.`)
  }
  return {
    name: 'process',
    usage,
    summary:
      'one process of a live node (info, stack, dictionary, first N messages through the mailbox guard) or of a crash dump',
    flags: [
      JSON_FLAG,
      {
        name: 'messages',
        value: 'N',
        help: `messages to show, oldest first (dump: default 20; live node: none unless given, at most ${C.LIMITS.maxMessages})`
      },
      ...dumpOnly,
      ...LIVE_ONLY
    ],
    async run(args, io) {
      const target = args.positional[0]
      if (target === undefined)
        throw new AppError('invalid_request', `Which node or dump? Usage: erlscope ${usage}`)
      if (isDumpTarget(target)) {
        refuse(args, LIVE_ONLY, 'a live node, not a dump')
        return dump.run(args, io)
      }
      refuse(args, dumpOnly, 'a crash dump, not a live node')
      const pid = args.positional[1]
      if (pid === undefined) throw new AppError('invalid_request', `Which process? Usage: erlscope ${usage}`)
      const n = flagString(args, 'messages')
      const limit = n === undefined ? undefined : Number(n)
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > C.LIMITS.maxMessages))
        throw new AppError(
          'invalid_request',
          `--messages must be a whole number from 1 to ${C.LIMITS.maxMessages}.`
        )
      const view = await withClient(connect, args, io, usage, async (c) => {
        const d = await C.process(c, pid)
        const m =
          limit === undefined
            ? undefined
            : await C.messages(c, pid, { limit, ...(args.flags.has('yes') ? { confirm: true } : {}) })
        return liveProcessView(c.peer, d, m)
      })
      io.out(
        args.flags.has('json') ? JSON.stringify(processDetailJson(view), null, 2) : processDetailText(view)
      )
      return 0
    }
  }
}

export const processCommand: CliCommand = makeProcessCommand(defaultConnector)

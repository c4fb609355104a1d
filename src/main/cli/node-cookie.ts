import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { AppError } from '../app-error'
import { parseNodeName } from '../erldist/node-name'
import { isThisMachine } from '../node/this-machine'
import { flagString, type CliIo, type ParsedArgs } from './command'

function readCookieFile(path: string, how: string): string {
  let text: string
  try {
    text = readFileSync(path, 'latin1')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new AppError('invalid_request', `The cookie file ${path} could not be read (${code}); ${how}.`)
  }
  const cookie = text.trim()
  if (cookie === '') throw new AppError('invalid_request', `The cookie file ${path} is empty; ${how}.`)
  return cookie
}

/**
 * The cookie for `node`: `--cookie`, else `--cookie-file FILE`, else `$ERLSCOPE_COOKIE` (each an
 * explicit choice), else `~/.erlang.cookie` — but that only for a node on this machine: for
 * another host the default file is a choice the user makes with `--cookie-file ~/.erlang.cookie`,
 * since whoever answers as that node could relay what we send to every node sharing the cookie.
 */
export function resolveCookie(args: ParsedArgs, io: CliIo, node: string): string {
  const flag = flagString(args, 'cookie')
  if (flag !== undefined && flag !== '') return flag
  const file = flagString(args, 'cookie-file')
  if (file !== undefined && file !== '')
    return readCookieFile(file, "pass the file that holds the node's cookie")
  if (args.flags.get('cookie-file') === true)
    throw new AppError('invalid_request', '--cookie-file needs a FILE, e.g. --cookie-file ~/.erlang.cookie.')
  const env = io.env.ERLSCOPE_COOKIE
  if (env !== undefined && env !== '') return env
  const home = io.env.HOME ?? io.env.USERPROFILE ?? homedir()
  const path = join(home, '.erlang.cookie')
  const { host } = parseNodeName(node)
  if (!isThisMachine(host))
    throw new AppError(
      'invalid_request',
      `${host} is not this machine, so erlscope does not send it ${path} unless told to: pass --cookie-file ${path} (or the file with that node's cookie), or set ERLSCOPE_COOKIE.`
    )
  return readCookieFile(path, 'pass --cookie-file FILE or set ERLSCOPE_COOKIE')
}

/** `--timeout MS` (milliseconds), default `fallback`. */
export function resolveTimeout(args: ParsedArgs, fallback: number): number {
  const t = flagString(args, 'timeout')
  if (t === undefined) return fallback
  const n = Number(t)
  if (!Number.isFinite(n) || n <= 0)
    throw new AppError('invalid_request', `--timeout takes a number of milliseconds, not '${t}'.`)
  return n
}

/** The NODE argument: `name@host`, or a bare name for this host (the dist client resolves it). */
export function nodeArg(args: ParsedArgs, usage: string): string {
  const node = args.positional[0]
  if (node === undefined) throw new AppError('invalid_request', `Which node? Usage: erlscope ${usage}`)
  return node
}

/** `--through ENTRY_NODE`: reach the node through that node of its cluster (erpc from the entry). */
export function resolveThrough(args: ParsedArgs): string | undefined {
  const v = args.flags.get('through')
  if (v === undefined) return undefined
  if (typeof v !== 'string' || !v.includes('@'))
    throw new AppError('invalid_request', '--through takes the entry node as name@host.')
  return v
}

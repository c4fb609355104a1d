import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { AppError } from '../app-error'
import { flagString, type CliIo, type ParsedArgs } from './command'

/** The cookie: `--cookie`, else `$ERLSCOPE_COOKIE`, else `~/.erlang.cookie`. */
export function resolveCookie(args: ParsedArgs, io: CliIo): string {
  const flag = flagString(args, 'cookie')
  if (flag !== undefined && flag !== '') return flag
  const env = io.env.ERLSCOPE_COOKIE
  if (env !== undefined && env !== '') return env
  const home = io.env.HOME ?? io.env.USERPROFILE ?? homedir()
  const path = join(home, '.erlang.cookie')
  let text: string
  try {
    text = readFileSync(path, 'latin1')
  } catch {
    throw new AppError(
      'invalid_request',
      `No cookie: pass --cookie COOKIE, set ERLSCOPE_COOKIE, or put the node's cookie in ${path} (${path} could not be read).`
    )
  }
  const cookie = text.trim()
  if (cookie === '')
    throw new AppError(
      'invalid_request',
      `The cookie file ${path} is empty: pass --cookie or set ERLSCOPE_COOKIE.`
    )
  return cookie
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

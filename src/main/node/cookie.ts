import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

export const cookiePath = (): string => join(homedir(), '.erlang.cookie')

export function defaultCookiePresent(): boolean {
  return existsSync(cookiePath())
}

/** The user's ~/.erlang.cookie, trimmed; undefined when absent or unreadable. Never logged. */
export function readDefaultCookie(): string | undefined {
  try {
    const value = readFileSync(cookiePath(), 'utf8').trim()
    return value === '' ? undefined : value
  } catch {
    return undefined
  }
}

import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AnyAuthMethod, AuthHandlerMiddleware, ParsedKey } from 'ssh2'
import { AppError } from '../app-error'
import type { RouteAsker } from './asker'
import { ssh2Module } from './ssh2-module'

/** The keys ssh tries when neither the command line nor ssh_config names one. */
export function defaultKeyFiles(home: string): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(home, '.ssh', f)).filter((p) => existsSync(p))
}

/** Parses a private key file, asking for its passphrase when it is encrypted; null when skipped. */
export async function loadKey(file: string, asker: RouteAsker, required: boolean): Promise<ParsedKey | null> {
  let data: Buffer
  try {
    data = readFileSync(file)
  } catch (e) {
    if (!required) return null
    throw new AppError(
      'invalid_request',
      `Could not read the SSH key ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}).`
    )
  }
  const ssh2 = await ssh2Module()
  const first = ssh2.utils.parseKey(data)
  if (!(first instanceof Error)) return Array.isArray(first) ? first[0] : first
  if (!/passphrase/i.test(first.message)) {
    if (!required) return null
    throw new AppError('invalid_request', `${file} is not a private key ssh understands (${first.message}).`)
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const pass = await asker.passphrase({ keyFile: file, retry: attempt > 0 })
    if (pass === null) return null
    const parsed = ssh2.utils.parseKey(data, pass)
    if (!(parsed instanceof Error)) return Array.isArray(parsed) ? parsed[0] : parsed
  }
  return null
}

export interface AuthPlan {
  username: string
  agentSocket?: string
  /** Explicit key first (required to be readable), then ssh_config's, then ssh's defaults. */
  keyFiles: Array<{ file: string; required: boolean }>
  asker: RouteAsker
}

/**
 * ssh2's authHandler: the agent, then each key in turn (publickey). `tried` collects what was
 * offered, for the error sentence when the server refuses everything.
 */
export function authHandler(
  plan: AuthPlan,
  tried: string[],
  onError: (e: AppError) => void
): AuthHandlerMiddleware {
  const steps: Array<() => Promise<AnyAuthMethod | null>> = []
  if (plan.agentSocket) {
    const agent = plan.agentSocket
    steps.push(async () => {
      tried.push('the ssh-agent')
      return { type: 'agent', username: plan.username, agent }
    })
  }
  for (const { file, required } of plan.keyFiles) {
    steps.push(async () => {
      const key = await loadKey(file, plan.asker, required)
      if (!key) return null
      tried.push(file)
      return { type: 'publickey', username: plan.username, key }
    })
  }
  return (_methodsLeft, _partial, next) => {
    const advance = async (): Promise<void> => {
      for (let step = steps.shift(); step; step = steps.shift()) {
        const method = await step()
        if (method) return next(method)
      }
      next(false as unknown as AnyAuthMethod)
    }
    advance().catch((e: unknown) => {
      onError(e instanceof AppError ? e : new AppError('route_failed', String(e)))
      next(false as unknown as AnyAuthMethod)
    })
  }
}

import type { Args, Bridge, Channel, EventChannel, Events, Result } from '@shared/api'
import type { ErrorCode, ErrorData, Reply } from '@shared/errors'

/** An error returned by main, with its contract code and a sentence for people. */
export class ApiError extends Error {
  readonly code: ErrorCode
  constructor(data: ErrorData) {
    super(data.message)
    this.code = data.code
  }
}

function bridge(): Bridge {
  const b = window.erlscope
  if (!b)
    throw new ApiError({ code: 'internal', message: 'The erlscope bridge is missing (preload did not run).' })
  return b
}

/** Calls a request channel of the contract; resolves with its value or rejects with an ApiError. */
export async function call<K extends Channel>(channel: K, ...args: Args<K>): Promise<Result<K>> {
  const fn = bridge().request[channel] as (...a: Args<K>) => Promise<Reply<Result<K>>>
  const reply = await fn(...args)
  if (reply.ok) return reply.value
  throw new ApiError(reply.error)
}

export function on<E extends EventChannel>(event: E, listener: (payload: Events[E]) => void): () => void {
  return bridge().on(event, listener)
}

export function pathForFile(file: File): string {
  return bridge().pathForFile(file)
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

import type { ErrorCode, ErrorData, Reply } from '../shared/errors'

/** An error a person can act on: a closed code plus one sentence. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string
  ) {
    super(message)
    this.name = 'AppError'
  }

  toData(): ErrorData {
    return { code: this.code, message: this.message }
  }
}

export function toErrorData(error: unknown): ErrorData {
  if (error instanceof AppError) return error.toData()
  const message = error instanceof Error ? error.message : String(error)
  return { code: 'internal', message: `Unexpected error: ${message}` }
}

/** Runs a handler and turns its outcome into data that can cross IPC. */
export async function toReply<T>(run: () => Promise<T>): Promise<Reply<T>> {
  try {
    return { ok: true, value: await run() }
  } catch (error) {
    return { ok: false, error: toErrorData(error) }
  }
}

import type { Args, Channel, Handlers } from '../../shared/api'
import type { Reply } from '../../shared/errors'
import { requestChannels } from '../../shared/api'
import { AppError, toReply } from '../app-error'

/**
 * Calls one handler of the table with arguments that came from the renderer, as data in and data
 * out. Unknown channels and non-array arguments are refused; thrown errors become `{ ok: false }`.
 */
export function dispatch(handlers: Handlers, channel: unknown, args: unknown): Promise<Reply<unknown>> {
  return toReply(async () => {
    if (typeof channel !== 'string' || !(requestChannels as readonly string[]).includes(channel)) {
      throw new AppError('invalid_request', `Unknown request channel '${String(channel)}'.`)
    }
    if (!Array.isArray(args)) throw new AppError('invalid_request', 'Request arguments must be a list.')
    const handler = handlers[channel as Channel] as (...a: Args<Channel>) => Promise<unknown>
    return handler(...(args as Args<Channel>))
  })
}

import { AppError } from '../app-error'
import type { Connector } from './live-client'

/** The distribution client's connectNode (src/main/dist/client.ts). */
export type DistConnect = (options: { node: string; cookie: string; timeoutMs?: number }) => Promise<unknown>

/** Wraps the distribution client into the collectors' LiveClient. */
export function connectorFrom(connect?: DistConnect): Connector {
  return async () => {
    void connect
    throw new AppError('not_connected', 'The distribution client is not available in this build.')
  }
}

/** The connector over the real distribution client. */
export const defaultConnector: Connector = (options) => connectorFrom()(options)

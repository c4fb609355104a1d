import type { Connector } from '../../../src/main/node/live-client'

/** The real distribution client's connector once it exists; null until then. */
export function liveConnector(): Connector | null {
  return null
}

import { connectorFrom } from '../../../src/main/node/dist-adapter'
import type { Connector } from '../../../src/main/node/live-client'

/**
 * The real distribution client's connector; ERLSCOPE_TEST_BRIDGE=1 switches the tests to the
 * erl bridge (erl-bridge.ts) to tell a collector bug from a client bug.
 */
export function liveConnector(): Connector | null {
  return process.env.ERLSCOPE_TEST_BRIDGE === '1' ? null : connectorFrom()
}

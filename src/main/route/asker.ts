import type { RouteQuestion } from '../../shared/contract/route'

/**
 * Questions a route asks while it is being built: the GUI shows them (main's `route:ask` event),
 * the CLI prompts on the terminal or refuses.
 */
export interface RouteAsker {
  /** Whether to trust a host key that known_hosts does not have; true records it there. */
  hostKey(q: Extract<RouteQuestion, { kind: 'host-key' }>): Promise<boolean>
  /** The passphrase of an encrypted key file, or null to skip the key. */
  passphrase(q: Extract<RouteQuestion, { kind: 'passphrase' }>): Promise<string | null>
}

/** Asks nothing: unknown host keys are refused, encrypted keys skipped. */
export const refusingAsker: RouteAsker = {
  hostKey: async () => false,
  passphrase: async () => null
}

/**
 * Remembers passphrases (in this process only) so that a reconnect, which rebuilds the route,
 * does not ask again. Wrong ones are forgotten when asked again with `retry`.
 */
export function rememberingAsker(inner: RouteAsker): RouteAsker {
  const known = new Map<string, string>()
  return {
    hostKey: (q) => inner.hostKey(q),
    async passphrase(q) {
      const have = known.get(q.keyFile)
      if (have !== undefined && !q.retry) return have
      const answer = await inner.passphrase(q)
      if (answer === null) known.delete(q.keyFile)
      else known.set(q.keyFile, answer)
      return answer
    }
  }
}

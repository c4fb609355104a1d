export interface HostKeyQuestion {
  /** `host` or `[host]:port`, as known_hosts writes it. */
  host: string
  keyType: string
  /** `SHA256:...` as `ssh-keygen -lf` prints it. */
  fingerprint: string
  knownHostsFile: string
}

export interface PassphraseQuestion {
  keyFile: string
  /** The previous answer was wrong. */
  retry: boolean
}

/**
 * Questions a route asks while it is being built. The GUI asks host keys in a native dialog and
 * passphrases in the window; the CLI prompts on the terminal, and refuses unknown host keys.
 */
export interface RouteAsker {
  /** Whether to trust a host key that known_hosts does not have; true records it there. */
  hostKey(q: HostKeyQuestion): Promise<boolean>
  /** The passphrase of an encrypted key file, or null to skip the key. */
  passphrase(q: PassphraseQuestion): Promise<string | null>
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

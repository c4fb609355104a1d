import type { AskUser } from '../ask-user'
import { rememberingAsker, type RouteAsker } from './asker'
import type { PassphrasePrompts } from './passphrase-prompts'

/**
 * The GUI's answers for one session: an unknown host key is asked in main's native dialog (never
 * the window, which may be compromised), with its fingerprint; passphrases come from the window
 * and are remembered in memory so a reconnect does not ask again.
 */
/** Passphrases kept with a saved connection (encrypted); absent for an unsaved one. */
export interface SavedPassphrases {
  canStore(): boolean
  get(keyFile: string): string | undefined
  set(keyFile: string, passphrase: string): void
}

export function guiAsker(askUser: AskUser, prompts: PassphrasePrompts, saved?: SavedPassphrases): RouteAsker {
  return rememberingAsker({
    hostKey: (q) =>
      askUser({
        title: 'Unknown SSH host',
        message: `Trust the SSH host ${q.host}?`,
        detail: `It is not in ${q.knownHostsFile}. Its ${q.keyType} key has the fingerprint\n${q.fingerprint}\nCompare it with what the host's administrator reads (ssh-keygen -lf on the host's public key) before trusting it. Trusting records the key in ${q.knownHostsFile}; a key that changes later is always refused.`,
        yes: 'Trust and connect',
        no: 'Cancel'
      }),
    async passphrase(q) {
      const stored = q.retry ? undefined : saved?.get(q.keyFile)
      if (stored !== undefined) return stored
      const a = await prompts.ask(q, saved?.canStore() === true)
      if (a.passphrase !== null && a.remember) saved?.set(q.keyFile, a.passphrase)
      return a.passphrase
    }
  })
}

import type { AskUser } from '../ask-user'
import { rememberingAsker, type RouteAsker } from './asker'
import type { PassphrasePrompts } from './passphrase-prompts'

/**
 * The GUI's answers for one session: an unknown host key is asked in main's native dialog (never
 * the window, which may be compromised), with its fingerprint; passphrases come from the window
 * and are remembered in memory so a reconnect does not ask again.
 */
export function guiAsker(askUser: AskUser, prompts: PassphrasePrompts): RouteAsker {
  return rememberingAsker({
    hostKey: (q) =>
      askUser({
        title: 'Unknown SSH host',
        message: `Trust the SSH host ${q.host}?`,
        detail: `It is not in ${q.knownHostsFile}. Its ${q.keyType} key has the fingerprint\n${q.fingerprint}\nCompare it with what the host's administrator reads (ssh-keygen -lf on the host's public key) before trusting it. Trusting records the key in ${q.knownHostsFile}; a key that changes later is always refused.`,
        yes: 'Trust and connect',
        no: 'Cancel'
      }),
    passphrase: (q) => prompts.ask(q)
  })
}

import { AppError } from '../app-error'
import type { AskUser } from '../ask-user'
import { parseNodeName } from '../erldist/node-name'
import type { ConnectionStore } from '../store/connections'
import { readDefaultCookie } from './cookie'
import { isThisMachine } from './this-machine'

/**
 * Which cookie main answers a node's challenge with. The Erlang handshake lets the node pick the
 * challenge, so whoever receives our digest can relay it to the node the cookie belongs to: a
 * cookie goes only to the node it was typed or saved for, and ~/.erlang.cookie goes without a
 * question only to nodes on this machine. For any other host main asks once per node (the
 * answer is kept for the session) through the native dialog, never through the renderer.
 */
export class CookieChooser {
  private readonly answers = new Map<string, boolean>()

  constructor(
    private readonly store: ConnectionStore,
    private readonly ask: AskUser,
    private readonly readDefault: () => string | undefined = readDefaultCookie
  ) {}

  /** `node` is the full name to connect to; `savedId` must be that node's saved connection. */
  async cookieFor(node: string, typed: string | undefined, savedId: string | undefined): Promise<string> {
    if (savedId !== undefined) {
      const saved = this.store.get(savedId)
      if (!saved) throw new AppError('not_found', 'That saved connection no longer exists.')
      if (saved.node !== node)
        throw new AppError(
          'invalid_request',
          `The saved connection '${saved.name}' is for ${saved.node}, and its cookie goes to no other node: connect to ${node} as a new connection.`
        )
      if (typed !== undefined) return typed
      const stored = this.store.cookieOf(saved.id)
      if (stored !== undefined) return stored
    } else if (typed !== undefined) return typed
    return this.defaultCookieFor(node)
  }

  private async defaultCookieFor(node: string): Promise<string> {
    const cookie = this.readDefault()
    if (cookie === undefined)
      throw new AppError(
        'invalid_request',
        'No cookie: type one, save one with the connection, or create ~/.erlang.cookie.'
      )
    const { host } = parseNodeName(node)
    if (isThisMachine(host)) return cookie
    let yes = this.answers.get(node)
    if (yes === undefined) {
      yes = await this.ask({
        title: 'Send your Erlang cookie?',
        message: `Use ~/.erlang.cookie to connect to ${node}?`,
        detail: `${host} is not this machine. Whoever answers as ${node} can use what erlscope sends to reach every node that shares this cookie. Choose "Don't send" and type the node's own cookie unless you trust this host and its network.`,
        yes: 'Send cookie',
        no: "Don't send"
      })
      this.answers.set(node, yes)
    }
    if (!yes)
      throw new AppError(
        'invalid_request',
        `~/.erlang.cookie was not sent to ${node} (${host} is another machine): type the node's cookie, or save one with the connection.`
      )
    return cookie
  }
}

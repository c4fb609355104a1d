/**
 * What `erlscope mcp` works on: the app's own node handlers (sessions with their history, the scan
 * gate, saved connections) and dump service, keyed by what a model can name (a node, a saved
 * connection, a dump path). Cookies are chosen here, in the server process, and never returned.
 */
import { resolve } from 'node:path'
import type { SavedConnection, SessionInfo } from '../../shared/contract/node'
import { AppError } from '../app-error'
import { nobodyToAsk } from '../ask-user'
import type { CliIo, ParsedArgs } from '../cli/command'
import { resolveCookie } from '../cli/node-cookie'
import { DumpService } from '../crashdump/dump-service'
import { defaultCacheDir } from '../crashdump/index-cache'
import { parseNodeName } from '../erldist/node-name'
import { connectNode } from '../erldist/client'
import { createNodeHandlers, type NodeHandlers } from '../node/handlers'
import { isThisMachine } from '../node/this-machine'
import { ConnectionStore } from '../store/connections'
import { unavailableSecretStore } from '../store/secrets'

export interface McpServicesOptions {
  /** The server's own command line (cookie flags); never anything a model sent. */
  args: ParsedArgs
  io: CliIo
  userDataDir: string
  /** Memory sampling interval of the sessions the server opens, ms. */
  intervalMs?: number
}

/** A node the model named: a saved connection (by name or id) or a node name. */
export interface Target {
  node: string
  saved?: SavedConnection
}

export class McpServices {
  private readonly nodeHandlers: NodeHandlers
  readonly dumps: DumpService
  private readonly sessions = new Map<string, string>()
  private readonly dumpIds = new Map<string, string>()

  constructor(private readonly opts: McpServicesOptions) {
    this.nodeHandlers = createNodeHandlers({
      emit: () => undefined,
      userDataDir: opts.userDataDir,
      // plain Node has no OS keychain: encrypted saved cookies stay unreadable here
      secrets: unavailableSecretStore,
      askUser: nobodyToAsk
    })
    this.dumps = new DumpService({
      userDataDir: opts.userDataDir,
      cacheDir: defaultCacheDir(opts.io.env),
      onProgress: () => undefined
    })
  }

  get handlers(): NodeHandlers['handlers'] {
    return this.nodeHandlers.handlers
  }

  async savedConnections(): Promise<SavedConnection[]> {
    return this.handlers['connections:list']()
  }

  /** A saved connection by its name or id, else the node by name (`name@host` or a bare name). */
  async target(name: string): Promise<Target> {
    if (typeof name !== 'string' || name.trim() === '')
      throw new AppError('invalid_request', 'Name a node (name@host) or a saved connection.')
    const saved = (await this.savedConnections()).find((c) => c.name === name || c.id === name)
    if (saved) return { node: saved.node, saved }
    if (name.includes('@')) {
      const host = name.slice(name.indexOf('@') + 1)
      if (host === '') throw new AppError('invalid_request', `'${name}' has no host after the @.`)
    }
    return { node: parseNodeName(name).full }
  }

  /**
   * The cookie rules of the CLI (src/main/cli/node-cookie.ts), over the server's own flags — but
   * a model picks the node, and text it read (a dump, a message) can steer it: whoever answers as
   * that node could relay our handshake to every node sharing the cookie. So the server's cookie
   * goes only to nodes on this machine and to those the operator named with `--allow-node`.
   */
  private cookieFor(t: Target): string | undefined {
    if (t.saved?.hasCookie && t.saved.cookiePlaintext) return undefined
    const { full, host } = parseNodeName(t.node)
    const allowed = this.opts.args.lists?.get('allow-node') ?? []
    if (!isThisMachine(host) && !allowed.some((a) => a === full || a === t.node))
      throw new AppError(
        'invalid_request',
        `${full} is not on this machine and was not named with --allow-node when the server started, so erlscope mcp does not send it a cookie. Start the server with --allow-node ${full}, or save a connection for it in the app.`
      )
    return resolveCookie(this.opts.args, this.opts.io, t.node)
  }

  /** The session of a node: opened on first use, kept (with its memory history) while the server runs. */
  async session(name: string): Promise<SessionInfo> {
    const t = await this.target(name)
    const key = t.saved ? `saved:${t.saved.id}` : t.node
    const id = this.sessions.get(key)
    if (id !== undefined) {
      const open = (await this.handlers['node:sessions']()).find((s) => s.sessionId === id)
      if (open && open.state !== 'closed') return open
      this.sessions.delete(key)
    }
    const cookie = this.cookieFor(t)
    const info = await this.handlers['node:connect']({
      node: t.node,
      ...(cookie !== undefined ? { cookie } : {}),
      ...(t.saved ? { savedId: t.saved.id } : {}),
      intervalMs: this.opts.intervalMs ?? 2000
    })
    this.sessions.set(key, info.sessionId)
    return info
  }

  /** `erl_eval` on the node over a connection of its own, closed after (only with --allow-eval). */
  async evaluate(name: string, source: string, timeoutMs: number): Promise<{ node: string; text: string }> {
    const t = await this.target(name)
    const cookie =
      this.cookieFor(t) ??
      new ConnectionStore(this.opts.userDataDir, unavailableSecretStore).cookieOf(t.saved?.id ?? '')
    if (cookie === undefined) throw new AppError('invalid_request', `No cookie for ${t.node}.`)
    const client = await connectNode({
      node: t.node,
      cookie,
      timeoutMs: 10_000,
      ...(t.saved?.route ? { route: t.saved.route } : {})
    })
    try {
      return { node: client.peerName, text: client.format(await client.eval(source, {}, timeoutMs)) }
    } finally {
      client.close()
    }
  }

  /** The open dump at `path` (indexed once, reused while the server runs). */
  async dump(path: string): Promise<string> {
    if (typeof path !== 'string' || path.trim() === '')
      throw new AppError('invalid_request', 'Give the path of a crash dump.')
    const full = resolve(path)
    const id = this.dumpIds.get(full)
    if (id !== undefined && this.dumps.list().some((d) => d.dumpId === id)) return id
    const opened = await this.dumps.open(full, { remember: false })
    this.dumpIds.set(full, opened.dumpId)
    return opened.dumpId
  }

  async dispose(): Promise<void> {
    await Promise.allSettled([this.nodeHandlers.dispose(), this.dumps.dispose()])
  }
}

import { readFileSync } from 'node:fs'
import { homedir, userInfo } from 'node:os'
import { join } from 'node:path'
import { describeRoute, type RouteSpec } from '../../shared/contract/route'
import { AppError } from '../app-error'
import { refusingAsker, type RouteAsker } from './asker'
import { directTransport } from './direct'
import { proxyCommandTransport } from './proxy-command'
import { defaultKeyFiles } from './ssh-auth'
import { parseSshConfig, type SshConfigBlock } from './ssh-config'
import { resolveHops, type ResolvedHop } from './ssh-hops'
import { SshTransport } from './ssh-transport'
import { wrapTls } from './tls-wrap'
import type { OpenedStream, StreamTransport } from './transport'

export interface RouteEnv {
  asker?: RouteAsker
  /** Defaults: process.env and the OS home directory. */
  env?: NodeJS.ProcessEnv
  home?: string
}

function validPort(n: number | undefined, what: string): number | undefined {
  if (n === undefined) return undefined
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new AppError('invalid_request', `The ${what} must be a port number (1-65535), not ${String(n)}.`)
  return n
}

function readConfig(file: string, explicit: boolean): SshConfigBlock[] {
  try {
    return parseSshConfig(readFileSync(file, 'utf8'))
  } catch (e) {
    if (explicit)
      throw new AppError(
        'invalid_request',
        `Could not read the SSH config ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}).`
      )
    return []
  }
}

/**
 * How bytes reach one node, built from a RouteSpec: EPMD queries and the distribution link both
 * ask it for streams. One route per connection attempt (a reconnect builds a new one); `close()`
 * ends its SSH sessions and proxy children.
 */
export class Route {
  readonly description: string
  readonly distPort: number | undefined
  readonly epmdPort: number | undefined
  readonly hops: ResolvedHop[]
  private readonly transport: StreamTransport

  constructor(
    readonly spec: RouteSpec = {},
    env: RouteEnv = {}
  ) {
    const vars = env.env ?? process.env
    const home = env.home ?? vars.HOME ?? homedir()
    this.description = describeRoute(spec)
    this.distPort = validPort(spec.distPort, 'distribution port')
    this.epmdPort = validPort(spec.epmdPort, 'EPMD port')
    const ssh = spec.ssh && spec.ssh.hops.length > 0 ? spec.ssh : undefined
    if (ssh && spec.proxyCommand?.trim())
      throw new AppError(
        'invalid_request',
        'Choose SSH hops or a proxy command, not both (a proxy command can itself run ssh -W %h:%p).'
      )
    if (ssh) {
      const configFile = ssh.configFile ?? join(home, '.ssh', 'config')
      const localUser = vars.USER ?? userInfo().username
      this.hops = resolveHops(ssh.hops, readConfig(configFile, ssh.configFile !== undefined), {
        home,
        localUser
      })
      this.transport = new SshTransport({
        hops: this.hops,
        knownHostsFile: ssh.knownHostsFile ?? join(home, '.ssh', 'known_hosts'),
        acceptNew: ssh.acceptNew === true,
        keyFile: ssh.keyFile,
        defaultKeyFiles: defaultKeyFiles(home),
        agentSocket: vars.SSH_AUTH_SOCK || undefined,
        asker: env.asker ?? refusingAsker
      })
    } else if (spec.proxyCommand?.trim()) {
      this.hops = []
      this.transport = proxyCommandTransport(spec.proxyCommand.trim())
    } else {
      this.hops = []
      this.transport = directTransport
    }
  }

  get direct(): boolean {
    return this.description === 'direct'
  }

  /** `through SSH a → b` for sentences; empty for a direct route. */
  get through(): string {
    return this.direct ? '' : ` through ${this.description}`
  }

  /** The host to dial for a node whose name has `nodeHost`. */
  dialHost(nodeHost: string): string {
    return this.spec.address?.trim() || nodeHost
  }

  /** A plain stream to EPMD (never TLS: EPMD does not speak it). */
  openEpmd(host: string, port: number, timeoutMs: number): Promise<OpenedStream> {
    return this.transport.open(host, port, timeoutMs)
  }

  /** A stream for the distribution link, inside TLS when the route says so. */
  async openDist(host: string, port: number, timeoutMs: number, nodeHost: string): Promise<OpenedStream> {
    const deadline = Date.now() + timeoutMs
    const opened = await this.transport.open(host, port, timeoutMs)
    if (!this.spec.tls) return opened
    try {
      const tls = await wrapTls(opened.stream, this.spec.tls, nodeHost, Math.max(1000, deadline - Date.now()))
      return { stream: tls, localAddress: opened.localAddress }
    } catch (e) {
      opened.stream.destroy()
      throw e
    }
  }

  close(): void {
    this.transport.close()
  }
}

import { appendFileSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Duplex } from 'node:stream'
import type { Client, ConnectConfig } from 'ssh2'
import { AppError } from '../app-error'
import type { RouteAsker } from './asker'
import { authHandler } from './ssh-auth'
import { ssh2Module } from './ssh2-module'
import type { ResolvedHop } from './ssh-hops'
import {
  checkHostKey,
  fingerprint,
  keyTypeOf,
  knownHostsLine,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
  type KnownHostEntry
} from './known-hosts'
import { directTransport } from './direct'
import { withTimeout, type OpenedStream, type StreamTransport } from './transport'

export interface SshTransportOptions {
  hops: ResolvedHop[]
  knownHostsFile: string
  acceptNew: boolean
  /** `--ssh-key`: tried on every hop after the agent. */
  keyFile?: string
  /** Keys tried when neither --ssh-key nor ssh_config names one. */
  defaultKeyFiles: string[]
  agentSocket?: string
  asker: RouteAsker
}

/** ssh2's host key algorithms, in its default order. */
const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa'
] as const
type HostKeyAlgorithm = (typeof HOST_KEY_ALGORITHMS)[number]

/** Known key types first, so a host known by its RSA key is not asked about its Ed25519 key. */
function hostKeyOrder(known: string[]): HostKeyAlgorithm[] {
  const first = new Set<HostKeyAlgorithm>()
  for (const t of known) {
    if (t === 'ssh-rsa')
      ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'].forEach((a) => first.add(a as HostKeyAlgorithm))
    else if ((HOST_KEY_ALGORITHMS as readonly string[]).includes(t)) first.add(t as HostKeyAlgorithm)
  }
  return [...first, ...HOST_KEY_ALGORITHMS.filter((a) => !first.has(a))]
}

function readKnownHosts(file: string): KnownHostEntry[] {
  try {
    return parseKnownHosts(readFileSync(file, 'utf8'))
  } catch {
    return []
  }
}

export function hopText(h: ResolvedHop): string {
  return `${h.user}@${h.host}:${h.port}`
}

/** Opens a `direct-tcpip` channel from `client` to host:port. */
function forward(client: Client, host: string, port: number, via: ResolvedHop): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, host, port, (err, channel) => {
      if (err)
        reject(
          new Error(
            `the SSH host ${via.host} could not open ${host}:${port} (${err.message.replace(/^\(SSH\) /, '')})`
          )
        )
      else {
        // Like a TCP socket without allowHalfOpen: when the far end is done, so are we (EPMD
        // closes after its reply; a node that goes away must look closed, not half-open).
        channel.once('end', () => channel.end())
        resolve(channel)
      }
    })
  })
}

/**
 * SSH hops (`ssh -J` semantics): one connection per hop, made lazily and shared by every stream
 * (EPMD queries and the distribution link); each stream is a `direct-tcpip` channel from the
 * last hop, so the node's host means "as seen from the last hop".
 */
export class SshTransport implements StreamTransport {
  private chain: Promise<Client> | undefined
  private readonly clients: Client[] = []
  private closed = false

  constructor(private readonly opts: SshTransportOptions) {}

  async open(host: string, port: number, timeoutMs: number): Promise<OpenedStream> {
    const deadline = Date.now() + timeoutMs
    this.chain ??= this.connectChain(timeoutMs)
    this.chain.catch(() => (this.chain = undefined))
    const last = await this.chain
    const via = this.opts.hops[this.opts.hops.length - 1]
    const opened = forward(last, host, port, via).then((stream) => ({ stream }))
    return withTimeout(
      opened,
      Math.max(1000, deadline - Date.now()),
      `opening ${host}:${port} through ${via.host}`
    )
  }

  close(): void {
    this.closed = true
    for (const c of this.clients.reverse()) c.end()
    this.clients.length = 0
    this.chain = undefined
  }

  private async connectChain(timeoutMs: number): Promise<Client> {
    let client: Client | undefined
    for (const hop of this.opts.hops) {
      // the first hop's socket is ours, with Nagle off: rpc round trips are small writes
      const sock = client
        ? await forward(client, hop.host, hop.port, this.previous(hop))
        : await directTransport.open(hop.host, hop.port, timeoutMs).then(
            (opened) => opened.stream,
            (e: NodeJS.ErrnoException) => {
              throw new AppError(
                'route_failed',
                `Could not reach the SSH host ${hop.label === hop.host ? '' : `${hop.label} = `}${hop.host}:${hop.port}: ${e.code ?? e.message}.`
              )
            }
          )
      client = await this.connectHop(hop, sock, timeoutMs)
      if (this.closed) {
        client.end()
        throw new AppError('connection_lost', 'The route was closed while it was being built.')
      }
    }
    if (!client) throw new AppError('invalid_request', 'An SSH route needs at least one hop.')
    return client
  }

  private previous(hop: ResolvedHop): ResolvedHop {
    return this.opts.hops[Math.max(0, this.opts.hops.indexOf(hop) - 1)]
  }

  private async connectHop(hop: ResolvedHop, sock: Duplex, timeoutMs: number): Promise<Client> {
    const ssh2 = await ssh2Module()
    const o = this.opts
    const name = knownHostsName(hop.host, hop.port)
    const tried: string[] = []
    let refusal: AppError | undefined
    return new Promise((resolve, reject) => {
      const client = new ssh2.Client()
      this.clients.push(client)
      const fail = (e: AppError): void => {
        client.end()
        reject(e)
      }
      const verifyHostKey = (key: Buffer, verify: (ok: boolean) => void): void => {
        const verdict = checkHostKey(readKnownHosts(o.knownHostsFile), name, key)
        const type = keyTypeOf(key)
        const fp = fingerprint(key)
        if (verdict.status === 'known') return verify(true)
        if (verdict.status === 'changed' || verdict.status === 'revoked') {
          refusal = new AppError(
            'host_key_changed',
            verdict.status === 'revoked'
              ? `The host key of ${name} (${type} ${fp}) is marked @revoked in ${o.knownHostsFile} line ${verdict.line}: erlscope refuses to connect.`
              : `The host key of ${name} has CHANGED: it is now ${type} ${fp}, but ${o.knownHostsFile} line ${verdict.line} records ${verdict.knownFingerprint}. Someone may be intercepting the connection, or the host was reinstalled; erlscope refuses either way. If the change is expected, remove the old key (ssh-keygen -R '${name}' -f ${o.knownHostsFile}) and connect again.`
          )
          return verify(false)
        }
        const record = (): void => {
          mkdirSync(dirname(o.knownHostsFile), { recursive: true })
          appendFileSync(o.knownHostsFile, knownHostsLine(name, key), { mode: 0o600 })
        }
        if (o.acceptNew) {
          record()
          return verify(true)
        }
        o.asker
          .hostKey({
            host: name,
            keyType: type,
            fingerprint: fp,
            knownHostsFile: o.knownHostsFile
          })
          .then((ok) => {
            if (ok) record()
            else
              refusal = new AppError(
                'host_key_unknown',
                `The SSH host ${name} is not in ${o.knownHostsFile} (its ${type} key is ${fp}). Check that fingerprint with the host's administrator (ssh-keygen -lf /etc/ssh/ssh_host_${type.replace(/^ssh-|-sha2.*$/g, '')}_key.pub on the host), then accept it (on the command line: --ssh-accept-new), or add it with ssh-keyscan.`
              )
            verify(ok)
          })
          .catch(() => verify(false))
      }
      client.on('ready', () => resolve(client))
      client.on('error', (err: Error & { level?: string; code?: string }) => {
        if (refusal) return fail(refusal)
        if (err.level === 'client-authentication')
          return fail(
            new AppError(
              'ssh_auth_failed',
              `SSH login as ${hop.user}@${hop.host}:${hop.port} was refused (offered ${tried.length ? tried.join(', ') : 'nothing: no ssh-agent and no key file'}). Is the public key in ~${hop.user}/.ssh/authorized_keys there? Give a key with --ssh-key or IdentityFile in ~/.ssh/config.`
            )
          )
        if (err.level === 'client-timeout')
          return fail(
            new AppError(
              'timeout',
              `The SSH host ${hopText(hop)} did not finish its handshake within ${timeoutMs} ms.`
            )
          )
        fail(
          new AppError(
            'route_failed',
            `Could not reach the SSH host ${hop.label === hop.host ? '' : `${hop.label} = `}${hop.host}:${hop.port}: ${err.code ?? err.message}.`
          )
        )
      })
      client.on('close', () => {
        if (refusal) fail(refusal)
      })
      const keyFiles = [
        ...(o.keyFile ? [{ file: o.keyFile, required: true }] : []),
        ...hop.identityFiles.map((file) => ({ file, required: false })),
        ...(o.keyFile || hop.identityFiles.length
          ? []
          : o.defaultKeyFiles.map((file) => ({ file, required: false })))
      ]
      const config: ConnectConfig = {
        host: hop.host,
        port: hop.port,
        username: hop.user,
        readyTimeout: timeoutMs,
        keepaliveInterval: 15_000,
        hostVerifier: verifyHostKey,
        algorithms: { serverHostKey: hostKeyOrder(knownKeyTypes(readKnownHosts(o.knownHostsFile), name)) },
        authHandler: authHandler(
          { username: hop.user, agentSocket: o.agentSocket, keyFiles, asker: o.asker },
          tried,
          (e) => (refusal = e)
        ),
        sock
      }
      client.connect(config)
    })
  }
}

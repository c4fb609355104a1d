import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:net'

/**
 * Real OpenSSH servers for route tests: `sshd -D -e -f CONF` on a random port with a generated
 * host key and one authorized test key, always stopped by `stop()` (and on process exit).
 */

export interface SshKeyPair {
  /** Private key file (OpenSSH format). */
  privatePath: string
  /** `ssh-ed25519 AAAA... comment`. */
  publicLine: string
}

/** `ssh-keygen -t ed25519` into `dir`; encrypted when a passphrase is given. */
export function makeSshKey(dir: string, name: string, passphrase = ''): SshKeyPair {
  const privatePath = join(dir, name)
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    passphrase,
    '-C',
    `${name}@erlscope-test`,
    '-f',
    privatePath
  ])
  return { privatePath, publicLine: readFileSync(`${privatePath}.pub`, 'utf8').trim() }
}

export interface SshServer {
  readonly host: string
  readonly port: number
  readonly dir: string
  /** The host key as a known_hosts line for `[host]:port`. */
  readonly knownHostsLine: string
  /** `SHA256:...` of the host key. */
  readonly fingerprint: string
  readonly process: ChildProcess
  /** What sshd wrote on stderr (-e), for failing tests. */
  log(): string
  stop(): Promise<void>
}

export interface SshServerOptions {
  /** Address to listen on (default 127.0.0.1). */
  listen?: string
  port?: number
  /** Public key lines allowed to log in. */
  authorizedKeys: string[]
  /** Extra sshd_config lines (they win over the defaults; e.g. 'LogLevel DEBUG1' to see direct-tcpip targets). */
  extraConfig?: string[]
  /** Run sshd in this network namespace (`ip netns exec NS`). */
  netns?: string
}

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const p of running) if (p.exitCode === null) p.kill('SIGKILL')
})

/** A TCP port that was free a moment ago. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, host, () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** Resolves when `host:port` accepts a TCP connection (default budget 15 s). */
export async function waitForPort(
  host: string,
  port: number,
  budgetMs = 15_000,
  alive?: () => string | undefined
): Promise<void> {
  const deadline = Date.now() + budgetMs
  while (Date.now() < deadline) {
    const why = alive?.()
    if (why) throw new Error(why)
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host, port })
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`nothing listens on ${host}:${port} after ${budgetMs} ms`)
}

function sshdPath(): string {
  for (const p of ['/usr/sbin/sshd', '/usr/bin/sshd']) if (existsSync(p)) return p
  return 'sshd'
}

export async function startSshServer(options: SshServerOptions): Promise<SshServer> {
  // sshd refuses to start without its privilege separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
  const dir = mkdtempSync(join(tmpdir(), 'erlscope-sshd-'))
  const host = options.listen ?? '127.0.0.1'
  const port = options.port ?? (await freePort(host === '::1' ? '::1' : '127.0.0.1'))
  const hostKey = join(dir, 'host_ed25519')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey])
  writeFileSync(join(dir, 'authorized_keys'), options.authorizedKeys.join('\n') + '\n', { mode: 0o600 })
  const conf = join(dir, 'sshd_config')
  writeFileSync(
    conf,
    [
      // sshd keeps the first value of a keyword: the caller's lines come first.
      ...(options.extraConfig ?? []),
      `ListenAddress ${host.includes(':') ? `[${host}]` : host}:${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'AllowTcpForwarding yes',
      'LogLevel VERBOSE'
    ].join('\n') + '\n'
  )
  const argv = [sshdPath(), '-D', '-e', '-f', conf]
  const child = options.netns
    ? spawn('ip', ['netns', 'exec', options.netns, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] })
  running.add(child)
  let log = ''
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()))
  const pub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/)
  const name = port === 22 ? host : `[${host}]:${port}`
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`], {
    encoding: 'utf8'
  }).split(/\s+/)[1]
  const server: SshServer = {
    host,
    port,
    dir,
    knownHostsLine: `${name} ${pub[0]} ${pub[1]}`,
    fingerprint,
    process: child,
    log: () => log,
    async stop() {
      running.delete(child)
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
        child.kill('SIGTERM')
        const t = setTimeout(() => child.kill('SIGKILL'), 3000)
        await exited
        clearTimeout(t)
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
  if (!options.netns) {
    await waitForPort(host, port, 15_000, () =>
      child.exitCode !== null ? `sshd exited (${child.exitCode}): ${log}` : undefined
    ).catch(async (e: unknown) => {
      await server.stop()
      throw e
    })
  }
  return server
}

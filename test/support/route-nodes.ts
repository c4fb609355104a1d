import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { epmdNames, ensureEpmd, randomAlive, shortHost } from './erl-node'
import { freePort, waitForPort } from './ssh-server'
import { writeSslDistOptfile, type TlsCerts } from './tls-certs'

/**
 * Nodes that need a route to reach: TLS distribution, no EPMD, IPv6. Each is a real `erl`,
 * stopped by `stop()` (and SIGKILLed on process exit).
 */
export interface RouteNode {
  readonly name: string
  readonly alive: string
  readonly cookie: string
  /** The distribution port (known up front for the no-EPMD node, else read from EPMD). */
  readonly port?: number
  readonly process: ChildProcess
  output(): string
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const p of running) if (p.exitCode === null) p.kill('SIGKILL')
})

interface RawStart {
  name: string
  alive: string
  nameArgs: string[]
  args: string[]
  env?: Record<string, string>
  cookie?: string
  port?: number
  ready: (alive: () => string | undefined) => Promise<void>
}

async function startRaw(o: RawStart): Promise<RouteNode> {
  const cookie = o.cookie ?? randomBytes(12).toString('hex')
  const child = spawn('erl', ['-noinput', ...o.nameArgs, '-setcookie', cookie, ...o.args], {
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  running.add(child)
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const node: RouteNode = {
    name: o.name,
    alive: o.alive,
    cookie,
    port: o.port,
    process: child,
    output: () => out,
    async stop() {
      running.delete(child)
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGTERM')
      const t = setTimeout(() => child.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(t)
    }
  }
  try {
    await o.ready(() =>
      child.exitCode !== null ? `erl exited early (${child.exitCode}): ${out}` : undefined
    )
  } catch (e) {
    await node.stop()
    throw e
  }
  return node
}

async function registered(alive: string, dead: () => string | undefined): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const why = dead()
    if (why) throw new Error(why)
    if (epmdNames().includes(`name ${alive} at port`)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${alive} did not register in EPMD within 30 s`)
}

/**
 * A short-named node speaking TLS distribution (`-proto_dist inet_tls`) that requires a client
 * certificate from `certs`' CA. The server certificate should name `shortHost()`.
 */
export async function startTlsNode(dir: string, certs: TlsCerts, cookie?: string): Promise<RouteNode> {
  ensureEpmd()
  const alive = randomAlive('erlscope_tls')
  const optfile = writeSslDistOptfile(dir, certs)
  return startRaw({
    name: `${alive}@${shortHost()}`,
    alive,
    cookie,
    nameArgs: ['-sname', alive],
    args: ['-proto_dist', 'inet_tls', '-ssl_dist_optfile', optfile],
    ready: (dead) => registered(alive, dead)
  })
}

/**
 * A short-named node without EPMD: `-start_epmd false -erl_epmd_port PORT`, with ERL_EPMD_PORT
 * pointing at a dead port so it cannot register anywhere. Reach it with its port.
 */
export async function startNodeWithoutEpmd(cookie?: string): Promise<RouteNode & { port: number }> {
  const alive = randomAlive('erlscope_noepmd')
  const port = await freePort()
  const dead = await freePort()
  const node = await startRaw({
    name: `${alive}@${shortHost()}`,
    alive,
    cookie,
    port,
    nameArgs: ['-sname', alive],
    args: ['-start_epmd', 'false', '-erl_epmd_port', String(port)],
    env: { ERL_EPMD_PORT: String(dead) },
    ready: (d) => waitForPort('127.0.0.1', port, 30_000, d)
  })
  return { ...node, port, stop: () => node.stop(), output: () => node.output() }
}

/** A long-named node on IPv6 loopback: `-proto_dist inet6_tcp -name x@::1`. */
export async function startIpv6Node(cookie?: string): Promise<RouteNode> {
  ensureEpmd()
  const alive = randomAlive('erlscope_v6')
  return startRaw({
    name: `${alive}@::1`,
    alive,
    cookie,
    nameArgs: ['-name', `${alive}@::1`],
    args: ['-proto_dist', 'inet6_tcp'],
    ready: (dead) => registered(alive, dead)
  })
}

/**
 * A "production host" out of direct reach, for route tests: network namespaces, OpenSSH daemons,
 * and Erlang nodes bound to 127.0.0.1 inside (see DESIGN.md, "Routes to a node").
 *
 *   host ── veth A ──  prod namespace: sshd on A.2 and C.2; EPMD + app@127.0.0.1 + worker@127.0.0.1
 *     └─── veth B ──  jump namespace: sshd on B.2 ── veth C ── prod (C.2, unreachable from the host)
 *
 * One SSH hop: root@A.2, then 127.0.0.1:4369 and the dist port from there. Two hops: root@B.2, then
 * root@C.2, then 127.0.0.1 from there. Namespaces are named `rt-<pid>-<random>`; everything is
 * removed by `stop()`, on process exit, and by the next start if the process that made it is gone.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const IP = '/usr/sbin/ip'
const SSHD = '/usr/sbin/sshd'

export interface InnerNode {
  /** `alive@127.0.0.1`. */
  name: string
  alive: string
  /** OS pid of the erl process (in the host's pid namespace). */
  pid(): number | undefined
}

export interface ProductionHost {
  /** The prod namespace and the jump namespace. */
  ns: string
  jumpNs: string
  /** Prod's sshd as the host reaches it (one hop). */
  sshHost: string
  /** The jump's sshd as the host reaches it. */
  jumpHost: string
  /** Prod's sshd as the jump reaches it (the host has no route there). */
  prodFromJump: string
  user: string
  /** Private key (no passphrase) authorized on both daemons. */
  keyFile: string
  /** known_hosts with both daemons' host keys under the addresses above. */
  knownHosts: string
  /** known_hosts where prod's address carries another key (a changed host key). */
  wrongKnownHosts: string
  cookie: string
  /** The node the route reaches; `worker` is connected to it. */
  app: InnerNode
  worker: InnerNode
  /** Kills `node` and starts it again under the same name (the worker reconnects to app). */
  restart(node: InnerNode): Promise<void>
  /** Evaluates `expr` on `node` from a throwaway erl inside the namespace; prints the value with ~p. */
  eval(node: InnerNode, expr: string): Promise<string>
  /** Arguments for OpenSSH's `ssh` that use this host's key and known_hosts (strict checking). */
  sshArgs(): string[]
  stop(): Promise<void>
}

/** Why the namespace tests cannot run here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux'
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root'
  if (!existsSync(IP)) return `no ${IP} (Debian package iproute2)`
  if (!existsSync(SSHD)) return `no ${SSHD} (Debian package openssh-server)`
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'no ssh-keygen (openssh-client)'
  }
  const probe = `rt-${process.pid}-probe`
  try {
    execFileSync(IP, ['netns', 'add', probe], { stdio: 'pipe' })
    execFileSync(IP, ['netns', 'del', probe], { stdio: 'pipe' })
  } catch (error) {
    return `'ip netns add' fails here: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`
  }
  return undefined
}

function ip(...args: string[]): void {
  execFileSync(IP, args, { stdio: 'pipe' })
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Kills every process in the namespace and deletes it (the veth pairs go with it). */
function removeNamespace(ns: string): void {
  try {
    const pids = execFileSync(IP, ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean)
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL')
      } catch {
        // gone already
      }
    }
  } catch {
    // no such namespace
  }
  try {
    execFileSync(IP, ['netns', 'del', ns], { stdio: 'ignore' })
  } catch {
    // already deleted
  }
}

/** Namespaces left by a test process that died without cleaning up. */
function sweepStale(): void {
  let names: string[]
  try {
    names = execFileSync(IP, ['netns', 'list'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.split(' ')[0])
  } catch {
    return
  }
  for (const ns of names) {
    const m = /^rt-(\d+)-/.exec(ns)
    if (m && !alive(Number(m[1]))) removeNamespace(ns)
  }
}

const live = new Set<string>()
let exitHook = false
function onExit(): void {
  for (const ns of live) removeNamespace(ns)
  live.clear()
}

/** Three /24s under 10.211.0.0/16 that no interface here uses (several test runs may coexist). */
function freeSubnets(n: number): number[] {
  const used = execFileSync(IP, ['-o', '-4', 'addr'], { encoding: 'utf8' })
  const out: number[] = []
  while (out.length < n) {
    const k = 16 + (randomBytes(1)[0] % 230)
    if (!out.includes(k) && !used.includes(`10.211.${k}.`)) out.push(k)
  }
  return out
}

function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const tick = async (): Promise<void> => {
      try {
        if (await check()) return resolve()
      } catch {
        // not yet
      }
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`))
      setTimeout(() => void tick(), 100)
    }
    void tick()
  })
}

function sshdConfig(
  dir: string,
  name: string,
  listen: string[],
  hostKey: string,
  authorized: string
): string {
  const conf = join(dir, `${name}_sshd_config`)
  writeFileSync(
    conf,
    [
      'Port 22',
      ...listen.map((a) => `ListenAddress ${a}`),
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorized}`,
      `PidFile ${join(dir, `${name}_sshd.pid`)}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'AllowTcpForwarding yes',
      'PermitOpen any',
      'LogLevel VERBOSE',
      ''
    ].join('\n')
  )
  return conf
}

function keygen(file: string, comment: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], {
    stdio: 'ignore'
  })
  chmodSync(file, 0o600)
  return readFileSync(`${file}.pub`, 'utf8').trim()
}

/** `type base64` of a public key line. */
const keyOf = (pub: string): string => pub.split(/\s+/).slice(0, 2).join(' ')

export async function startProductionHost(): Promise<ProductionHost> {
  sweepStale()
  if (!exitHook) {
    exitHook = true
    process.once('exit', onExit)
    // a test runner stops its workers with a signal: clean up, then die of it as usual
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
      process.once(signal, () => {
        onExit()
        process.kill(process.pid, signal)
      })
  }
  const tag = randomBytes(3).toString('hex')
  const ns = `rt-${process.pid}-${tag}`
  const jumpNs = `${ns}-j`
  const dir = mkdtempSync(join(tmpdir(), 'erlscope-netns-'))
  const children: ChildProcess[] = []
  const logs = new Map<string, string>()
  const track = (name: string, child: ChildProcess): ChildProcess => {
    children.push(child)
    logs.set(name, '')
    const add = (d: Buffer): void => {
      const text = (logs.get(name) ?? '') + d.toString()
      logs.set(name, text.length > 20_000 ? text.slice(-20_000) : text)
    }
    child.stdout?.on('data', add)
    child.stderr?.on('data', add)
    return child
  }
  const describeLogs = (): string => [...logs].map(([n, t]) => `--- ${n}\n${t.trim()}`).join('\n')

  live.add(ns)
  live.add(jumpNs)
  const stop = async (): Promise<void> => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
    removeNamespace(ns)
    removeNamespace(jumpNs)
    live.delete(ns)
    live.delete(jumpNs)
    rmSync(dir, { recursive: true, force: true })
  }

  try {
    const [a, b, c] = freeSubnets(3)
    const sshHost = `10.211.${a}.2`
    const jumpHost = `10.211.${b}.2`
    const prodFromJump = `10.211.${c}.2`
    ip('netns', 'add', ns)
    ip('netns', 'add', jumpNs)
    for (const n of [ns, jumpNs]) ip('-n', n, 'link', 'set', 'lo', 'up')
    const pair = (hostSide: string, inside: string, insideNs: string, hostNs?: string): void => {
      ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', inside)
      ip('link', 'set', inside, 'netns', insideNs)
      if (hostNs) ip('link', 'set', hostSide, 'netns', hostNs)
    }
    const veth = (s: string): string => `rt${tag}${s}`
    pair(veth('a'), veth('b'), ns)
    pair(veth('c'), veth('d'), jumpNs)
    pair(veth('e'), veth('f'), ns, jumpNs)
    const addr = (n: string | undefined, dev: string, cidr: string): void => {
      const pre = n ? ['-n', n] : []
      ip(...pre, 'addr', 'add', cidr, 'dev', dev)
      ip(...pre, 'link', 'set', dev, 'up')
    }
    addr(undefined, veth('a'), `10.211.${a}.1/24`)
    addr(ns, veth('b'), `${sshHost}/24`)
    addr(undefined, veth('c'), `10.211.${b}.1/24`)
    addr(jumpNs, veth('d'), `${jumpHost}/24`)
    addr(jumpNs, veth('e'), `10.211.${c}.1/24`)
    addr(ns, veth('f'), `${prodFromJump}/24`)

    const keyFile = join(dir, 'id_ed25519')
    const clientPub = keygen(keyFile, 'erlscope-test')
    const authorized = join(dir, 'authorized_keys')
    writeFileSync(authorized, `${clientPub}\n`)
    const prodPub = keygen(join(dir, 'prod_host_key'), 'prod')
    const jumpPub = keygen(join(dir, 'jump_host_key'), 'jump')
    const otherPub = keygen(join(dir, 'other_host_key'), 'other')
    const knownHosts = join(dir, 'known_hosts')
    writeFileSync(
      knownHosts,
      [`${sshHost},${prodFromJump} ${keyOf(prodPub)}`, `${jumpHost} ${keyOf(jumpPub)}`, ''].join('\n')
    )
    const wrongKnownHosts = join(dir, 'known_hosts.changed')
    writeFileSync(
      wrongKnownHosts,
      [`${sshHost},${prodFromJump} ${keyOf(otherPub)}`, `${jumpHost} ${keyOf(jumpPub)}`, ''].join('\n')
    )
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
    const prodConf = sshdConfig(dir, 'prod', [sshHost, prodFromJump], join(dir, 'prod_host_key'), authorized)
    const jumpConf = sshdConfig(dir, 'jump', [jumpHost], join(dir, 'jump_host_key'), authorized)
    const inNs = (n: string, cmd: string[], env: Record<string, string> = {}): ChildProcess =>
      spawn(IP, ['netns', 'exec', n, 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...cmd], {
        stdio: ['ignore', 'pipe', 'pipe']
      })
    track('sshd prod', inNs(ns, [SSHD, '-D', '-e', '-f', prodConf]))
    track('sshd jump', inNs(jumpNs, [SSHD, '-D', '-e', '-f', jumpConf]))

    const erlEnv = { ERL_EPMD_ADDRESS: '127.0.0.1', HOME: dir }
    track('epmd', inNs(ns, ['epmd', '-address', '127.0.0.1'], erlEnv))
    const epmdNames = (): string => {
      try {
        return execFileSync(IP, ['netns', 'exec', ns, 'epmd', '-names'], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore']
        })
      } catch {
        return ''
      }
    }
    await waitFor(() => epmdNames().startsWith('epmd: up and running'), 'EPMD in the namespace')

    const cookie = randomBytes(12).toString('hex')
    const appAlive = `app_${tag}`
    const workerAlive = `worker_${tag}`
    const processes = new Map<string, ChildProcess>()
    const bootNode = async (aliveName: string, bootEval?: string): Promise<void> => {
      const args = [
        'erl',
        '-noinput',
        '-name',
        `${aliveName}@127.0.0.1`,
        '-setcookie',
        cookie,
        '-kernel',
        'inet_dist_use_interface',
        '{127,0,0,1}',
        ...(bootEval ? ['-eval', bootEval] : [])
      ]
      const child = track(aliveName, inNs(ns, args, erlEnv))
      processes.set(aliveName, child)
      await waitFor(() => epmdNames().includes(`name ${aliveName} at port`), `${aliveName} in EPMD`)
    }
    const connectToApp = `
      Connect = fun Loop(N) -> case net_kernel:connect_node('${appAlive}@127.0.0.1') of
        true -> ok; _ when N > 0 -> timer:sleep(200), Loop(N - 1); _ -> erlang:halt(3) end end,
      Connect(100),
      spawn(fun Watch() -> timer:sleep(300), net_kernel:connect_node('${appAlive}@127.0.0.1'), Watch() end)`
    const app: InnerNode = {
      name: `${appAlive}@127.0.0.1`,
      alive: appAlive,
      pid: () => processes.get(appAlive)?.pid
    }
    const worker: InnerNode = {
      name: `${workerAlive}@127.0.0.1`,
      alive: workerAlive,
      pid: () => processes.get(workerAlive)?.pid
    }

    const evalIn = (node: InnerNode, expr: string): Promise<string> => {
      const script =
        `{ok,T,_}=erl_scan:string(binary_to_list(base64:decode("${Buffer.from(expr.trim().replace(/\.?$/, '.')).toString('base64')}"))),` +
        `{ok,F}=erl_parse:parse_exprs(T),` +
        `{value,V,_}=erpc:call('${node.name}',erl_eval,exprs,[F,[]],60000),` +
        `io:format("~p~n",[V]),halt().`
      const probe = `probe_${randomBytes(3).toString('hex')}@127.0.0.1`
      const child = inNs(
        ns,
        ['erl', '-noinput', '-hidden', '-name', probe, '-setcookie', cookie, '-eval', script],
        erlEnv
      )
      return new Promise((resolve, reject) => {
        let out = ''
        child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
        child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
        child.on('exit', (code) =>
          code === 0
            ? resolve(out.trim())
            : reject(new Error(`eval on ${node.name} failed (${code}): ${out}`))
        )
      })
    }
    const workerLinked = async (): Promise<boolean> =>
      (await evalIn(app, 'erlang:nodes()')).includes(workerAlive)

    await bootNode(appAlive)
    await bootNode(workerAlive, connectToApp)
    await waitFor(workerLinked, 'the worker connected to app', 60_000)

    const restart = async (node: InnerNode): Promise<void> => {
      const old = processes.get(node.alive)
      if (old && old.exitCode === null && old.signalCode === null) {
        const gone = new Promise((r) => old.once('exit', r))
        old.kill('SIGKILL')
        await gone
      }
      await waitFor(() => !epmdNames().includes(`name ${node.alive} at port`), `${node.alive} out of EPMD`)
      await bootNode(node.alive, node === worker ? connectToApp : undefined)
      await waitFor(workerLinked, 'the worker connected to app again', 60_000)
    }

    return {
      ns,
      jumpNs,
      sshHost,
      jumpHost,
      prodFromJump,
      user: 'root',
      keyFile,
      knownHosts,
      wrongKnownHosts,
      cookie,
      app,
      worker,
      restart,
      eval: evalIn,
      sshArgs: () => [
        '-i',
        keyFile,
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        'BatchMode=yes',
        '-o',
        'IdentitiesOnly=yes',
        '-F',
        '/dev/null'
      ],
      stop
    }
  } catch (error) {
    const logText = describeLogs()
    await stop()
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logText}`)
  }
}

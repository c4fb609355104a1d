import { spawn, spawnSync, execFileSync } from 'node:child_process'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { netnsUnavailable, startProductionHost, type ProductionHost } from '../../support/netns-host'

const skip = netnsUnavailable()
if (skip) console.warn(`production-host tests skipped: ${skip}`)

/** EPMD's NAMES_REQ (110) over a command's stdin/stdout; resolves with the text after the port. */
function epmdNamesOver(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    const chunks: Buffer[] = []
    let err = ''
    child.stdout.on('data', (d: Buffer) => chunks.push(d))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('exit', (code) => {
      const out = Buffer.concat(chunks)
      if (out.length >= 4) resolve(out.subarray(4).toString('latin1'))
      else reject(new Error(`${command} exited ${code}: ${err}`))
    })
    child.stdin.end(Buffer.from([0, 1, 110]))
  })
}

function tcpOutcome(host: string, port: number, waitMs: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port })
    const timer = setTimeout(() => {
      s.destroy()
      resolve('no answer')
    }, waitMs)
    s.once('connect', () => {
      clearTimeout(timer)
      s.destroy()
      resolve('connected')
    })
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      resolve(e.code ?? e.message)
    })
  })
}

describe.skipIf(skip !== undefined)('a production host in a network namespace', () => {
  let host: ProductionHost
  beforeAll(async () => {
    host = await startProductionHost()
  }, 120_000)
  afterAll(async () => host?.stop())

  it('keeps EPMD and the nodes out of direct reach', async () => {
    expect(await tcpOutcome(host.sshHost, 4369, 3000)).toBe('ECONNREFUSED')
    expect(await tcpOutcome(host.sshHost, 22, 3000)).toBe('connected')
    // the host has no route to the jump's side of prod (its default route may still accept a SYN)
    await expect(
      epmdNamesOver('ssh', [
        ...host.sshArgs(),
        '-o',
        'ConnectTimeout=5',
        '-W',
        '127.0.0.1:4369',
        `${host.user}@${host.prodFromJump}`
      ])
    ).rejects.toThrow()
    expect(await host.eval(host.app, 'erlang:nodes()')).toContain(host.worker.name)
  })

  it('answers EPMD through one OpenSSH hop and through a jump host', async () => {
    const one = await epmdNamesOver('ssh', [
      ...host.sshArgs(),
      '-W',
      '127.0.0.1:4369',
      `${host.user}@${host.sshHost}`
    ])
    expect(one).toContain(`name ${host.app.alive} at port`)
    expect(one).toContain(`name ${host.worker.alive} at port`)
    const jump = `ssh ${host.sshArgs().join(' ')} -W %h:%p ${host.user}@${host.jumpHost}`
    const two = await epmdNamesOver('ssh', [
      ...host.sshArgs(),
      '-o',
      `ProxyCommand=${jump}`,
      '-W',
      '127.0.0.1:4369',
      `${host.user}@${host.prodFromJump}`
    ])
    expect(two).toContain(`name ${host.app.alive} at port`)
  })

  it("OpenSSH itself refuses the daemon under a changed host key (the fixture's wrong known_hosts)", async () => {
    const args = [...host.sshArgs(), '-W', '127.0.0.1:4369', `${host.user}@${host.sshHost}`]
    args[args.indexOf(`UserKnownHostsFile=${host.knownHosts}`)] = `UserKnownHostsFile=${host.wrongKnownHosts}`
    await expect(epmdNamesOver('ssh', args)).rejects.toThrow(
      /HOST IDENTIFICATION HAS CHANGED|Host key verification failed/
    )
  })

  it('restarts a node under the same name, and the worker comes back to it', async () => {
    const before = host.app.pid()
    await host.restart(host.app)
    expect(host.app.pid()).not.toBe(before)
    expect(await host.eval(host.app, 'erlang:nodes()')).toContain(host.worker.name)
  })

  it('leaves no namespace behind, and sweeps those of a test process that died', async () => {
    const names = (): string => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    const dead = spawnSync('true').pid
    const stale = `rt-${dead}-stale`
    execFileSync('ip', ['netns', 'add', stale])
    const other = await startProductionHost()
    expect(names()).not.toContain(stale)
    expect(names()).toContain(other.ns)
    await other.stop()
    expect(names()).not.toContain(other.ns)
    expect(names()).not.toContain(other.jumpNs)
  })
})

import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'

/** A real `erl` node started by a test, always stopped by `stop()`. */
export interface ErlNode {
  /** Full node name, e.g. `erlscope_t_ab12@vm`. */
  readonly name: string
  readonly alive: string
  readonly host: string
  readonly cookie: string
  readonly process: ChildProcess
  /** Evaluates an expression on the node from another short-lived erl (through distribution). */
  eval(expr: string): Promise<string>
  /** Stops the node (halt, then SIGKILL if it does not go). */
  stop(): Promise<void>
  /** Kills the OS process with SIGKILL. */
  kill(): void
}

export interface StartOptions {
  alive?: string
  cookie?: string
  longNames?: boolean
  /** Extra `erl` arguments, e.g. ['-kernel', 'net_ticktime', '4']. */
  args?: string[]
  env?: Record<string, string>
  /** Expression evaluated at boot (`-eval`), e.g. to seed processes. */
  bootEval?: string
  /** The `erl` to run (default `erl` on PATH, OTP 25 here; test/support/otp27.ts has an OTP 27 one). */
  erl?: string
}

export const shortHost = (): string => hostname().split('.')[0]

export function randomAlive(prefix = 'erlscope_t'): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`
}

export function ensureEpmd(): void {
  execFileSync('epmd', ['-daemon'], { stdio: 'ignore' })
}

export function epmdNames(): string {
  try {
    return execFileSync('epmd', ['-names'], { encoding: 'utf8' })
  } catch {
    return ''
  }
}

const running = new Set<ErlNode>()
process.once('exit', () => {
  for (const node of running) node.kill()
})

export async function startNode(options: StartOptions = {}): Promise<ErlNode> {
  ensureEpmd()
  const alive = options.alive ?? randomAlive()
  const cookie = options.cookie ?? randomBytes(12).toString('hex')
  const host = options.longNames ? '127.0.0.1' : shortHost()
  const name = `${alive}@${host}`
  const nameArgs = options.longNames ? ['-name', name] : ['-sname', alive]
  const args = ['-noinput', ...nameArgs, '-setcookie', cookie, ...(options.args ?? [])]
  if (options.bootEval) args.push('-eval', options.bootEval)
  const child = spawn(options.erl ?? 'erl', args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))

  const node: ErlNode = {
    name,
    alive,
    host,
    cookie,
    process: child,
    eval: (expr) => evalOn(name, cookie, expr, options.longNames ?? false),
    async stop() {
      running.delete(node)
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(timer)
    },
    kill() {
      running.delete(node)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
  }
  running.add(node)
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`erl exited early (${child.exitCode}): ${output}`)
    if (epmdNames().includes(`name ${alive} at port`)) return node
    await new Promise((r) => setTimeout(r, 100))
  }
  node.kill()
  throw new Error(`erl node ${name} did not register in EPMD within 20 s: ${output}`)
}

/**
 * Evaluates `expr` on `node` with `erpc` from a throwaway hidden erl, printing the result with ~p.
 * This is the test's independent view of the node (what the node itself says).
 */
export function evalOn(node: string, cookie: string, expr: string, longNames = false): Promise<string> {
  const self = `${randomAlive('erlscope_probe')}${longNames ? '@127.0.0.1' : ''}`
  const script =
    `{ok,T,_}=erl_scan:string(binary_to_list(base64:decode("${Buffer.from(expr.trim().replace(/\.?$/, '.')).toString('base64')}"))),` +
    `{ok,F}=erl_parse:parse_exprs(T),` +
    `R=erpc:call('${node}',erl_eval,exprs,[F,[]],60000),` +
    `{value,V,_}=R,io:format("~p~n",[V]),halt().`
  return new Promise((resolve, reject) => {
    const child = spawn(
      'erl',
      ['-noinput', '-hidden', longNames ? '-name' : '-sname', self, '-setcookie', cookie, '-eval', script],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('exit', (code) => {
      if (code === 0) resolve(out.trim())
      else reject(new Error(`eval on ${node} failed (${code}): ${out}${err}`))
    })
  })
}

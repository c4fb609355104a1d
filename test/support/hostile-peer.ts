import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'
import { join } from 'node:path'

/** The hostile fake node (test/support/hostile-node.mjs) in its own process, stopped by `stop()`. */
export interface HostilePeer {
  node: string
  cookie: string
  epmdPort: number
  nodePort: number
  stop(): void
}

export async function startHostilePeer(): Promise<HostilePeer> {
  const cookie = randomBytes(12).toString('hex')
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'hostile-node.mjs'), cookie], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const stop = (): void => {
    if (child.exitCode === null) child.kill('SIGKILL')
  }
  process.once('exit', stop)
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! })
    rl.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`hostile node exited (${code}) before listening`)))
  })
  const { epmdPort, nodePort, node } = JSON.parse(line) as {
    epmdPort: number
    nodePort: number
    node: string
  }
  return { node, cookie, epmdPort, nodePort, stop }
}

import { randomBytes } from 'node:crypto'
import { connectNode } from '../../src/main/erldist/client'
import { listElements } from '../../src/main/erldist/etf'
import { randomAlive, startNode, type ErlNode, type StartOptions } from './erl-node'

/** Small BEAMs: one scheduler of each kind, few async threads (for clusters of many nodes). */
export const SMALL_NODE_ARGS = ['+S', '1:1', '+SDcpu', '1:1', '+SDio', '1', '+A', '1']

export interface ErlCluster {
  cookie: string
  /** The node the others connected to. */
  entry: ErlNode
  /** The other members. */
  members: ErlNode[]
  all: ErlNode[]
  stop(): Promise<void>
}

export interface ClusterOptions {
  /** Members besides the entry. */
  members: number
  /** Extra `erl` arguments for every node. */
  args?: string[]
  /** Members connect to the entry only (`-connect_all false`): a star instead of global's full mesh. */
  star?: boolean
  /** How many members start at once (default 8). */
  parallel?: number
  bootEval?: (index: number) => string | undefined
}

/** The nodes `entry` sees in `nodes()`, read over our own distribution client. */
export async function visibleNodes(entry: ErlNode): Promise<string[]> {
  const c = await connectNode({ node: entry.name, cookie: entry.cookie, timeoutMs: 20_000 })
  try {
    const names = listElements(await c.rpc('erlang', 'nodes', [])) ?? []
    return names.flatMap((t) => (t.kind === 'atom' ? [t.name] : []))
  } finally {
    c.close()
  }
}

/** Starts an entry node and `members` nodes connected to it; resolves when the entry sees them all. */
export async function startCluster(options: ClusterOptions): Promise<ErlCluster> {
  const cookie = randomBytes(12).toString('hex')
  const args = [...(options.args ?? []), ...(options.star ? ['-connect_all', 'false'] : [])]
  const started: ErlNode[] = []
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((n) => n.stop()))
  }
  try {
    const entry = await startNode({ cookie, args, alive: randomAlive('erlscope_ce') })
    started.push(entry)
    const members: ErlNode[] = []
    const parallel = options.parallel ?? 8
    for (let i = 0; i < options.members; i += parallel) {
      const batch = Array.from({ length: Math.min(parallel, options.members - i) }, (_, k) => i + k)
      const nodes = await Promise.all(
        batch.map((index) => {
          const extra = options.bootEval?.(index)
          const opts: StartOptions = {
            cookie,
            args,
            alive: randomAlive('erlscope_cm'),
            bootEval: `true = net_kernel:connect_node('${entry.name}')${extra ? `, ${extra}` : ''}`
          }
          return startNode(opts)
        })
      )
      started.push(...nodes)
      members.push(...nodes)
    }
    const deadline = Date.now() + 60_000
    for (;;) {
      const seen = new Set(await visibleNodes(entry))
      if (members.every((m) => seen.has(m.name))) break
      if (Date.now() > deadline) throw new Error(`the entry sees ${seen.size} of ${members.length} members`)
      await new Promise((r) => setTimeout(r, 200))
    }
    return { cookie, entry, members, all: [entry, ...members], stop }
  } catch (error) {
    await stop()
    throw error
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeLiveCommands } from '../../../src/main/cli/live-commands'
import { parseArgs, type CliIo } from '../../../src/main/cli/command'
import { startNode, type ErlNode } from '../../support/erl-node'
import { SEEDED, seedBigHeap, seedMailbox } from '../../support/seeded-node'
import { bridgeConnector } from './erl-bridge'
import { liveConnector } from './live-connector'

const [top, allocators] = makeLiveCommands(liveConnector() ?? bridgeConnector())
const VALUE_FLAGS = ['cookie', 'by', 'limit', 'timeout']

async function run(
  cmd: typeof top,
  argv: string[],
  env: NodeJS.ProcessEnv = {}
): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io: CliIo = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), env }
  const code = await cmd.run(parseArgs(argv, VALUE_FLAGS), io)
  return { code, out, err }
}

describe('erlscope top / allocators', () => {
  let node: ErlNode
  beforeAll(async () => {
    node = await startNode()
    await Promise.all([seedBigHeap(node), seedMailbox(node)])
  })
  afterAll(async () => node?.stop())

  it('top --json lists the heaviest processes with the documented fields', async () => {
    const r = await run(top, [node.name, '--cookie', node.cookie, '--limit', '3', '--json'])
    expect(r.code).toBe(0)
    const parsed = JSON.parse(r.out) as { rows: Record<string, unknown>[] }
    expect(parsed.rows).toHaveLength(3)
    expect(Object.keys(parsed.rows[0]).sort()).toEqual(
      [
        'currentFunction',
        'initialCall',
        'memory',
        'messageQueueLength',
        'pid',
        'reductions',
        'registeredName'
      ].sort()
    )
    expect(parsed.rows[0].registeredName).toBe(SEEDED.bigHeap)
  })

  it('top --by message_queue_len prints a table; cookie from ERLSCOPE_COOKIE', async () => {
    const r = await run(top, [node.name, '--by', 'message_queue_len', '--limit', '2'], {
      ERLSCOPE_COOKIE: node.cookie
    })
    expect(r.code).toBe(0)
    expect(r.out.split('\n')[1]).toContain(SEEDED.mailbox)
    await expect(
      run(top, [node.name, '--by', 'nope'], { ERLSCOPE_COOKIE: node.cookie })
    ).rejects.toMatchObject({ code: 'invalid_request' })
  })

  it('allocators prints totals, types and fragmentation; --json the report', async () => {
    const r = await run(allocators, [node.name, '--cookie', node.cookie])
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/Allocated by alloc_util: .*erlang:memory\(total\)/)
    expect(r.out).toContain('eheap_alloc')
    const j = await run(allocators, [node.name, '--cookie', node.cookie, '--json'])
    const rep = JSON.parse(j.out) as { allocated: number; instances: unknown[] }
    expect(rep.allocated).toBeGreaterThan(0)
    expect(rep.instances.length).toBeGreaterThan(5)
  })
})

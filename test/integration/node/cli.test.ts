import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeLiveCommands } from '../../../src/main/cli/live-commands'
import { main } from '../../../src/main/cli/main'
import type { CliIo } from '../../../src/main/cli/command'
import { humanBytes } from '../../../src/shared/format-bytes'
import { startNode, type ErlNode } from '../../support/erl-node'
import {
  SEEDED,
  infoOf,
  seedBigHeap,
  seedChurner,
  seedHeapGrower,
  seedMailbox
} from '../../support/seeded-node'
import { bridgeConnector } from './erl-bridge'
import { liveConnector } from './live-connector'

const commands = makeLiveCommands(liveConnector() ?? bridgeConnector())

/** A command line through the real dispatcher (main.ts), over this file's connector. */
async function run(
  argv: string[],
  env: NodeJS.ProcessEnv = {}
): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io: CliIo = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), env }
  const code = await main(argv, io, commands)
  return { code, out, err }
}

interface TopJson {
  by: string
  rows: Record<string, unknown>[]
}

describe('erlscope top / allocators', () => {
  let node: ErlNode
  beforeAll(async () => {
    node = await startNode()
    await Promise.all([seedBigHeap(node), seedMailbox(node), seedChurner(node)])
  })
  afterAll(async () => node?.stop())

  it('top --json lists the heaviest processes with the documented fields and the ranked value', async () => {
    const r = await run(['top', node.name, '--cookie', node.cookie, '--limit', '3', '--json'])
    expect(r.code).toBe(0)
    const parsed = JSON.parse(r.out) as TopJson
    expect(parsed.rows).toHaveLength(3)
    expect(Object.keys(parsed.rows[0]).sort()).toEqual(
      [
        'binaryMemory',
        'currentFunction',
        'initialCall',
        'memory',
        'messageQueueLength',
        'pid',
        'rankedValue',
        'reductions',
        'registeredName',
        'totalHeapSize'
      ].sort()
    )
    expect(parsed.rows[0].registeredName).toBe(SEEDED.bigHeap)
    expect(parsed.rows[0].rankedValue).toBe(parsed.rows[0].memory)
  })

  it('top --by message_queue_len prints a table; cookie from ERLSCOPE_COOKIE; a bad --by is exit 2', async () => {
    const r = await run(['top', node.name, '--by', 'message_queue_len', '--limit', '2'], {
      ERLSCOPE_COOKIE: node.cookie
    })
    expect(r.code).toBe(0)
    expect(r.out.split('\n')[1]).toContain(SEEDED.mailbox)
    const bad = await run(['top', node.name, '--by', 'nope'], { ERLSCOPE_COOKIE: node.cookie })
    expect(bad.code).toBe(2)
    expect(bad.err).toMatch(/--by takes one of memory, .*total_heap_size, binary_memory, growth; not 'nope'/)
  })

  it('prints the ranked value when it is not already a column: total heap in bytes', async () => {
    const r = await run([
      'top',
      node.name,
      '--cookie',
      node.cookie,
      '--by',
      'total_heap_size',
      '--limit',
      '1'
    ])
    expect(r.code).toBe(0)
    const [header, first] = r.out.split('\n')
    expect(header).toMatch(/^PID +NAME \/ INITIAL CALL +TOTAL HEAP +MEMORY/)
    expect(first).toContain(SEEDED.bigHeap)
    const words = await infoOf(node, SEEDED.bigHeap, 'total_heap_size')
    expect(first).toContain(` ${humanBytes(words * 8)} `)
    expect(r.out).toContain('by total_heap_size')
  })

  it('growth of total heap is in bytes: words grown times the word size, printed with a unit', async () => {
    await seedHeapGrower(node)
    const argv = [
      'top',
      node.name,
      '--cookie',
      node.cookie,
      '--by',
      'growth',
      '--growth-of',
      'total_heap_size'
    ]
    const narrow = ['--window-ms', '3000', '--filter', SEEDED.heapGrower, '--limit', '1']
    try {
      const before = await infoOf(node, SEEDED.heapGrower, 'total_heap_size')
      const json = await run([...argv, ...narrow, '--json'])
      const after = await infoOf(node, SEEDED.heapGrower, 'total_heap_size')
      expect(json.code).toBe(0)
      const row = (JSON.parse(json.out) as TopJson).rows[0]
      expect(row.registeredName).toBe(SEEDED.heapGrower)
      const grown = Number(row.rankedValue)
      expect(grown % 8).toBe(0)
      expect(grown).toBeGreaterThan(after - before)
      expect(grown).toBeLessThanOrEqual((after - before) * 8)
      const text = await run([...argv, ...narrow])
      expect(text.code).toBe(0)
      const [header, first] = text.out.split('\n')
      expect(header).toMatch(/^PID +NAME \/ INITIAL CALL +GROWTH +MEMORY/)
      expect(first).toMatch(/ \+[\d.]+ (B|KiB|MiB|GiB) /)
    } finally {
      await node.eval(
        `M = monitor(process, whereis(${SEEDED.heapGrower})), ${SEEDED.heapGrower} ! stop, receive {'DOWN', M, _, _, _} -> ok end`
      )
    }
  })

  it('growth with --filter ranks only matching processes: the ones born during the window are filtered too', async () => {
    const r = await run([
      'top',
      node.name,
      '--cookie',
      node.cookie,
      '--by',
      'growth',
      '--growth-of',
      'message_queue_len',
      '--window-ms',
      '600',
      '--filter',
      'ERLSCOPE_SEED',
      '--limit',
      '50',
      '--json'
    ])
    expect(r.code).toBe(0)
    const parsed = JSON.parse(r.out) as TopJson & { windowMs: number; matching: number }
    expect(parsed.windowMs).toBe(600)
    // the churner spawns short-lived processes that do not match; none of them may be listed
    const names = parsed.rows.map((row) => row.registeredName)
    expect(names.every((n) => typeof n === 'string' && n.startsWith('erlscope_seed_'))).toBe(true)
    expect(new Set(names)).toEqual(
      new Set([SEEDED.bigHeap, SEEDED.mailbox, `${SEEDED.mailbox}_feeder`, SEEDED.churner])
    )
    expect(parsed.matching).toBe(4)
    expect(parsed.rows[0].registeredName).toBe(SEEDED.mailbox)
    expect(parsed.rows[0].rankedValue).toBeGreaterThan(0)

    const text = await run([
      'top',
      node.name,
      '--cookie',
      node.cookie,
      '--by',
      'growth',
      '--growth-of',
      'message_queue_len',
      '--window-ms',
      '600',
      '--filter',
      'erlscope_seed_mailbox',
      '--limit',
      '5'
    ])
    expect(text.code).toBe(0)
    const lines = text.out.trim().split('\n')
    expect(lines[0]).toMatch(/^PID +NAME \/ INITIAL CALL +GROWTH +MEMORY/)
    expect(lines[1]).toMatch(new RegExp(`${SEEDED.mailbox} +\\+[\\d,]+ `))
    expect(lines.at(-1)).toMatch(
      /^2 of 2 matching 'erlscope_seed_mailbox' of \d+ processes, by growth of message_queue_len over 600 ms$/
    )
  })

  it('allocators prints totals, types and fragmentation; --json the report', async () => {
    const r = await run(['allocators', node.name, '--cookie', node.cookie])
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/Allocated by alloc_util: .*erlang:memory\(total\)/)
    expect(r.out).toContain('eheap_alloc')
    const j = await run(['allocators', node.name, '--cookie', node.cookie, '--json'])
    const rep = JSON.parse(j.out) as { allocated: number; instances: unknown[] }
    expect(rep.allocated).toBeGreaterThan(0)
    expect(rep.instances.length).toBeGreaterThan(5)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNode, type ErlNode } from '../support/erl-node'
import { runCli } from '../support/cli-runner'
import { SEEDED, pidOf, seedMailbox } from '../support/seeded-node'

let n: ErlNode
beforeAll(async () => {
  n = await startNode()
  await seedMailbox(n, 30, 0)
  // a binary leak: a process keeps every 512 KB refc binary it makes, 4 a second
  await n.eval(`
    L = spawn(fun() -> Loop = fun F(Acc) -> receive after 250 -> F([binary:copy(<<7>>, 512 * 1024) | Acc]) end end, Loop([]) end),
    register(erlscope_test_binleaker, L), ok`)
})
afterAll(async () => {
  await n?.stop()
})

const env = (): NodeJS.ProcessEnv => ({ ERLSCOPE_COOKIE: n.cookie })

describe('erlscope process NODE PID', () => {
  it('prints info, stack and dictionary; messages only with --messages, through the guard', async () => {
    const sink = await pidOf(n, SEEDED.mailbox)
    const r = await runCli(['process', n.name, sink, '--json'], env())
    expect(r.code, r.err).toBe(0)
    const j = JSON.parse(r.out) as Record<string, unknown>
    expect(j.pid).toBe(sink)
    expect(j.source).toBe(n.name)
    expect(j.registeredName).toBe(SEEDED.mailbox)
    expect(j.messageQueueLength).toBeGreaterThanOrEqual(30)
    expect(typeof j.memoryBytes).toBe('number')
    expect(j.messages).toEqual([])
    expect((j.stack as string[]).length).toBeGreaterThan(0)
    expect(Array.isArray(j.dictionary)).toBe(true)

    const m = await runCli(['process', n.name, sink, '--messages', '3', '--json'], env())
    expect(m.code, m.err).toBe(0)
    const messages = (JSON.parse(m.out) as { messages: string[] }).messages
    expect(messages).toHaveLength(3)
    expect(messages[0]).toContain('{job,1,')

    const text = await runCli(['process', n.name, sink, '--messages', '2'], env())
    expect(text.code, text.err).toBe(0)
    expect(text.out).toContain(`Process ${sink}`)
    expect(text.out).toMatch(/Messages \(1–2 of \d+/)
    expect(text.out).toContain('Stack (')
  })

  it('refuses dump flags for a node (exit 2), a dead pid with not_found, a path as a dump', async () => {
    const sink = await pidOf(n, SEEDED.mailbox)
    const s = await runCli(['process', n.name, sink, '--syntax', 'elixir'], env())
    expect(s.code).toBe(2)
    expect(s.err).toContain('--syntax is for a crash dump')
    const dead = await runCli(['process', n.name, '<0.9999.0>'], env())
    expect(dead.code).toBe(1)
    expect(dead.errorCode).toBe('not_found')
    const file = await runCli(['process', './no-such.dump', '<0.1.0>'])
    expect(file.code).toBe(1)
    expect(file.err).toContain('no-such.dump')
    const c = await runCli(['process', './no-such.dump', '<0.1.0>', '--cookie', 'x'])
    expect(c.code).toBe(2)
  })
})

describe('erlscope watch NODE', () => {
  it('--json prints JSON Lines where binary memory grows on a node that leaks binaries', async () => {
    const r = await runCli(['watch', n.name, '--json', '--interval', '600', '--count', '5'], env())
    expect(r.code, r.err).toBe(0)
    const lines = r.out
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            node: string
            memoryBytes: Record<string, number>
            deltaBytes: Record<string, number>
            sinceStartBytes: Record<string, number>
            processCount: number
          }
      )
    expect(lines).toHaveLength(5)
    expect(lines[0].node).toBe(n.name)
    expect(lines[0].sinceStartBytes.binary).toBe(0)
    // 4 binaries of 512 KB a second for 2.4 s or more: at least 2 MB more
    expect(lines[4].sinceStartBytes.binary).toBeGreaterThan(2 * 1024 * 1024)
    expect(lines[4].memoryBytes.binary - lines[0].memoryBytes.binary).toBe(lines[4].sinceStartBytes.binary)
    expect(lines.slice(1).some((l) => l.deltaBytes.binary > 0)).toBe(true)
    expect(lines[0].processCount).toBeGreaterThan(10)
  })

  it('prints a line per sample with the change per category, and the growth since the first', async () => {
    const r = await runCli(['watch', n.name, '--interval', '700', '--count', '3'], env())
    expect(r.code, r.err).toBe(0)
    const lines = r.out.trim().split('\n')
    expect(lines[0]).toContain(`Watching ${n.name}`)
    expect(lines).toHaveLength(5)
    expect(lines[2]).toMatch(/binary [\d.]+ [KMG]?i?B \(\+[\d.]+ [KMG]?i?B\)/)
    expect(lines[4]).toMatch(/^Since the first line: .*binary \+/)
  })

  it('refuses an unknown flag and a bad interval', async () => {
    const u = await runCli(['watch', n.name, '--intervall', '500'], env())
    expect(u.code).toBe(2)
    expect(u.err).toContain('Did you mean --interval?')
    const b = await runCli(['watch', n.name, '--interval', '5'], env())
    expect(b.code).toBe(1)
    expect(b.errorCode).toBe('invalid_request')
  })
})

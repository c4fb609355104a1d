import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startNode, type ErlNode } from '../support/erl-node'
import { MEMORY_KEYS } from '../../src/main/cli/node-commands'
import { runCli as run } from '../support/cli-runner'

let n: ErlNode
beforeAll(async () => {
  n = await startNode()
})
afterAll(async () => {
  await n?.stop()
})

describe('erlscope nodes', () => {
  it('lists the node registered in the local EPMD', async () => {
    const r = await run(['nodes'])
    expect(r.code).toBe(0)
    expect(r.out).toContain(n.name)
    const j = await run(['nodes', '--json'])
    expect(JSON.parse(j.out)).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: n.alive, node: n.name })])
    )
  })
})

describe('erlscope memory', () => {
  it('--json gives the nine keys in bytes', async () => {
    const r = await run(['memory', n.name, '--json', '--cookie', n.cookie])
    expect(r.code).toBe(0)
    const mem = JSON.parse(r.out) as Record<string, number>
    expect(Object.keys(mem).sort()).toEqual([...MEMORY_KEYS].sort())
    for (const k of MEMORY_KEYS) expect(Number.isInteger(mem[k]) && mem[k] > 0).toBe(true)
    expect(mem.total).toBeGreaterThanOrEqual(mem.processes)
  })

  it('prints an aligned table with humanized and exact bytes; takes the cookie from ERLSCOPE_COOKIE', async () => {
    const r = await run(['memory', n.name], { ERLSCOPE_COOKIE: n.cookie })
    expect(r.code).toBe(0)
    const lines = r.out.trim().split('\n')
    expect(lines[0]).toBe(`Memory of ${n.name}`)
    expect(lines).toHaveLength(10)
    expect(lines[1]).toMatch(/^ {2}total +\d+(\.\d+)? (MiB|KiB|GiB) +[\d,]+ bytes$/)
    expect(new Set(lines.slice(1).map((l) => l.length)).size).toBe(1)
  })

  it('takes the cookie from ~/.erlang.cookie', async () => {
    const home = mkdtempSync(join(tmpdir(), 'erlscope-home-'))
    writeFileSync(join(home, '.erlang.cookie'), `${n.cookie}\n`)
    const r = await run(['memory', n.name, '--json'], { HOME: home })
    expect(r.code).toBe(0)
  })

  it('a wrong cookie is a sentence on stderr and a non-zero exit', async () => {
    const r = await run(['memory', n.name, '--cookie', 'wrong'])
    expect(r.code).not.toBe(0)
    expect(r.out).toBe('')
    expect(r.err).toMatch(/cookie.*\[cookie_rejected\]/)
  })

  it('no cookie anywhere is explained', async () => {
    const r = await run(['memory', n.name])
    expect(r.code).toBe(1)
    expect(r.err).toContain('ERLSCOPE_COOKIE')
  })

  it('an unknown node names the ones that exist', async () => {
    const r = await run(['memory', `nope@${n.host}`, '--cookie', n.cookie])
    expect(r.code).toBe(1)
    expect(r.err).toContain('[node_not_found]')
    expect(r.err).toContain(n.name)
  })
})

describe('erlscope eval', () => {
  it('a 300 MiB reply is a clear reply_too_large error, not a crash', async () => {
    const r = await run(['eval', n.name, 'binary:copy(<<0>>, 300*1024*1024)', '--cookie', n.cookie])
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^erlscope: .*at most 67,108,864 bytes in one reply.* \[reply_too_large\]\n$/s)
  })

  it('prints the result in Erlang syntax', async () => {
    const r = await run([
      'eval',
      n.name,
      '{self(), <<"a">>, #{a => 1}, [1.5, ok, "str"]}',
      '--cookie',
      n.cookie
    ])
    expect(r.code).toBe(0)
    expect(r.out.trim()).toMatch(/^\{<0\.\d+\.0>,<<"a">>,#\{a => 1\},\[1\.5,ok,"str"\]\}$/)
  })

  it('--json gives the printed form and a JSON value', async () => {
    const r = await run(['eval', n.name, '#{a => [1, 2]}', '--json', '--cookie', n.cookie])
    const j = JSON.parse(r.out) as { result: string; value: unknown }
    expect(j.result).toBe('#{a => [1,2]}')
    expect(j.value).toEqual({ map: [[{ atom: 'a' }, [1, 2]]] })
  })

  it('a syntax error and a runtime error are sentences with codes', async () => {
    const a = await run(['eval', n.name, '1 +', '--cookie', n.cookie])
    expect(a.code).toBe(1)
    expect(a.err).toContain('[invalid_request]')
    const b = await run(['eval', n.name, 'erlang:error(nope)', '--cookie', n.cookie])
    expect(b.code).toBe(1)
    expect(b.err).toMatch(/nope.*\[badrpc\]/)
  })
})

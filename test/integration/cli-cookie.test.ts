import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, type CliResult } from '../support/cli-runner'
import { startNode, type ErlNode } from '../support/erl-node'

let node: ErlNode
let home: string
beforeAll(async () => {
  node = await startNode()
  home = mkdtempSync(join(tmpdir(), 'erlscope-cli-cookie-'))
  writeFileSync(join(home, '.erlang.cookie'), `${node.cookie}\n`, { mode: 0o400 })
})
afterAll(async () => {
  await node?.stop()
  rmSync(home, { recursive: true, force: true })
})

/** The CLI with HOME at the test's home, where the node's ~/.erlang.cookie is. */
const cli = (argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
  runCli(argv, { HOME: home, ...env })

describe('which cookie the CLI sends where', () => {
  it('--cookie-file FILE reads the cookie from a file (so it is never in ps)', async () => {
    const file = join(home, 'node.cookie')
    writeFileSync(file, `  ${node.cookie}  \n`, { mode: 0o600 })
    const r = await cli(['eval', node.name, '1 + 1', '--cookie-file', file], { HOME: '/nonexistent' })
    expect(r).toMatchObject({ code: 0, out: '2\n' })
    const missing = await cli(['eval', node.name, '1', '--cookie-file', join(home, 'nope')])
    expect(missing.code).toBe(1)
    expect(missing.err).toContain('could not be read (ENOENT)')
  })

  it('~/.erlang.cookie goes to a node on this machine without being asked for', async () => {
    const r = await cli(['eval', node.name, '2 + 2'])
    expect(r).toMatchObject({ code: 0, out: '4\n' })
  })

  it('for another host the default file is refused, with a sentence naming --cookie-file', async () => {
    const r = await cli(['memory', 'app@db1.example.net'])
    expect(r.code).toBe(1)
    expect(r.err).toContain('db1.example.net is not this machine')
    expect(r.err).toContain(`--cookie-file ${join(home, '.erlang.cookie')}`)
    expect(r.err).toContain('[invalid_request]')
  })
})

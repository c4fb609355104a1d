import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeDump } from '../support/dump-writer'
import { runCli as cli } from '../support/cli-runner'

/** A slogan that would retitle the terminal, ring it, clear it and hide the next line. */
const SLOGAN_EXPR = 'erlang:halt("evil \\e]0;pwned\\^g\\e[2J\\rhidden\\x{9b}31m")'

let dir: string
let dump: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-escapes-'))
  ;({ dump } = await writeDump(dir, 'evil', SLOGAN_EXPR))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the CLI never prints raw control characters from a dump', () => {
  it('report: the slogan shows as visible escapes in text', async () => {
    const r = await cli(['report', dump, '--no-cache'])
    expect(r.code).toBe(0)
    // eslint-disable-next-line no-control-regex
    expect(r.out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/)
    expect(r.out).toContain('evil \\e]0;pwned\\x07\\e[2J\\rhidden\\u009b31m')
  })
  it('report --json keeps the slogan exact', async () => {
    const r = await cli(['report', dump, '--no-cache', '--json'])
    expect(r.code).toBe(0)
    expect((JSON.parse(r.out) as { slogan: string }).slogan).toBe(
      'evil \x1b]0;pwned\x07\x1b[2J\rhidden\u009b31m'
    )
  })
  it('errors that quote the command line are escaped too', async () => {
    const r = await cli(['report', join(dir, 'no\x1b[2Jdump'), '--no-cache'])
    expect(r.code).toBe(1)
    expect(r.err).toContain('no\\e[2Jdump')
  })
})

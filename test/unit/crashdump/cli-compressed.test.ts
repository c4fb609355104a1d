/** `erlscope report` on compressed files and on stdin (`-`), through the real CLI dispatcher. */
import { execFileSync } from 'node:child_process'
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { CliIo } from '../../../src/main/cli/command'
import { main } from '../../../src/main/cli/main'

let dir: string
let plain: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-cli-compressed-'))
  plain = join(dir, 'small.dump')
  writeFileSync(plain, gunzipSync(readFileSync(join(__dirname, '../../fixtures/dumps/otp25-small.dump.gz'))))
  execFileSync('zstd', ['-q', '-f', '-k', plain])
  execFileSync('xz', ['-f', '-k', plain])
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function run(argv: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io: CliIo = {
    out: (t) => (out += `${t}\n`),
    err: (t) => (err += `${t}\n`),
    env: { ...process.env, ERLSCOPE_CACHE_DIR: join(dir, 'cache') },
    stdin: stdin ? createReadStream(stdin) : undefined
  }
  const code = await main(argv, io)
  return { code, out, err }
}

/** The report without the file's name and size (a compressed file names itself). */
function report(out: string): unknown {
  const { path: _p, ...rest } = JSON.parse(out) as Record<string, unknown>
  return rest
}

it('report reads .zst and .xz files and stdin (plain or compressed) as the plain dump', async () => {
  const expected = await run(['report', plain, '--json'])
  expect(expected.code, expected.err).toBe(0)
  for (const [argv, stdin] of [
    [['report', `${plain}.zst`, '--json'], undefined],
    [['report', `${plain}.xz`, '--json', '--no-cache'], undefined],
    [['report', '-', '--json'], plain],
    [['report', '-', '--json'], `${plain}.xz`]
  ] as const) {
    const got = await run([...argv], stdin)
    expect(got.code, got.err).toBe(0)
    expect(report(got.out), argv.join(' ')).toEqual(report(expected.out))
  }
  const text = await run(['report', '-'], `${plain}.zst`)
  expect(text.out).toContain('Crash dump standard input')
})

it('a cut compressed file on stdin says so and reports what is there', async () => {
  const bytes = readFileSync(`${plain}.xz`)
  const cut = join(dir, 'cut.xz')
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)))
  const got = await run(['report', '-'], cut)
  expect(got.code, got.err).toBe(0)
  expect(got.out).toMatch(/TRUNCATED: The compressed standard input is cut: the xz data ends early/)
})

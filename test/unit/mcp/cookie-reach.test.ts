import { describe, expect, it } from 'vitest'
import { parseFlags } from '../../../src/main/cli/flags'
import { mcpCommand } from '../../../src/main/cli/mcp-command'
import { McpServices } from '../../../src/main/mcp/services'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The server's cookie goes only to this machine and to nodes named with --allow-node. */
function cookieFor(argv: string[], node: string): string | undefined {
  const args = parseFlags(argv, mcpCommand.flags, 'mcp')
  const io = {
    env: { ERLSCOPE_COOKIE: 'sekrit', HOME: tmpdir() },
    out: () => undefined,
    err: () => undefined
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'erlscope-mcp-unit-'))
  const s = new McpServices({ args, io, userDataDir } as ConstructorParameters<typeof McpServices>[0])
  return (s as unknown as { cookieFor(t: { node: string }): string | undefined }).cookieFor({ node })
}

describe('erlscope mcp cookie reach', () => {
  it('refuses another host, allows it once named, and always allows this machine', () => {
    expect(() => cookieFor([], 'shop@203.0.113.7')).toThrow(/--allow-node shop@203.0.113.7/)
    expect(cookieFor(['--allow-node', 'shop@203.0.113.7'], 'shop@203.0.113.7')).toBe('sekrit')
    expect(() => cookieFor(['--allow-node', 'shop@203.0.113.7'], 'other@203.0.113.7')).toThrow(/allow-node/)
    expect(cookieFor([], 'shop@127.0.0.1')).toBe('sekrit')
  })
})

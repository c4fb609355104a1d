import { describe, expect, it } from 'vitest'
import { commands } from '../../../src/main/cli/main'
import { runCli as run } from '../../support/cli-runner'

describe('erlscope flags', () => {
  it('every command refuses an unknown flag with exit 2 and a sentence naming it', async () => {
    expect(commands.length).toBeGreaterThan(10)
    for (const c of commands) {
      const r = await run([c.name, 'nobody@nowhere', '--limt', '5'])
      expect({ command: c.name, code: r.code }).toEqual({ command: c.name, code: 2 })
      expect(r.err).toContain(`erlscope ${c.name}: unknown option '--limt'.`)
      expect(r.out).toBe('')
      if (c.flags.some((f) => f.name === 'limit')) expect(r.err).toContain('Did you mean --limit?')
    }
  })

  it('refuses a missing value, a value on a switch, and a value outside the choices', async () => {
    expect(await run(['top', 'a@b', '--limit'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--limit needs a value')
    })
    expect(await run(['top', 'a@b', '--json=yes'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--json takes no value')
    })
    expect(await run(['processes', 'x.dump', '--by', 'size'])).toMatchObject({
      code: 2,
      err: expect.stringContaining(
        "--by takes one of memory, mailbox, msgq, reductions, pid, name, heap; not 'size'"
      )
    })
    // a control character in the refused flag is shown escaped, never sent to the terminal
    const r = await run(['top', 'a@b', '--\u001b]0;owned\u0007'])
    expect(r.code).toBe(2)
    expect(r.err.includes('\u001b') || r.err.includes('\u0007')).toBe(false)
    expect(r.err).toContain('unknown option')
  })

  it('--help lists the --by values that work, and a command --help its options', async () => {
    const all = await run(['--help'])
    expect(all.code).toBe(0)
    expect(all.out).toMatch(
      /top NODE \[--by memory\|message_queue_len\|reductions\|total_heap_size\|binary_memory\|growth\]/
    )
    const top = await run(['top', '--help'])
    expect(top.code).toBe(0)
    for (const line of [
      /--by KEY +rank by \(default memory\) \(memory, message_queue_len, reductions, total_heap_size, binary_memory, growth\)/,
      /--filter TEXT/,
      /--growth-of KEY .*\(memory, message_queue_len, reductions, total_heap_size, heap_size, stack_size\)/,
      /--window-ms MS/,
      /--cookie-file FILE/,
      /--through ENTRY/
    ])
      expect(top.out).toMatch(line)
    for (const c of commands) {
      const h = await run([c.name, '--help'])
      expect(h.code).toBe(0)
      for (const f of c.flags) expect(h.out).toContain(`--${f.name}`)
    }
  })

  it('-- ends the flags: what follows is positional', async () => {
    const r = await run(['eval', 'a@b', '--', '--not-a-flag'])
    expect(r.code).not.toBe(2)
  })
})

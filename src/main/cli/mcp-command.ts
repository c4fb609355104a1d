import type { CliCommand } from './command'
import { flagString } from './command'
import type { FlagSpec } from './flags'
import { defaultUserDataDir } from '../mcp/user-data'

const MCP_FLAGS: readonly FlagSpec[] = [
  {
    name: 'cookie-file',
    value: 'FILE',
    help: 'the cookie for the nodes the tools name (else $ERLSCOPE_COOKIE, else ~/.erlang.cookie for nodes on this machine)'
  },
  {
    name: 'allow-node',
    value: 'NODE',
    help: 'a node on another host that the cookie may be sent to (repeatable); nodes on this machine need none'
  },
  {
    name: 'user-data',
    value: 'DIR',
    help: "the app's settings folder, for saved connections (default $ERLSCOPE_USER_DATA, else the platform's)"
  },
  {
    name: 'allow-eval',
    help: 'also offer eval and bin_leak, which run code on the target (capped at 10 s and 16,000 characters)'
  }
]

/** `erlscope mcp`: stdout carries the protocol, so nothing else may be printed there. */
export const mcpCommand: CliCommand = {
  name: 'mcp',
  usage: 'mcp [--cookie-file FILE] [--allow-node NODE]... [--user-data DIR] [--allow-eval]',
  summary:
    'serve the read-only tools to an AI assistant over the Model Context Protocol (stdio); see docs/mcp.md',
  flags: MCP_FLAGS,
  async run(args, io) {
    if (args.positional.length > 0) {
      io.err(`erlscope mcp: takes no arguments, only flags; not '${args.positional[0]}'.`)
      return 2
    }
    const { serveStdio } = await import('../mcp/server')
    await serveStdio({
      args,
      io,
      userDataDir: flagString(args, 'user-data') ?? defaultUserDataDir(io.env),
      allowEval: args.flags.has('allow-eval')
    })
    return 0
  }
}

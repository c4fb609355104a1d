/** The `erlscope` dispatcher: commands, flags, help, and the one place errors become text. */
import { AppError } from '../app-error'
import type { CliCommand, CliIo } from './command'
import { flagsHelp, parseFlags, UsageError, type ParsedArgs } from './flags'
import { categoryCommands } from './category-commands'
import { clusterCommands } from './cluster-command'
import { dumpCommands } from './dump-commands'
import { liveCommands } from './live-commands'
import { mcpCommand } from './mcp-command'
import { processCommand } from './process-command'
import { watchCommand } from './watch-command'
import { nodeCommands } from './node-commands'
import { terminalText } from './terminal-text'
import { APP_VERSION } from '../version'

export const commands: CliCommand[] = [
  ...nodeCommands,
  ...liveCommands,
  ...categoryCommands,
  ...clusterCommands,
  watchCommand,
  ...dumpCommands.map((c) => (c.name === 'process' ? processCommand : c)),
  mcpCommand
]

function help(list: readonly CliCommand[]): string {
  // a usage longer than this puts its summary on the next line, so one long usage cannot push
  // every summary off the screen
  const width = 50
  const lines = list.map((c) =>
    c.usage.length <= width
      ? `  erlscope ${c.usage.padEnd(width)}  ${c.summary}`
      : `  erlscope ${c.usage}\n  ${' '.repeat(width + 11)}${c.summary}`
  )
  return [
    `erlscope ${APP_VERSION} — memory observer for Erlang/Elixir nodes and crash dumps`,
    '',
    'Usage:',
    ...lines,
    `  erlscope ${'--version'.padEnd(width)}  print the version`,
    `  erlscope ${'--help'.padEnd(width)}  this help`,
    '',
    'Node commands take the cookie from --cookie, --cookie-file FILE (keeps it out of ps) or',
    '$ERLSCOPE_COOKIE; else ~/.erlang.cookie, but only for a node on this machine: for another',
    'host, pass --cookie-file ~/.erlang.cookie to send it there.',
    'With --through ENTRY they reach NODE through ENTRY, a node of its cluster (erpc; nothing loaded).',
    'DUMP may be gzip-, Zstandard- or xz-compressed (recognised by its first bytes), or - for stdin.',
    'Route flags reach nodes behind SSH hops (--ssh), a proxy command (kubectl exec, ssh -W), TLS',
    'distribution (--tls) or without EPMD (--dist-port): see docs/connecting.md.',
    "Add --json for machine-readable output; 'erlscope COMMAND --help' lists a command's options.",
    'Exit status: 0 done, 1 an error (one sentence and its [code] on stderr), 2 a usage error.',
    'JSON field names and the exit codes: docs/cli.md.'
  ].join('\n')
}

export function commandHelp(command: CliCommand): string {
  return `Usage: erlscope ${command.usage}\n${command.summary}\n\nOptions:\n${flagsHelp(command.flags)}`
}

/**
 * Runs one command line: picks the command, parses its flags against the command's own table (an
 * unknown flag, a missing value or a value outside the choices is exit 2 with a sentence), runs it.
 * `list` is for tests that run commands over their own connector through this same dispatcher.
 */
export async function main(
  argv: string[],
  raw: CliIo,
  list: readonly CliCommand[] = commands
): Promise<number> {
  const [name, ...rest] = argv
  let io = raw
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(help(list))
    return name === undefined ? 2 : 0
  }
  if (name === '--version' || name === '-v') {
    io.out(APP_VERSION)
    return 0
  }
  const command = list.find((c) => c.name === name)
  if (!command) {
    io.err(`erlscope: unknown command '${name}'. Run 'erlscope --help' for the list.`)
    return 2
  }
  let args: ParsedArgs
  try {
    args = parseFlags(rest, command.flags, command.name)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.err(terminalText(error.message, { layout: true }))
    return 2
  }
  // every text line passes the one escaping function: printers escape their fields (so a newline
  // in a name cannot forge a line), and this catches whatever they missed; --json stays exact
  const json = args.flags.has('json')
  const { write, ...plain } = raw
  io = {
    ...plain,
    // chunks are written as they are (no line escaping): only for JSON
    ...(json && write ? { write } : {}),
    out: json ? raw.out : (text) => raw.out(terminalText(text, { layout: true })),
    err: (text) => raw.err(terminalText(text, { layout: true }))
  }
  if (args.flags.has('help')) {
    io.out(commandHelp(command))
    return 0
  }
  try {
    return await command.run(args, io)
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message)
      return 2
    }
    if (error instanceof AppError) io.err(`erlscope: ${error.message} [${error.code}]`)
    else
      io.err(
        `erlscope: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`
      )
    return 1
  }
}

/** The `erlscope` dispatcher: commands, flags, help, and the one place errors become text. */
import { AppError } from '../app-error'
import { parseArgs, type CliCommand, type CliIo } from './command'
import { categoryCommands } from './category-commands'
import { clusterCommands } from './cluster-command'
import { dumpCommands } from './dump-commands'
import { liveCommands } from './live-commands'
import { nodeCommands } from './node-commands'
import { terminalText } from './terminal-text'
import { APP_VERSION } from '../version'

const commands: CliCommand[] = [
  ...nodeCommands,
  ...liveCommands,
  ...categoryCommands,
  ...clusterCommands,
  ...dumpCommands
]

const VALUE_FLAGS = [
  'cookie',
  'cookie-file',
  'host',
  'by',
  'limit',
  'timeout',
  'top',
  'window-ms',
  'max-processes',
  'max-ms',
  'through'
]

function help(): string {
  const width = Math.max(12, ...commands.map((c) => c.usage.length))
  const lines = commands.map((c) => `  erlscope ${c.usage.padEnd(width)}  ${c.summary}`)
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
    'Add --json for machine-readable output.'
  ].join('\n')
}

export async function main(argv: string[], raw: CliIo): Promise<number> {
  const [name, ...rest] = argv
  let io = raw
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(help())
    return name === undefined ? 2 : 0
  }
  if (name === '--version' || name === '-v') {
    io.out(APP_VERSION)
    return 0
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    io.err(`erlscope: unknown command '${name}'. Run 'erlscope --help' for the list.`)
    return 2
  }
  const args = parseArgs(rest, VALUE_FLAGS)
  // every text line passes the one escaping function: printers escape their fields (so a newline
  // in a name cannot forge a line), and this catches whatever they missed; --json stays exact
  const json = args.flags.has('json')
  io = {
    ...raw,
    out: json ? raw.out : (text) => raw.out(terminalText(text, { layout: true })),
    err: (text) => raw.err(terminalText(text, { layout: true }))
  }
  if (args.flags.has('help')) {
    io.out(`Usage: erlscope ${command.usage}\n${command.summary}`)
    return 0
  }
  try {
    return await command.run(args, io)
  } catch (error) {
    if (error instanceof AppError) io.err(`erlscope: ${error.message} [${error.code}]`)
    else
      io.err(
        `erlscope: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`
      )
    return 1
  }
}

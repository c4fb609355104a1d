import { AppError } from '../app-error'
import { parseArgs, type CliCommand, type CliIo } from './command'
import { categoryCommands } from './category-commands'
import { clusterCommands } from './cluster-command'
import { dumpCommands } from './dump-commands'
import { liveCommands } from './live-commands'
import { nodeCommands } from './node-commands'
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
    'Node commands take the cookie from --cookie, else $ERLSCOPE_COOKIE, else ~/.erlang.cookie.',
    'With --through ENTRY they reach NODE through ENTRY, a node of its cluster (erpc; nothing loaded).',
    'Add --json for machine-readable output.'
  ].join('\n')
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv
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

// `erlscope ... | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0)
    throw error
  })
}

const io: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  env: process.env
}

void main(process.argv.slice(2), io).then((code) => {
  process.exitCode = code
})

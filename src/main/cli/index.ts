import type { CliIo } from './command'
import { main } from './main'

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
  write: (text) =>
    process.stdout.write(text)
      ? Promise.resolve()
      : new Promise((resolve) => process.stdout.once('drain', resolve)),
  env: process.env,
  stdin: process.stdin
}

void main(process.argv.slice(2), io).then((code) => {
  process.exitCode = code
})

/**
 * A dump that a live `erl` is writing: the VM writes its dump into a named pipe and the test relays
 * the bytes to the dump file, holding back the rest (the VM waits on the pipe, as it waits on a
 * slow disk). Opened half-way, the dump is "being written"; after the VM has finished and the
 * relay has copied everything, Refresh gives the whole dump.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Emit } from '../../../src/shared/api'
import { createDumpHandlers } from '../../../src/main/crashdump/handlers'

let dir: string
let vm: ChildProcess | null = null

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-live-writing-'))
})
afterAll(() => {
  if (vm && vm.exitCode === null) vm.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

/** Reads from `pipe` into `out` until at least `bytes` were copied, then pauses. */
function relayUntil(
  pipe: Readable,
  out: ReturnType<typeof createWriteStream>,
  bytes: number
): Promise<number> {
  return new Promise((resolve, reject) => {
    let copied = 0
    const onData = (chunk: Buffer): void => {
      out.write(chunk)
      copied += chunk.length
      if (copied >= bytes) {
        pipe.pause()
        pipe.off('data', onData)
        out.once('drain', () => resolve(copied))
        if (out.writableLength === 0) out.emit('drain')
      }
    }
    pipe.on('data', onData)
    pipe.once('error', reject)
  })
}

it('a dump a live erl is still writing opens as being written, and Refresh reads the finished dump', async () => {
  const fifo = join(dir, 'vm-writes-here')
  execFileSync('mkfifo', [fifo])
  const dumpPath = join(dir, 'erl_crash.dump')
  vm = spawn(
    'erl',
    [
      '-noshell',
      '-eval',
      `[spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, 3000)],
       erlang:halt("live writer: still writing")`
    ],
    { env: { ...process.env, ERL_CRASH_DUMP: fifo, ERL_CRASH_DUMP_SECONDS: '120' }, stdio: 'ignore' }
  )
  const pipe = createReadStream(fifo, { highWaterMark: 64 * 1024 })
  const out = createWriteStream(dumpPath)
  const firstPart = await relayUntil(pipe, out, 256 * 1024)
  expect(statSync(dumpPath).size).toBe(firstPart)

  const { handlers, dispose, grantPath } = createDumpHandlers({
    emit: (() => undefined) as Emit,
    userDataDir: join(dir, 'ud')
  })
  grantPath(dumpPath)
  try {
    const opened = await handlers['dump:open'](dumpPath)
    expect(opened.truncated?.beingWritten).toBe(true)
    expect(opened.size).toBe(firstPart)
    expect(vm.exitCode).toBeNull() // the VM is still waiting to write the rest

    // let the VM finish: relay everything until it closes the pipe
    const exited = new Promise<void>((resolve) => vm!.once('exit', () => resolve()))
    await new Promise<void>((resolve, reject) => {
      pipe.on('data', (chunk: Buffer | string) => void out.write(chunk))
      pipe.once('end', () => out.end(resolve))
      pipe.once('error', reject)
      pipe.resume()
    })
    await exited
    const again = await handlers['dump:refresh'](opened.dumpId)
    expect(again.truncated).toBeNull()
    expect(again.size).toBe(statSync(dumpPath).size)
    expect(again.processCount).toBeGreaterThan(3000)
    const summary = await handlers['dump:summary'](opened.dumpId)
    expect(summary.header.slogan).toBe('live writer: still writing')
  } finally {
    await dispose()
  }
}, 120_000)

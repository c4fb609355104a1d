import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { Duplex } from 'node:stream'
import type { Readable, Writable } from 'node:stream'
import { withTimeout, type OpenedStream, type StreamTransport } from './transport'

const STDERR_KEEP = 2000

/** OpenSSH ProxyCommand tokens: `%h` host, `%p` port, `%%` a percent sign. */
export function expandProxyCommand(command: string, host: string, port: number): string {
  return command.replace(/%([%hp])/g, (_, c: string) => (c === '%' ? '%' : c === 'h' ? host : String(port)))
}

type Child = ChildProcessByStdio<Writable, Readable, Readable>

/** A child's stdout/stdin as one duplex; an unclean exit destroys it with the child's stderr. */
class ChildStream extends Duplex {
  private stderr = ''

  constructor(
    private readonly child: Child,
    private readonly commandLine: string
  ) {
    super({ allowHalfOpen: false })
    child.stdin.on('error', () => undefined)
    child.stderr.on('data', (d: Buffer) => {
      if (this.stderr.length < STDERR_KEEP) this.stderr += d.toString('utf8')
    })
    child.stdout.on('data', (d: Buffer) => {
      if (!this.push(d)) child.stdout.pause()
    })
    child.on('close', (code, signal) => {
      if (this.destroyed) return
      if (code === 0) this.push(null)
      else this.destroy(new Error(this.exitText(code, signal)))
    })
  }

  exitText(code: number | null, signal: NodeJS.Signals | null): string {
    const how = code !== null ? `exited with code ${code}` : `was killed by ${signal ?? 'a signal'}`
    const err = this.stderr.trim().replace(/\s+/g, ' ').slice(0, 600)
    return `proxy command \`${this.commandLine}\` ${how}${err ? `: ${err}` : ' (nothing on its stderr)'}`
  }

  override _read(): void {
    this.child.stdout.resume()
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.child.stdin.writable) this.child.stdin.write(chunk, () => cb())
    else cb()
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.child.stdin.end()
    cb()
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM')
    cb(err)
  }
}

/** One child per stream: `sh -c COMMAND` with `%h`/`%p` filled in; its stdin/stdout is the stream. */
export function proxyCommandTransport(command: string): StreamTransport {
  const children = new Set<Child>()
  return {
    open(host, port, timeoutMs) {
      const line = expandProxyCommand(command, host, port)
      const opened = new Promise<OpenedStream>((resolve, reject) => {
        const child = spawn('/bin/sh', ['-c', line], { stdio: ['pipe', 'pipe', 'pipe'] })
        children.add(child)
        child.on('close', () => children.delete(child))
        child.once('error', (e) =>
          reject(new Error(`proxy command \`${line}\` could not start: ${e.message}`))
        )
        child.once('spawn', () => resolve({ stream: new ChildStream(child, line) }))
      })
      return withTimeout(opened, timeoutMs, `starting proxy command \`${line}\``)
    },
    close() {
      for (const c of children) if (c.exitCode === null) c.kill('SIGTERM')
      children.clear()
    }
  }
}

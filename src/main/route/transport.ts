import type { Duplex } from 'node:stream'

/** A connected byte stream to `host:port` as seen from the far end of a route. */
export interface OpenedStream {
  stream: Duplex
  /** Our address on a direct TCP socket (used for our own long node name); absent through tunnels. */
  localAddress?: string
}

/** How a route moves bytes: direct TCP, SSH channels from the last hop, or a proxy command's stdio. */
export interface StreamTransport {
  /** Rejects with an Error whose `message` says what failed (its `code` when it is a socket error). */
  open(host: string, port: number, timeoutMs: number): Promise<OpenedStream>
  /** Ends whatever the transport keeps open (SSH sessions). */
  close(): void
}

/** Rejects after `ms` unless `p` settles first; a late stream is destroyed. */
export function withTimeout(p: Promise<OpenedStream>, ms: number, what: string): Promise<OpenedStream> {
  return new Promise((resolve, reject) => {
    let done = false
    const timer = setTimeout(() => {
      done = true
      reject(Object.assign(new Error(`${what}: no answer within ${ms} ms`), { code: 'ETIMEDOUT' }))
    }, ms)
    p.then(
      (s) => {
        clearTimeout(timer)
        if (done) s.stream.destroy()
        else resolve(s)
      },
      (e: unknown) => {
        clearTimeout(timer)
        if (!done) reject(e instanceof Error ? e : new Error(String(e)))
      }
    )
  })
}

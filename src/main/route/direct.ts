import { connect } from 'node:net'
import { withTimeout, type OpenedStream, type StreamTransport } from './transport'

/** Plain TCP from this machine (today's behaviour). */
export const directTransport: StreamTransport = {
  open(host, port, timeoutMs) {
    const opened = new Promise<OpenedStream>((resolve, reject) => {
      const socket = connect({ host, port })
      socket.once('connect', () => {
        socket.removeListener('error', reject)
        socket.setNoDelay(true)
        resolve({ stream: socket, localAddress: socket.localAddress })
      })
      socket.once('error', (e) => {
        socket.destroy()
        reject(e)
      })
    })
    return withTimeout(opened, timeoutMs, `connecting to ${host}:${port}`)
  },
  close() {}
}

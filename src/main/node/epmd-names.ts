import { connect } from 'node:net'
import { hostname } from 'node:os'
import type { EpmdNode } from '../../shared/contract/node'
import { AppError } from '../app-error'

/** EPMD's port (`ERL_EPMD_PORT` overrides it, as erl does). */
export const EPMD_PORT = Number(process.env.ERL_EPMD_PORT) || 4369
/** NAMES_REQ (110): answered with EPMDPortNo:32 then `name X at port N\n` lines, then close. */
const NAMES_REQ = 110

/** Nodes registered in EPMD on `host`, with full names `alive@host` for one-click connect. */
export function epmdNames(host = 'localhost', timeoutMs = 3000, port = EPMD_PORT): Promise<EpmdNode[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const socket = connect({ host, port })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new AppError('timeout', `EPMD on ${host} did not answer within ${timeoutMs} ms.`))
    }, timeoutMs)
    socket.on('connect', () => socket.write(Buffer.from([0, 1, NAMES_REQ])))
    socket.on('data', (d: Buffer) => chunks.push(d))
    socket.on('error', (error) => {
      clearTimeout(timer)
      reject(new AppError('epmd_unreachable', `No EPMD on ${host}:${port} (${error.message}).`))
    })
    socket.on('close', () => {
      clearTimeout(timer)
      const body = Buffer.concat(chunks)
      if (body.length < 4) return
      const nodeHost = host === 'localhost' || host === '127.0.0.1' ? shortHostname() : host.split('.')[0]
      const out: EpmdNode[] = []
      for (const line of body.subarray(4).toString('utf8').split('\n')) {
        const m = /^name (\S+) at port (\d+)$/.exec(line.trim())
        if (m) out.push({ name: m[1], port: Number(m[2]), node: `${m[1]}@${nodeHost}` })
      }
      resolve(out)
    })
  })
}

function shortHostname(): string {

  return hostname().split('.')[0]
}

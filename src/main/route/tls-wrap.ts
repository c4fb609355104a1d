import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import type { Duplex } from 'node:stream'
import { checkServerIdentity, connect, type ConnectionOptions, type TLSSocket } from 'node:tls'
import type { TlsRoute } from '../../shared/contract/route'
import { AppError } from '../app-error'

function readPem(file: string | undefined, what: string, flag: string): Buffer | undefined {
  if (!file) return undefined
  try {
    return readFileSync(file)
  } catch (e) {
    throw new AppError(
      'invalid_request',
      `Could not read the TLS ${what} ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}); check ${flag}.`
    )
  }
}

/** A TLS error from Node or OpenSSL, in words that say what to change. */
export function tlsErrorText(e: Error & { code?: string }, where: string): string {
  const code = e.code ?? ''
  const hint =
    /UNABLE_TO_VERIFY|SELF_SIGNED|UNABLE_TO_GET_ISSUER|CERT_UNTRUSTED|unable to get local issuer/i.test(
      code + e.message
    )
      ? "the node's certificate is not signed by the CA you gave (--tls-ca / the Route's CA file)"
      : /ERR_TLS_CERT_ALTNAME_INVALID/.test(code)
        ? `the node's certificate is not issued for this name (${e.message}); set the server name it carries`
        : /CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE/i.test(code + e.message)
          ? 'the node wants a client certificate: give one signed by a CA the node trusts (--tls-cert and --tls-key)'
          : /UNKNOWN_CA|BAD_CERTIFICATE|DECRYPT_ERROR/i.test(code + e.message)
            ? 'the node does not trust our client certificate: it must be signed by the CA in its ssl_dist_optfile (cacertfile)'
            : /WRONG_VERSION_NUMBER|packet length too long|unknown protocol/i.test(code + e.message)
              ? 'the node does not speak TLS on that port: is it started with -proto_dist inet_tls?'
              : e.message
  return `TLS with ${where} failed: ${hint}${code && !hint.includes(code) ? ` [${code}]` : ''}.`
}

export function isTlsError(e: Error & { code?: string }): boolean {
  return /^ERR_SSL|^ERR_TLS|^UNABLE_TO|^CERT_|^DEPTH_ZERO|^SELF_SIGNED/.test(e.code ?? '')
}

/**
 * TLS over any duplex (a socket, an SSH channel, a child's stdio): CA, client certificate and key,
 * server name; the certificate is verified unless the loudly named opt-out is set.
 */
export function wrapTls(stream: Duplex, opts: TlsRoute, host: string, timeoutMs: number): Promise<TLSSocket> {
  const serverName = opts.serverName?.trim() || host
  const skip = opts.dangerouslySkipVerify === true
  const options: ConnectionOptions = {
    socket: stream,
    ca: readPem(opts.caFile, 'CA file', '--tls-ca'),
    cert: readPem(opts.certFile, 'certificate', '--tls-cert'),
    key: readPem(opts.keyFile, 'key', '--tls-key'),
    ...(isIP(serverName) === 0 ? { servername: serverName } : {}),
    rejectUnauthorized: !skip,
    checkServerIdentity: skip ? () => undefined : (_h, cert) => checkServerIdentity(serverName, cert)
  }
  return new Promise((resolve, reject) => {
    const socket = connect(options)
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new AppError('timeout', `TLS with ${host} did not finish its handshake within ${timeoutMs} ms.`))
    }, timeoutMs)
    socket.once('secureConnect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      resolve(socket)
    })
    socket.once('error', (e: Error & { code?: string }) => {
      clearTimeout(timer)
      socket.destroy()
      reject(new AppError('tls_failed', tlsErrorText(e, host)))
    })
  })
}

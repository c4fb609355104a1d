import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** A CA with a server and a client certificate, made with `openssl` (files in `dir`). */
export interface TlsCerts {
  caCert: string
  caKey: string
  serverCert: string
  serverKey: string
  clientCert: string
  clientKey: string
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
}

/**
 * Writes `${prefix}ca.pem` and friends. The server certificate carries every `serverNames`
 * entry as a subjectAltName (IP addresses as IP:, others as DNS:).
 */
export function makeTlsCerts(dir: string, serverNames: string[], prefix = ''): TlsCerts {
  const f = (name: string): string => join(dir, `${prefix}${name}`)
  const files: TlsCerts = {
    caCert: f('ca.pem'),
    caKey: f('ca.key'),
    serverCert: f('server.pem'),
    serverKey: f('server.key'),
    clientCert: f('client.pem'),
    clientKey: f('client.key')
  }
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      files.caKey,
      '-out',
      files.caCert,
      '-days',
      '2',
      '-subj',
      `/CN=erlscope test CA ${prefix}`
    ],
    dir
  )
  const san = serverNames.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',')
  const issue = (cert: string, key: string, cn: string, ext: string): void => {
    const csr = `${cert}.csr`
    const extFile = `${cert}.ext`
    writeFileSync(extFile, ext)
    openssl(['req', '-new', ...ec, '-keyout', key, '-out', csr, '-subj', `/CN=${cn}`], dir)
    openssl(
      [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        files.caCert,
        '-CAkey',
        files.caKey,
        '-CAcreateserial',
        '-out',
        cert,
        '-days',
        '2',
        '-extfile',
        extFile
      ],
      dir
    )
  }
  issue(
    files.serverCert,
    files.serverKey,
    serverNames[0] ?? 'node',
    `subjectAltName=${san}\nextendedKeyUsage=serverAuth,clientAuth\n`
  )
  issue(files.clientCert, files.clientKey, 'erlscope', `subjectAltName=${san}\nextendedKeyUsage=clientAuth\n`)
  return files
}

/**
 * An `ssl_dist_optfile` for a node that requires a client certificate from `certs`' CA
 * (`verify_peer` + `fail_if_no_peer_cert`) and presents its server certificate.
 */
export function writeSslDistOptfile(dir: string, certs: TlsCerts): string {
  const file = join(dir, 'ssl_dist.conf')
  const q = (p: string): string => JSON.stringify(p)
  writeFileSync(
    file,
    `[{server, [{certfile, ${q(certs.serverCert)}}, {keyfile, ${q(certs.serverKey)}}, {cacertfile, ${q(certs.caCert)}},
               {verify, verify_peer}, {fail_if_no_peer_cert, true}, {secure_renegotiate, true}]},
 {client, [{certfile, ${q(certs.clientCert)}}, {keyfile, ${q(certs.clientKey)}}, {cacertfile, ${q(certs.caCert)}},
           {verify, verify_peer}, {secure_renegotiate, true}]}].\n`
  )
  return file
}

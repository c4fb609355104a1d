import { expect } from 'vitest'
import type { CliResult } from './cli-runner'
import type { SshServer } from './ssh-server'
import type { TlsCerts } from './tls-certs'

/** How the route tests name a test sshd as an `--ssh` hop. */
export const hop = (s: SshServer): string => `root@${s.host}:${s.port}`

/** `--ssh` flags: the hops in order (a test sshd or a destination as typed), then the key and known_hosts. */
export function sshFlags(
  hops: readonly (SshServer | string)[],
  keyFile: string,
  knownHosts: string
): string[] {
  return [
    ...hops.flatMap((h) => ['--ssh', typeof h === 'string' ? h : hop(h)]),
    '--ssh-key',
    keyFile,
    '--ssh-known-hosts',
    knownHosts
  ]
}

/** `--tls` flags: the CA that checks the node, and the client certificate and key of `client` if given. */
export function tlsFlags(ca: string, client?: Pick<TlsCerts, 'clientCert' | 'clientKey'>): string[] {
  return [
    '--tls',
    '--tls-ca',
    ca,
    ...(client ? ['--tls-cert', client.clientCert, '--tls-key', client.clientKey] : [])
  ]
}

/** The command failed (exit 1) with `code`, and its message holds each of `says`. */
export function expectRefused(r: CliResult, code: string, ...says: (string | RegExp)[]): void {
  expect(r.code, r.err).toBe(1)
  expect(r.errorCode).toBe(code)
  for (const s of says) {
    if (typeof s === 'string') expect(r.err).toContain(s)
    else expect(r.err).toMatch(s)
  }
}

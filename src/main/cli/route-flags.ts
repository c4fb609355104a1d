import { parseHop, type RouteSpec, type SshHop } from '../../shared/contract/route'
import { AppError } from '../app-error'
import type { RouteAsker } from '../route/asker'
import { flagString, type ParsedArgs } from './command'

function portFlag(args: ParsedArgs, name: string): number | undefined {
  const v = flagString(args, name)
  if (v === undefined) {
    if (args.flags.get(name) === true) throw new AppError('invalid_request', `--${name} needs a port number.`)
    return undefined
  }
  const n = Number(v)
  if (!/^\d+$/.test(v) || n < 1 || n > 65535)
    throw new AppError('invalid_request', `--${name} takes a port number (1-65535), not '${v}'.`)
  return n
}

function valueOf(args: ParsedArgs, name: string): string | undefined {
  if (args.flags.get(name) === true) throw new AppError('invalid_request', `--${name} needs a value.`)
  return flagString(args, name)
}

/** The route the flags describe; undefined when none is given (direct TCP). */
export function routeFromArgs(args: ParsedArgs): RouteSpec | undefined {
  const spec: RouteSpec = {}
  const hopTexts = args.lists?.get('ssh') ?? []
  if (args.flags.get('ssh') === true) throw new AppError('invalid_request', '--ssh needs [user@]host[:port].')
  const hops: SshHop[] = hopTexts.flatMap((text) =>
    text.split(',').map((part) => {
      const hop = parseHop(part)
      if (!hop) throw new AppError('invalid_request', `--ssh '${part}' is not [user@]host[:port].`)
      return hop
    })
  )
  const sshOnly = ['ssh-key', 'ssh-known-hosts', 'ssh-config', 'ssh-accept-new'].filter((f) =>
    args.flags.has(f)
  )
  if (hops.length === 0 && sshOnly.length > 0)
    throw new AppError('invalid_request', `--${sshOnly[0]} only applies with --ssh HOST.`)
  if (hops.length > 0) {
    spec.ssh = {
      hops,
      keyFile: valueOf(args, 'ssh-key'),
      knownHostsFile: valueOf(args, 'ssh-known-hosts'),
      configFile: valueOf(args, 'ssh-config'),
      acceptNew: args.flags.has('ssh-accept-new')
    }
  }
  const proxy = valueOf(args, 'proxy-command')
  if (proxy !== undefined) {
    if (hops.length > 0)
      throw new AppError(
        'invalid_request',
        'Give --ssh or --proxy-command, not both (the command can run ssh -W %h:%p).'
      )
    spec.proxyCommand = proxy
  }
  spec.address = valueOf(args, 'address')
  spec.distPort = portFlag(args, 'dist-port')
  spec.epmdPort = portFlag(args, 'epmd-port')
  const tlsFlags = ['tls', 'tls-ca', 'tls-cert', 'tls-key', 'tls-server-name', 'tls-dangerously-skip-verify']
  if (tlsFlags.some((f) => args.flags.has(f))) {
    spec.tls = {
      caFile: valueOf(args, 'tls-ca'),
      certFile: valueOf(args, 'tls-cert'),
      keyFile: valueOf(args, 'tls-key'),
      serverName: valueOf(args, 'tls-server-name'),
      dangerouslySkipVerify: args.flags.has('tls-dangerously-skip-verify')
    }
  }
  const clean = JSON.parse(JSON.stringify(spec)) as RouteSpec
  return Object.keys(clean).length > 0 ? clean : undefined
}

/** Reads a line from the terminal without echoing it; null when stdin is not a terminal. */
function promptHidden(prompt: string): Promise<string | null> {
  const stdin = process.stdin
  if (!stdin.isTTY) return Promise.resolve(null)
  process.stderr.write(prompt)
  return new Promise((resolve) => {
    let text = ''
    stdin.setRawMode(true)
    stdin.resume()
    const onData = (d: Buffer): void => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.setRawMode(false)
          stdin.pause()
          stdin.removeListener('data', onData)
          process.stderr.write('\n')
          return resolve(text)
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false)
          stdin.pause()
          stdin.removeListener('data', onData)
          return resolve(null)
        }
        if (ch === '\u007f') text = text.slice(0, -1)
        else text += ch
      }
    }
    stdin.on('data', onData)
  })
}

/** The CLI's answers: passphrases from the terminal; unknown host keys refused (see --ssh-accept-new). */
export function cliAsker(): RouteAsker {
  return {
    hostKey: async () => false,
    passphrase: (q) =>
      promptHidden(
        `${q.retry ? 'Wrong passphrase. ' : ''}Passphrase for ${q.keyFile} (empty to skip): `
      ).then((p) => (p === '' ? null : p))
  }
}

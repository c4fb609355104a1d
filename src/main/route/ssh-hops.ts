import { formatHop, parseHop, type SshHop } from '../../shared/contract/route'
import { AppError } from '../app-error'
import { expandPath, lookupSshConfig, type SshConfigBlock } from './ssh-config'

/** A hop with what ssh_config adds: the real host name, port, user and identity files. */
export interface ResolvedHop {
  /** As the person wrote it (an alias from ssh_config, or a host). */
  label: string
  host: string
  port: number
  user: string
  identityFiles: string[]
}

export interface HopContext {
  home: string
  localUser: string
}

/** A ProxyJump value: `none`, or comma-separated `[user@]host[:port]` (ssh:// URIs included). */
export function parseProxyJump(value: string): SshHop[] {
  if (value.trim().toLowerCase() === 'none') return []
  return value.split(',').map((part) => {
    const text = part.trim().replace(/^ssh:\/\//, '')
    const hop = parseHop(text)
    if (!hop)
      throw new AppError(
        'invalid_request',
        `ProxyJump '${value}' in ssh_config has a hop '${part}' that is not [user@]host[:port].`
      )
    return hop
  })
}

function resolveOne(
  hop: SshHop,
  blocks: SshConfigBlock[],
  ctx: HopContext
): { hop: ResolvedHop; jump?: string } {
  const cfg = lookupSshConfig(blocks, hop.host)
  const host = cfg.hostName ?? hop.host
  const user = hop.user ?? cfg.user ?? ctx.localUser
  const tokens = { home: ctx.home, localUser: ctx.localUser, host, remoteUser: user }
  return {
    hop: {
      label: formatHop(hop),
      host,
      port: hop.port ?? cfg.port ?? 22,
      user,
      identityFiles: cfg.identityFiles.map((f) => expandPath(f, tokens))
    },
    jump: cfg.proxyJump
  }
}

/**
 * The hops in dial order. As with `ssh -J a,b`, only the first hop is reached directly, so only its
 * own ProxyJump (from ssh_config) adds hops in front of it.
 */
export function resolveHops(hops: SshHop[], blocks: SshConfigBlock[], ctx: HopContext): ResolvedHop[] {
  if (hops.length === 0) return []
  const out = hops.map((h) => resolveOne(h, blocks, ctx).hop)
  let first = resolveOne(hops[0], blocks, ctx)
  for (let depth = 0; first.jump !== undefined && depth < 8; depth++) {
    const before = parseProxyJump(first.jump)
    if (before.length === 0) break
    out.unshift(...before.map((h) => resolveOne(h, blocks, ctx).hop))
    first = resolveOne(before[0], blocks, ctx)
  }
  return out
}

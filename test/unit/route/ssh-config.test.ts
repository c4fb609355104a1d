import { describe, expect, it } from 'vitest'
import { expandPath, lookupSshConfig, parseSshConfig } from '../../../src/main/route/ssh-config'
import { parseProxyJump, resolveHops } from '../../../src/main/route/ssh-hops'
import { describeRoute, formatHop, parseHop } from '../../../src/shared/contract/route'
import { expandProxyCommand } from '../../../src/main/route/proxy-command'

const config = `
# global
User fallback
Host bastion bastion-alias
  HostName bastion.example.com
  Port 2200
  IdentityFile ~/.ssh/bastion_key
Host app-*  !app-skip
  HostName %h.internal
  User=deploy
  ProxyJump bastion
Match host foo
  User never-used
Host *
  IdentityFile ~/.ssh/id_%r
  User ignored-because-first-wins
`

describe('ssh_config', () => {
  const blocks = parseSshConfig(config)

  it('first value wins, IdentityFile accumulates, Match blocks are skipped', () => {
    expect(lookupSshConfig(blocks, 'bastion')).toEqual({
      hostName: 'bastion.example.com',
      user: 'fallback',
      port: 2200,
      identityFiles: ['~/.ssh/bastion_key', '~/.ssh/id_%r']
    })
    const app = lookupSshConfig(blocks, 'app-1')
    expect(app.hostName).toBe('app-1.internal')
    expect(app.user).toBe('fallback')
    expect(app.proxyJump).toBe('bastion')
    expect(lookupSshConfig(blocks, 'app-skip').proxyJump).toBeUndefined()
  })

  it('expands ~ and % tokens in paths', () => {
    expect(
      expandPath('~/.ssh/id_%r', { home: '/home/me', localUser: 'me', host: 'h', remoteUser: 'deploy' })
    ).toBe('/home/me/.ssh/id_deploy')
  })

  it('puts the first hop’s ProxyJump in front, resolving each hop through the config', () => {
    const hops = resolveHops([{ host: 'app-1' }, { host: '10.0.0.9', user: 'root', port: 2022 }], blocks, {
      home: '/home/me',
      localUser: 'me'
    })
    expect(hops.map((h) => `${h.user}@${h.host}:${h.port}`)).toEqual([
      'fallback@bastion.example.com:2200',
      'fallback@app-1.internal:22',
      'root@10.0.0.9:2022'
    ])
    expect(hops[0].identityFiles).toEqual(['/home/me/.ssh/bastion_key', '/home/me/.ssh/id_fallback'])
  })

  it('parses ProxyJump lists and none', () => {
    expect(parseProxyJump('none')).toEqual([])
    expect(parseProxyJump('a@j1:2200,ssh://j2')).toEqual([
      { user: 'a', host: 'j1', port: 2200 },
      { host: 'j2' }
    ])
  })
})

describe('hops and route text', () => {
  it('parses [user@]host[:port], IPv6 in brackets', () => {
    expect(parseHop('alice@bastion:2222')).toEqual({ user: 'alice', host: 'bastion', port: 2222 })
    expect(parseHop('bastion')).toEqual({ host: 'bastion' })
    expect(parseHop('[::1]:2200')).toEqual({ host: '::1', port: 2200 })
    expect(parseHop('fe80::1')).toEqual({ host: 'fe80::1' })
    expect(parseHop('host:99999')).toBeUndefined()
    expect(parseHop('')).toBeUndefined()
    expect(formatHop({ host: '::1', port: 2200, user: 'u' })).toBe('u@[::1]:2200')
  })

  it('describes a route in one line', () => {
    expect(describeRoute(undefined)).toBe('direct')
    expect(describeRoute({ ssh: { hops: [{ host: 'a' }, { host: 'b', port: 2 }] }, tls: {} })).toBe(
      'SSH a → b:2 · TLS'
    )
    expect(describeRoute({ distPort: 4370, tls: { dangerouslySkipVerify: true } })).toBe(
      'port 4370, no EPMD · TLS (NOT VERIFIED)'
    )
  })

  it('fills %h, %p and %% in a proxy command', () => {
    expect(expandProxyCommand('kubectl exec -i p -- socat - TCP:%h:%p # 100%%', '127.0.0.1', 4369)).toBe(
      'kubectl exec -i p -- socat - TCP:127.0.0.1:4369 # 100%'
    )
  })
})

import { describe, expect, it } from 'vitest'
import { parseFlags, ROUTE_FLAGS } from '../../../src/main/cli/flags'
import { routeFromArgs } from '../../../src/main/cli/route-flags'
import { AppError } from '../../../src/main/app-error'

const parse = (argv: string[]): ReturnType<typeof routeFromArgs> =>
  routeFromArgs(parseFlags(argv, ROUTE_FLAGS, 'memory'))

describe('route flags', () => {
  it('no flags: no route', () => {
    expect(parse(['app@h'])).toBeUndefined()
  })

  it('--ssh repeats in hop order', () => {
    expect(parse(['app@h', '--ssh', 'a@j1', '--ssh=j2:2200', '--ssh-key', 'k', '--ssh-accept-new'])).toEqual({
      ssh: {
        hops: [
          { user: 'a', host: 'j1' },
          { host: 'j2', port: 2200 }
        ],
        keyFile: 'k',
        acceptNew: true
      }
    })
  })

  it('TLS flags imply --tls; ports are checked', () => {
    expect(parse(['n', '--tls-ca', 'ca.pem', '--dist-port', '4370', '--address', '10.0.0.2'])).toEqual({
      address: '10.0.0.2',
      distPort: 4370,
      tls: { caFile: 'ca.pem', dangerouslySkipVerify: false }
    })
    expect(() => parse(['n', '--dist-port', 'x'])).toThrow(AppError)
    expect(() => parse(['n', '--ssh-key', 'k'])).toThrow(/only applies with --ssh/)
    expect(() => parse(['n', '--ssh', 'a', '--proxy-command', 'x'])).toThrow(/not both/)
  })
})

import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import * as F from '../../../src/main/erldist/flags'
import {
  buildChallengeReply,
  buildSendName,
  checkPeerFlags,
  digest,
  parseAck,
  parseChallenge,
  parseStatus,
  statusError
} from '../../../src/main/erldist/handshake'
import { parsePort2Resp } from '../../../src/main/erldist/epmd'

function challenge(
  flags: bigint,
  ch: number,
  creation: number,
  name: string,
  trailing = Buffer.alloc(0)
): Buffer {
  const n = Buffer.from(name)
  const b = Buffer.alloc(19 + n.length)
  b[0] = 0x4e
  b.writeBigUInt64BE(flags, 1)
  b.writeUInt32BE(ch, 9)
  b.writeUInt32BE(creation, 13)
  b.writeUInt16BE(n.length, 17)
  n.copy(b, 19)
  return Buffer.concat([b, trailing])
}

describe('flags', () => {
  it('match the masks read from live nodes', () => {
    expect(F.MANDATORY_OTP25).toBe(0x1070f94n)
    expect(F.MANDATORY_OTP26).toBe(0x403070f94n)
    expect(F.DFLAG_MANDATORY_25_DIGEST).toBe(0x4000000n)
  })
  it('we are hidden, with no atom cache and no fragments', () => {
    for (const f of [
      F.DFLAG_PUBLISHED,
      F.DFLAG_ATOM_CACHE,
      F.DFLAG_DIST_HDR_ATOM_CACHE,
      F.DFLAG_FRAGMENTS,
      F.DFLAG_LOCAL_EXT
    ]) {
      expect(F.OUR_FLAGS & f).toBe(0n)
    }
    expect(F.OUR_FLAGS & F.MANDATORY_OTP26).toBe(F.MANDATORY_OTP26)
    expect(F.OUR_FLAGS & F.DFLAG_MANDATORY_25_DIGEST).toBe(F.DFLAG_MANDATORY_25_DIGEST)
  })
  it('names flags', () => {
    expect(F.flagNames(F.DFLAG_UNLINK_ID | F.DFLAG_V4_NC)).toEqual(['UNLINK_ID', 'V4_NC'])
    expect(F.missingFlags(F.MANDATORY_OTP25, F.MANDATORY_OTP26)).toEqual(['UNLINK_ID', 'V4_NC'])
  })
})

describe('handshake messages', () => {
  it('send_name v6 layout', () => {
    const m = buildSendName(F.OUR_FLAGS, 0x01020304, 'me@host')
    expect(m.readUInt16BE(0)).toBe(m.length - 2)
    expect(m[2]).toBe(0x4e)
    expect(m.readBigUInt64BE(3)).toBe(F.OUR_FLAGS)
    expect(m.readUInt32BE(11)).toBe(0x01020304)
    expect(m.readUInt16BE(15)).toBe(7)
    expect(m.toString('utf8', 17)).toBe('me@host')
  })
  it('digest is md5(cookie ++ decimal challenge), unsigned', () => {
    expect(digest(0xffffffff, 'secret')).toEqual(createHash('md5').update('secret4294967295').digest())
    expect(digest(42, 'c')).toEqual(createHash('md5').update('c42').digest())
  })
  it('challenge_reply layout', () => {
    const m = buildChallengeReply(7, 0xdeadbeef, 'k')
    expect(m.readUInt16BE(0)).toBe(21)
    expect(m[2]).toBe(0x72)
    expect(m.readUInt32BE(3)).toBe(0xdeadbeef)
    expect(m.subarray(7)).toEqual(createHash('md5').update('k7').digest())
  })
  it('parses a challenge, ignoring trailing bytes', () => {
    const c = parseChallenge(challenge(F.MANDATORY_OTP26, 99, 1234, 'x@y', Buffer.from([1, 2, 3])))
    expect(c).toEqual({ flags: F.MANDATORY_OTP26, challenge: 99, creation: 1234, name: 'x@y' })
  })
  it('refuses truncated or old-style challenges and bad acks with handshake_failed', () => {
    expect(() => parseChallenge(challenge(0n, 1, 1, 'abc').subarray(0, 20))).toThrow(
      expect.objectContaining({ code: 'handshake_failed' })
    )
    expect(() => parseChallenge(Buffer.from([0x6e, 0, 5]))).toThrow(/version-5/)
    expect(() => parseAck(Buffer.from([0x61, 1, 2]))).toThrow(
      expect.objectContaining({ code: 'handshake_failed' })
    )
    expect(parseAck(Buffer.concat([Buffer.from([0x61]), Buffer.alloc(16, 9)]))).toEqual(Buffer.alloc(16, 9))
  })
  it('status words', () => {
    expect(parseStatus(Buffer.from('sok'))).toBe('ok')
    expect(parseStatus(Buffer.from('snot_allowed'))).toBe('not_allowed')
    expect(statusError('not_allowed', 'n@h', F.OUR_FLAGS).code).toBe('flag_refused')
    expect(statusError('nok', 'n@h', F.OUR_FLAGS).code).toBe('handshake_failed')
    expect(statusError('alive', 'n@h', F.OUR_FLAGS).code).toBe('handshake_failed')
  })
  it('a peer lacking a mandatory flag is refused, naming it', () => {
    expect(() => checkPeerFlags('n@h', F.MANDATORY_OTP25 & ~F.DFLAG_BIG_CREATION)).toThrow(/BIG_CREATION/)
    expect(() => checkPeerFlags('n@h', F.MANDATORY_OTP25 & ~F.DFLAG_BIG_CREATION)).toThrow(
      expect.objectContaining({ code: 'flag_refused' })
    )
    expect(() => checkPeerFlags('n@h', F.MANDATORY_OTP25)).not.toThrow()
    expect(() => checkPeerFlags('n@h', F.DFLAG_MANDATORY_25_DIGEST)).not.toThrow()
  })
})

describe('EPMD PORT2_RESP', () => {
  it('accepts lowest version 5 (what OTP 25+ registers)', () => {
    const name = Buffer.from('rabbit')
    const b = Buffer.alloc(14 + name.length)
    b[0] = 119
    b[1] = 0
    b.writeUInt16BE(45678, 2)
    b[4] = 77
    b[5] = 0
    b.writeUInt16BE(6, 6)
    b.writeUInt16BE(5, 8)
    b.writeUInt16BE(name.length, 10)
    name.copy(b, 12)
    b.writeUInt16BE(0, 12 + name.length)
    expect(parsePort2Resp(b)).toMatchObject({
      port: 45678,
      nodeType: 77,
      highestVersion: 6,
      lowestVersion: 5,
      name: 'rabbit'
    })
  })
  it('returns undefined for an error result', () => {
    expect(parsePort2Resp(Buffer.from([119, 1]))).toBeUndefined()
  })
})

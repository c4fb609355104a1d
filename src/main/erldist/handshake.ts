import { createHash } from 'node:crypto'
import { AppError } from '../app-error'
import { DFLAG_MANDATORY_25_DIGEST, flagNames, missingFlags, REQUIRED_FROM_PEER } from './flags'

/** Handshake message tags (lib/kernel/src/dist_util.erl). */
export const SEND_NAME_V6 = 0x4e // 'N'
export const STATUS = 0x73 // 's'
export const CHALLENGE_V6 = 0x4e // 'N'
export const CHALLENGE_OLD = 0x6e // 'n'
export const CHALLENGE_REPLY = 0x72 // 'r'
export const CHALLENGE_ACK = 0x61 // 'a'

export interface Challenge {
  flags: bigint
  challenge: number
  creation: number
  name: string
}

function withLength16(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(body.length + 2)
  out.writeUInt16BE(body.length, 0)
  body.copy(out, 2)
  return out
}

/** send_name v6: `'N' Flags:64 Creation:32 Nlen:16 Name`, with its 2-byte length. */
export function buildSendName(flags: bigint, creation: number, name: string): Buffer {
  const n = Buffer.from(name, 'utf8')
  const body = Buffer.alloc(1 + 8 + 4 + 2 + n.length)
  body[0] = SEND_NAME_V6
  body.writeBigUInt64BE(flags, 1)
  body.writeUInt32BE(creation >>> 0, 9)
  body.writeUInt16BE(n.length, 13)
  n.copy(body, 15)
  return withLength16(body)
}

/** `md5(Cookie ++ integer_to_list(Challenge))`. */
export function digest(challenge: number, cookie: string): Buffer {
  return createHash('md5')
    .update(Buffer.from(cookie, 'latin1'))
    .update(String(challenge >>> 0))
    .digest()
}

/** challenge_reply: `'r' OurChallenge:32 Digest:16`, with its 2-byte length. */
export function buildChallengeReply(peerChallenge: number, ourChallenge: number, cookie: string): Buffer {
  const body = Buffer.alloc(1 + 4 + 16)
  body[0] = CHALLENGE_REPLY
  body.writeUInt32BE(ourChallenge >>> 0, 1)
  digest(peerChallenge, cookie).copy(body, 5)
  return withLength16(body)
}

/** The status word from an `'s'` message (`ok`, `nok`, `not_allowed`, `alive`, `named:`…). */
export function parseStatus(body: Buffer): string {
  if (body.length < 1 || body[0] !== STATUS)
    throw handshakeError(`expected a status message, got ${describe(body)}`)
  return body.toString('latin1', 1)
}

/** challenge v6: `'N' Flags:64 Challenge:32 Creation:32 Nlen:16 Name` (trailing bytes ignored). */
export function parseChallenge(body: Buffer): Challenge {
  if (body.length >= 1 && body[0] === CHALLENGE_OLD) {
    throw handshakeError('the peer answered with a version-5 challenge; erlscope needs OTP 23 or later')
  }
  if (body.length < 19 || body[0] !== CHALLENGE_V6)
    throw handshakeError(`expected a challenge, got ${describe(body)}`)
  const nlen = body.readUInt16BE(17)
  if (body.length < 19 + nlen) throw handshakeError('truncated challenge')
  return {
    flags: body.readBigUInt64BE(1),
    challenge: body.readUInt32BE(9),
    creation: body.readUInt32BE(13),
    name: body.toString('utf8', 19, 19 + nlen)
  }
}

/** challenge_ack: `'a' Digest:16`. */
export function parseAck(body: Buffer): Buffer {
  if (body.length !== 17 || body[0] !== CHALLENGE_ACK)
    throw handshakeError(`expected a challenge ack, got ${describe(body)}`)
  return body.subarray(1)
}

/** Flags the peer must have for us; `MANDATORY_25_DIGEST` stands for the whole OTP 25 set. */
export function checkPeerFlags(peerName: string, flags: bigint): void {
  const effective = (flags & DFLAG_MANDATORY_25_DIGEST) !== 0n ? flags | REQUIRED_FROM_PEER : flags
  const missing = missingFlags(effective, REQUIRED_FROM_PEER)
  if (missing.length > 0) {
    throw new AppError(
      'flag_refused',
      `Node ${peerName} lacks the distribution capabilit${missing.length > 1 ? 'ies' : 'y'} ${missing.join(', ')} that erlscope requires (OTP 23 or later is needed).`
    )
  }
}

/** An AppError for a refusing status. */
export function statusError(status: string, target: string, ourFlags: bigint): AppError {
  if (status === 'not_allowed') {
    return new AppError(
      'flag_refused',
      `Node ${target} refused the connection (not_allowed): it requires a distribution flag erlscope did not offer, or its net_kernel does not allow this node. We offered ${flagNames(ourFlags).join(', ')}; the node's log names the missing flag.`
    )
  }
  if (status === 'nok' || status === 'alive') {
    return new AppError(
      'handshake_failed',
      `Node ${target} refused the connection (status '${status}'): a connection from this node name is already being set up; try again.`
    )
  }
  return new AppError(
    'handshake_failed',
    `Node ${target} answered the handshake with an unexpected status '${status}'.`
  )
}

export function handshakeError(message: string): AppError {
  return new AppError('handshake_failed', `Distribution handshake failed: ${message}.`)
}

function describe(body: Buffer): string {
  return body.length === 0 ? 'an empty message' : `tag ${body[0]} (${body.length} bytes)`
}

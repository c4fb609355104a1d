/** Distribution capability flags (erts/emulator/beam/dist.h, lib/kernel/include/dist.hrl). */
export const DFLAG_PUBLISHED = 0x1n
export const DFLAG_ATOM_CACHE = 0x2n
export const DFLAG_EXTENDED_REFERENCES = 0x4n
export const DFLAG_DIST_MONITOR = 0x8n
export const DFLAG_FUN_TAGS = 0x10n
export const DFLAG_DIST_MONITOR_NAME = 0x20n
export const DFLAG_HIDDEN_ATOM_CACHE = 0x40n
export const DFLAG_NEW_FUN_TAGS = 0x80n
export const DFLAG_EXTENDED_PIDS_PORTS = 0x100n
export const DFLAG_EXPORT_PTR_TAG = 0x200n
export const DFLAG_BIT_BINARIES = 0x400n
export const DFLAG_NEW_FLOATS = 0x800n
export const DFLAG_UNICODE_IO = 0x1000n
export const DFLAG_DIST_HDR_ATOM_CACHE = 0x2000n
export const DFLAG_SMALL_ATOM_TAGS = 0x4000n
export const DFLAG_ETS_COMPRESSED = 0x8000n
export const DFLAG_UTF8_ATOMS = 0x10000n
export const DFLAG_MAP_TAG = 0x20000n
export const DFLAG_BIG_CREATION = 0x40000n
export const DFLAG_SEND_SENDER = 0x80000n
export const DFLAG_BIG_SEQTRACE_LABELS = 0x100000n
export const DFLAG_EXIT_PAYLOAD = 0x400000n
export const DFLAG_FRAGMENTS = 0x800000n
export const DFLAG_HANDSHAKE_23 = 0x1000000n
export const DFLAG_UNLINK_ID = 0x2000000n
export const DFLAG_MANDATORY_25_DIGEST = 0x4000000n
export const DFLAG_SPAWN = 1n << 32n
export const DFLAG_NAME_ME = 1n << 33n
export const DFLAG_V4_NC = 1n << 34n
export const DFLAG_ALIAS = 1n << 35n
export const DFLAG_LOCAL_EXT = 1n << 36n
/**
 * OTP 28: the peer understands the ALTACT_SIG_SEND control message (alias/priority sends).
 * Not offered: erlscope handles no ALTACT_SIG_SEND and needs no alias or priority messages; without
 * it an OTP 28+ node keeps to the classic SEND/REG_SEND ops.
 */
export const DFLAG_ALTACT_SIG = 1n << 37n
/**
 * OTP 29 (lib/kernel/include/dist.hrl, erts/emulator/beam/dist.h): the peer decodes RECORD_EXT
 * (native records). Offered: the ETF codec decodes and encodes RECORD_EXT (etf/tags.ts).
 */
export const DFLAG_NATIVE_RECORDS = 1n << 38n

/** DFLAG_DIST_MANDATORY_25: what an OTP 25 node requires (mask 0x1070F94). */
export const MANDATORY_OTP25 =
  DFLAG_EXTENDED_REFERENCES |
  DFLAG_FUN_TAGS |
  DFLAG_NEW_FUN_TAGS |
  DFLAG_EXTENDED_PIDS_PORTS |
  DFLAG_EXPORT_PTR_TAG |
  DFLAG_BIT_BINARIES |
  DFLAG_NEW_FLOATS |
  DFLAG_UTF8_ATOMS |
  DFLAG_MAP_TAG |
  DFLAG_BIG_CREATION |
  DFLAG_HANDSHAKE_23

/** DFLAG_DIST_MANDATORY for OTP 26+ (mask 0x403070F94). */
export const MANDATORY_OTP26 = MANDATORY_OTP25 | DFLAG_UNLINK_ID | DFLAG_V4_NC

/** What we offer: hidden (no PUBLISHED), no atom cache, no fragments. */
export const OUR_FLAGS =
  MANDATORY_OTP26 |
  DFLAG_MANDATORY_25_DIGEST |
  DFLAG_DIST_MONITOR |
  DFLAG_DIST_MONITOR_NAME |
  DFLAG_UNICODE_IO |
  DFLAG_SEND_SENDER |
  DFLAG_EXIT_PAYLOAD |
  DFLAG_BIG_SEQTRACE_LABELS |
  DFLAG_NATIVE_RECORDS

/** What we need from the peer to talk to it at all. */
export const REQUIRED_FROM_PEER = MANDATORY_OTP25

export const FLAG_NAMES: ReadonlyArray<readonly [bigint, string]> = [
  [DFLAG_PUBLISHED, 'PUBLISHED'],
  [DFLAG_ATOM_CACHE, 'ATOM_CACHE'],
  [DFLAG_EXTENDED_REFERENCES, 'EXTENDED_REFERENCES'],
  [DFLAG_DIST_MONITOR, 'DIST_MONITOR'],
  [DFLAG_FUN_TAGS, 'FUN_TAGS'],
  [DFLAG_DIST_MONITOR_NAME, 'DIST_MONITOR_NAME'],
  [DFLAG_HIDDEN_ATOM_CACHE, 'HIDDEN_ATOM_CACHE'],
  [DFLAG_NEW_FUN_TAGS, 'NEW_FUN_TAGS'],
  [DFLAG_EXTENDED_PIDS_PORTS, 'EXTENDED_PIDS_PORTS'],
  [DFLAG_EXPORT_PTR_TAG, 'EXPORT_PTR_TAG'],
  [DFLAG_BIT_BINARIES, 'BIT_BINARIES'],
  [DFLAG_NEW_FLOATS, 'NEW_FLOATS'],
  [DFLAG_UNICODE_IO, 'UNICODE_IO'],
  [DFLAG_DIST_HDR_ATOM_CACHE, 'DIST_HDR_ATOM_CACHE'],
  [DFLAG_SMALL_ATOM_TAGS, 'SMALL_ATOM_TAGS'],
  [DFLAG_ETS_COMPRESSED, 'ETS_COMPRESSED'],
  [DFLAG_UTF8_ATOMS, 'UTF8_ATOMS'],
  [DFLAG_MAP_TAG, 'MAP_TAG'],
  [DFLAG_BIG_CREATION, 'BIG_CREATION'],
  [DFLAG_SEND_SENDER, 'SEND_SENDER'],
  [DFLAG_BIG_SEQTRACE_LABELS, 'BIG_SEQTRACE_LABELS'],
  [DFLAG_EXIT_PAYLOAD, 'EXIT_PAYLOAD'],
  [DFLAG_FRAGMENTS, 'FRAGMENTS'],
  [DFLAG_HANDSHAKE_23, 'HANDSHAKE_23'],
  [DFLAG_UNLINK_ID, 'UNLINK_ID'],
  [DFLAG_MANDATORY_25_DIGEST, 'MANDATORY_25_DIGEST'],
  [DFLAG_SPAWN, 'SPAWN'],
  [DFLAG_NAME_ME, 'NAME_ME'],
  [DFLAG_V4_NC, 'V4_NC'],
  [DFLAG_ALIAS, 'ALIAS'],
  [DFLAG_LOCAL_EXT, 'LOCAL_EXT'],
  [DFLAG_ALTACT_SIG, 'ALTACT_SIG'],
  [DFLAG_NATIVE_RECORDS, 'NATIVE_RECORDS']
]

/** Names of the set bits, e.g. `['UNLINK_ID', 'V4_NC']`. */
export function flagNames(flags: bigint): string[] {
  return FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0n).map(([, name]) => name)
}

export function missingFlags(have: bigint, need: bigint): string[] {
  return flagNames(need & ~have)
}

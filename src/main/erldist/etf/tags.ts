/**
 * External term format tags. Each constant is the tag's spec name in erts/doc/guides/erl_ext_dist.md
 * ("External Term Format") and erts/emulator/beam/external.h of erlang/otp; the OTP release that
 * introduced a newer tag is noted beside it. Layouts beyond that guide: docs/term-formats.md.
 */
export const VERSION_MAGIC = 131
export const COMPRESSED = 80 // 'P'
export const NEW_FLOAT_EXT = 70 // 'F'
export const BIT_BINARY_EXT = 77 // 'M'
export const ATOM_CACHE_REF = 82 // 'R'
export const NEW_PID_EXT = 88 // 'X'
export const NEW_PORT_EXT = 89 // 'Y'
export const NEWER_REFERENCE_EXT = 90 // 'Z'
export const SMALL_INTEGER_EXT = 97 // 'a'
export const INTEGER_EXT = 98 // 'b'
export const FLOAT_EXT = 99 // 'c'
export const ATOM_EXT = 100 // 'd'
export const REFERENCE_EXT = 101 // 'e'
export const PORT_EXT = 102 // 'f'
export const PID_EXT = 103 // 'g'
export const SMALL_TUPLE_EXT = 104 // 'h'
export const LARGE_TUPLE_EXT = 105 // 'i'
export const NIL_EXT = 106 // 'j'
export const STRING_EXT = 107 // 'k'
export const LIST_EXT = 108 // 'l'
export const BINARY_EXT = 109 // 'm'
export const SMALL_BIG_EXT = 110 // 'n'
export const LARGE_BIG_EXT = 111 // 'o'
export const NEW_FUN_EXT = 112 // 'p'
export const EXPORT_EXT = 113 // 'q'
export const NEW_REFERENCE_EXT = 114 // 'r'
export const SMALL_ATOM_EXT = 115 // 's'
export const MAP_EXT = 116 // 't'
export const FUN_EXT = 117 // 'u'
export const ATOM_UTF8_EXT = 118 // 'v'
export const SMALL_ATOM_UTF8_EXT = 119 // 'w'
export const V4_PORT_EXT = 120 // 'x', OTP 24
export const LOCAL_EXT = 121 // 'y', OTP 26
/**
 * RECORD_EXT ('C', OTP 29 native records, EEP 79):
 *   67 | Arity u32 | Flags u8 | Module atom | Name atom | Arity field-name atoms | Arity values
 * Flags is 0 or 1 (1: the record is exported from Module). See docs/term-formats.md.
 */
export const RECORD_EXT = 67 // 'C'

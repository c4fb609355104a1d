/** Every error that crosses IPC or leaves the CLI carries one of these codes plus a sentence. */
export const errorCodes = [
  'invalid_request',
  'internal',
  'epmd_unreachable',
  'node_not_found',
  'cookie_rejected',
  'flag_refused',
  'name_style_mismatch',
  'handshake_failed',
  'route_failed',
  'host_key_unknown',
  'host_key_changed',
  'ssh_auth_failed',
  'tls_failed',
  'timeout',
  'connection_lost',
  'not_connected',
  'badrpc',
  'decode_error',
  'reply_too_large',
  'confirm_required',
  /** The node is already doing an expensive scan for this session (see the scan gate). */
  'busy',
  'encryption_unavailable',
  'not_found',
  'not_a_dump',
  'dump_io',
  'dump_cancelled',
  'disk_full'
] as const

export type ErrorCode = (typeof errorCodes)[number]

export interface ErrorData {
  code: ErrorCode
  message: string
}

export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorData }

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value)
}

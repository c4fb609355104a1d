import { AppError } from '../../app-error'

/** Malformed, truncated or over-limit external term format input. */
export class EtfDecodeError extends AppError {
  constructor(
    message: string,
    readonly offset: number,
    code: 'decode_error' | 'reply_too_large' = 'decode_error'
  ) {
    super(
      code,
      code === 'reply_too_large'
        ? `The node's reply is too large for erlscope: ${message}. Ask for less (a smaller limit, or a summary computed on the node).`
        : `Could not decode an Erlang term: ${message} (at byte ${offset}).`
    )
    this.name = 'EtfDecodeError'
  }
}

/** A term that cannot be put on the wire (e.g. a non-finite float). */
export class EtfEncodeError extends AppError {
  constructor(message: string) {
    super('invalid_request', `Could not encode an Erlang term: ${message}.`)
    this.name = 'EtfEncodeError'
  }
}

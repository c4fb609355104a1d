import { AppError } from '../../app-error'

/** Malformed, truncated or over-limit external term format input. */
export class EtfDecodeError extends AppError {
  constructor(
    message: string,
    readonly offset: number
  ) {
    super('decode_error', `Could not decode an Erlang term: ${message} (at byte ${offset}).`)
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

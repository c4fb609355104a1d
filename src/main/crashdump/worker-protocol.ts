/** Messages between the dump service and the indexer worker thread, and the part workers. */
import type { ErrorCode } from '../../shared/errors'
import { AppError } from '../app-error'
import type { DumpIndex } from './dump-index'
import type { DumpSource } from './open-dump'
import type { PartIndex } from './part-index'

export interface WorkerRequest {
  path: string
  /** The index cache folder (`index-cache.ts`); absent or null: no cache. */
  cacheDir?: string | null
  /** Where a compressed dump is decompressed (`plain-copy.ts`). */
  plainDir?: string | null
}

export type WorkerReply =
  | { type: 'progress'; phase: 'decompressing' | 'indexing'; bytesRead: number; totalBytes: number }
  | { type: 'done'; index: DumpIndex; source: DumpSource }
  | ErrorReply

/** What a part worker (`part-worker.ts`, `out/main/dump-part-worker.js`) indexes. */
export interface PartRequest {
  path: string
  from: number
  to: number
  chunkSize?: number
}

export type PartReply =
  { type: 'progress'; bytesRead: number } | { type: 'done'; part: PartIndex } | ErrorReply

export interface ErrorReply {
  type: 'error'
  code: ErrorCode
  message: string
}

/** A failure in a worker as its reply: an AppError keeps its code, anything else is `dump_io`. */
export function errorReply(error: unknown): ErrorReply {
  if (error instanceof AppError) return { type: 'error', code: error.code, message: error.message }
  const message = error instanceof Error ? error.message : String(error)
  return { type: 'error', code: 'dump_io', message: `The dump reader failed: ${message}` }
}

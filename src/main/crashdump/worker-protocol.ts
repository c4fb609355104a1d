/** Messages between the dump service and the indexer worker thread. */
import type { ErrorCode } from '../../shared/errors'
import type { DumpIndex } from './dump-index'

export interface WorkerRequest {
  path: string
  /** The index cache folder (`index-cache.ts`); absent or null: no cache. */
  cacheDir?: string | null
}

export type WorkerReply =
  | { type: 'progress'; bytesRead: number; totalBytes: number }
  | { type: 'done'; index: DumpIndex }
  | { type: 'error'; code: ErrorCode; message: string }

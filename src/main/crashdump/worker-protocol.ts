/** Messages between the dump service and the indexer worker thread. */
import type { ErrorCode } from '../../shared/errors'
import type { DumpIndex } from './dump-index'
import type { DumpSource } from './open-dump'

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
  | { type: 'error'; code: ErrorCode; message: string }

/** Messages between the dump service and the indexer worker thread, and the part workers. */
import type { ErrorCode } from '../../shared/errors'
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
  | { type: 'error'; code: ErrorCode; message: string }

/** What a part worker (`part-worker.ts`, `out/main/dump-part-worker.js`) indexes. */
export interface PartRequest {
  path: string
  from: number
  to: number
  chunkSize?: number
}

export type PartReply =
  | { type: 'progress'; bytesRead: number }
  | { type: 'done'; part: PartIndex }
  | { type: 'error'; code: ErrorCode; message: string }

/**
 * Indexes a dump on several threads: cut at section headers near equal shares
 * (`part-boundaries.ts`), one worker thread per part (`part-worker.ts`), parts merged into the
 * index one pass gives (`merge-parts.ts`). Small dumps, one worker, or no built worker script:
 * one pass on this thread (`indexDumpFile`). Progress is the sum over the parts; a cancel stops
 * every thread.
 */
import { open } from 'node:fs/promises'
import { Worker } from 'node:worker_threads'
import { AppError } from '../app-error'
import type { DumpIndex } from './dump-index'
import { defaultPartWorker, indexWorkers, partCount } from './index-workers'
import { checkVersion, dumpFileSize, indexDumpFile, ioError, type IndexOptions } from './indexer'
import { mergeParts } from './merge-parts'
import { partStarts } from './part-boundaries'
import { indexPart, type PartIndex } from './part-index'
import type { PartReply, PartRequest } from './worker-protocol'

export interface ParallelIndexOptions extends IndexOptions {
  /** Threads (default `indexWorkers()`: ERLSCOPE_INDEX_WORKERS, else the cores up to 8); 1: one pass. */
  workers?: number
  /** Smallest part worth a thread (default MIN_PART_BYTES); tests cut small dumps with 1. */
  minPartBytes?: number
  /**
   * The built part-worker script (default: `dump-part-worker.js` next to the bundle), or
   * 'in-process' to index the parts one after the other on this thread (tests of cut and merge).
   */
  partWorker?: string
}

/** Indexes the dump at `path` on up to `workers` threads. Errors as `indexDumpFile`. */
export async function indexDump(path: string, options: ParallelIndexOptions = {}): Promise<DumpIndex> {
  const t0 = performance.now()
  const size = await dumpFileSize(path)
  const parts = partCount(size, options.workers ?? indexWorkers(), options.minPartBytes)
  const script = options.partWorker ?? defaultPartWorker()
  if (parts <= 1 || !script) return indexDumpFile(path, options)
  let starts: number[]
  try {
    const fh = await open(path, 'r')
    try {
      starts = await partStarts(fh, size, parts)
    } finally {
      await fh.close()
    }
  } catch (error) {
    throw ioError(error, path)
  }
  if (starts.length <= 1) return indexDumpFile(path, options)
  const ranges = starts.map((from, k): [number, number] => [from, starts[k + 1] ?? size])
  const done = await (script === 'in-process'
    ? indexPartsHere(path, ranges, size, options)
    : indexPartsOnThreads(script, path, ranges, size, options))
  checkVersion(done[0].version, path)
  return mergeParts(path, done, performance.now() - t0)
}

async function indexPartsHere(
  path: string,
  ranges: [number, number][],
  size: number,
  options: ParallelIndexOptions
): Promise<PartIndex[]> {
  const out: PartIndex[] = []
  let before = 0
  for (const [from, to] of ranges) {
    out.push(
      await indexPart(path, from, to, {
        signal: options.signal,
        chunkSize: options.chunkSize,
        onProgress: (read) => options.onProgress?.(before + read, size)
      })
    )
    before += to - from
  }
  return out
}

function indexPartsOnThreads(
  script: string,
  path: string,
  ranges: [number, number][],
  size: number,
  options: ParallelIndexOptions
): Promise<PartIndex[]> {
  const { signal } = options
  if (signal?.aborted) return Promise.reject(new AppError('dump_cancelled', `Reading ${path} was cancelled.`))
  return new Promise((resolve, reject) => {
    const read = ranges.map(() => 0)
    const parts: (PartIndex | null)[] = ranges.map(() => null)
    let left = ranges.length
    let settled = false
    const workers: Worker[] = []
    const stop = (): void => {
      for (const w of workers) void w.terminate()
    }
    const fail = (error: AppError): void => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      stop()
      reject(error)
    }
    const onAbort = (): void => fail(new AppError('dump_cancelled', `Reading ${path} was cancelled.`))
    signal?.addEventListener('abort', onAbort)
    ranges.forEach(([from, to], k) => {
      const workerData: PartRequest = { path, from, to, chunkSize: options.chunkSize }
      const w = new Worker(script, { workerData })
      workers.push(w)
      w.on('message', (m: PartReply) => {
        if (settled) return
        if (m.type === 'progress') {
          read[k] = m.bytesRead
          options.onProgress?.(
            read.reduce((a, b) => a + b, 0),
            size
          )
        } else if (m.type === 'error') fail(new AppError(m.code, m.message))
        else {
          parts[k] = m.part
          if (--left === 0) {
            settled = true
            signal?.removeEventListener('abort', onAbort)
            resolve(parts as PartIndex[])
          }
        }
      })
      w.on('error', (e) => fail(new AppError('dump_io', `The dump reader failed: ${e.message}`)))
      w.on('exit', (code) => {
        if (parts[k] === null) fail(new AppError('dump_io', `A dump reader thread stopped (exit ${code}).`))
      })
    })
  })
}

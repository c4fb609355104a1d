/**
 * Indexes a dump on several threads: cut at section headers into a few parts per thread
 * (`part-boundaries.ts`), parts indexed on this thread and on worker threads (`part-worker.ts`),
 * merged into the index one pass gives (`merge-parts.ts`). Small dumps, one thread, or no built
 * worker script: one pass on this thread (`indexDumpFile`). Progress is the sum over the parts;
 * a cancel stops every thread.
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
  /**
   * Threads, this one included (default `indexWorkers()`: ERLSCOPE_INDEX_WORKERS, else the cores
   * up to 8); 1: one pass on this thread.
   */
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
  const workers = options.workers ?? indexWorkers()
  const parts = partCount(size, workers, options.minPartBytes)
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
  const threads = script === 'in-process' ? 0 : Math.min(workers, ranges.length) - 1
  const done = await indexParts(path, ranges, size, options, script, threads)
  checkVersion(done[0].version, path)
  return mergeParts(path, done, performance.now() - t0)
}

/**
 * Indexes the parts on this thread and `threads` worker threads: each takes the next part left
 * when it is free; this thread takes the first (its processes then need no copy between threads).
 */
async function indexParts(
  path: string,
  ranges: [number, number][],
  size: number,
  options: ParallelIndexOptions,
  script: string,
  threads: number
): Promise<PartIndex[]> {
  const stop = new AbortController()
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal
  const cancelled = (): AppError => new AppError('dump_cancelled', `Reading ${path} was cancelled.`)
  if (signal.aborted) throw cancelled()
  const parts: (PartIndex | null)[] = ranges.map(() => null)
  const read = ranges.map(() => 0)
  let next = 0
  const progress = (k: number, bytes: number): void => {
    read[k] = bytes
    let sum = 0
    for (const r of read) sum += r
    options.onProgress?.(sum, size)
  }
  const here = async (): Promise<void> => {
    const buffers: Buffer[] = []
    while (next < ranges.length && !signal.aborted) {
      const k = next++
      parts[k] = await indexPart(path, ranges[k][0], ranges[k][1], {
        signal,
        chunkSize: options.chunkSize,
        buffers,
        onProgress: (bytes) => progress(k, bytes)
      })
    }
  }
  const workers: Worker[] = []
  const onThread = (w: Worker): Promise<void> =>
    new Promise((resolve, reject) => {
      let k = -1
      const give = (): void => {
        if (next >= ranges.length || signal.aborted) return resolve()
        k = next++
        const req: PartRequest = { path, from: ranges[k][0], to: ranges[k][1], chunkSize: options.chunkSize }
        w.postMessage(req)
      }
      signal.addEventListener('abort', () => resolve(), { once: true })
      w.on('message', (m: PartReply) => {
        if (m.type === 'progress') progress(k, m.bytesRead)
        else if (m.type === 'error') reject(new AppError(m.code, m.message))
        else {
          parts[k] = m.part
          give()
        }
      })
      w.on('error', (e) => reject(new AppError('dump_io', `The dump reader failed: ${e.message}`)))
      w.on('exit', (code) => reject(new AppError('dump_io', `A dump reader thread stopped (exit ${code}).`)))
      give()
    })
  try {
    // this thread takes part 0 before any worker starts
    const mine = here()
    const theirs: Promise<void>[] = []
    for (let t = 0; t < threads && next < ranges.length; t++) {
      const w = new Worker(script)
      workers.push(w)
      theirs.push(onThread(w))
    }
    await Promise.all([mine, ...theirs])
  } catch (error) {
    stop.abort()
    throw error
  } finally {
    for (const w of workers) void w.terminate()
  }
  if (options.signal?.aborted) throw cancelled()
  return parts as PartIndex[]
}

/**
 * How many threads index a dump, into how many parts, and where the part worker's script is.
 * Parts are MIN_PART_BYTES or more, so small dumps are indexed in one pass without a thread.
 */
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'

/** Beyond this, more threads mostly wait on the disk and each other. */
export const MAX_DEFAULT_WORKERS = 8
/** A part smaller than this costs more to hand to a thread (start, merge) than it saves. */
export const MIN_PART_BYTES = 32 << 20

/** `ERLSCOPE_INDEX_WORKERS` (a positive integer) when set, else min(cores, MAX_DEFAULT_WORKERS). */
export function indexWorkers(env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): number {
  const set = env.ERLSCOPE_INDEX_WORKERS
  if (set !== undefined && /^\s*\d+\s*$/.test(set)) {
    const n = Number(set)
    if (n >= 1) return Math.min(n, 256)
  }
  return Math.max(1, Math.min(cores, MAX_DEFAULT_WORKERS))
}

/** Parts per thread: a thread that finishes early takes another, so parts of unequal cost even out. */
export const PARTS_PER_THREAD = 4

/** Parts for a file of `size` bytes on `workers` threads, each at least `minPartBytes`; 1: one pass. */
export function partCount(size: number, workers: number, minPartBytes = MIN_PART_BYTES): number {
  if (workers <= 1) return 1
  const n = Math.min(workers * PARTS_PER_THREAD, Math.floor(size / Math.max(1, minPartBytes)))
  return n < 2 ? 1 : n
}

/** The built part worker next to the bundle (`out/main/`, or its `chunks/`), else undefined. */
export function defaultPartWorker(): string | undefined {
  const dir = typeof __dirname === 'string' ? __dirname : undefined
  if (!dir) return undefined
  for (const d of [dir, dirname(dir)]) {
    const p = join(d, 'dump-part-worker.js')
    if (existsSync(p)) return p
  }
  return undefined
}

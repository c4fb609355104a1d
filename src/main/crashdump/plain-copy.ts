/**
 * A compressed dump is decompressed once, streaming, into the index cache folder, and then read
 * like any dump. The copy is named after the compressed file's identity (`cacheKey` of its stamp),
 * so the next open of the same unchanged file finds it and skips decompression.
 *
 * Disk use is bounded: the free space is checked with statfs before and while writing (a reserve
 * is always left free), and the folder keeps only the most recent copies. A stream that ends early
 * (a cut download) keeps what came before the cut, named `.cut.dump`, so the dump can still be
 * shown; a stream that is damaged from its first bytes is an error.
 */
import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, mkdtemp, open, readdir, rename, rm, stat, statfs } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import type { FileStamp } from './index-codec'
import { AppError } from '../app-error'
import { humanBytes as fmtBytes } from '../../shared/format-bytes'
import { cacheKey } from './index-cache'
import { compressionNames, decompressed, isCutStream, type Compression } from './compression'

export interface PlainCopyOptions {
  /** Where copies live (the index cache folder); null: a temp folder that `dispose()` removes. */
  cacheDir: string | null
  signal?: AbortSignal
  /** Compressed bytes read so far, of the compressed size (0 when unknown, e.g. stdin). */
  onProgress?: (compressedRead: number, compressedTotal: number) => void
  /** Free space always left on the disk (default 1 GiB, at most a tenth of the disk). */
  reserveBytes?: number
  /** Decompressed copies kept in the folder (default 4, the newest first). */
  maxCopies?: number
}

export interface PlainCopy {
  /** The decompressed dump. */
  path: string
  compression: Compression
  /** Set when the compressed stream ends early or is damaged after some output. */
  cut: { plainBytes: number; reason: string } | null
  /** Found from an earlier open of the same file. */
  fromCache: boolean
  /** Removes a copy that is not kept (no cache folder). */
  dispose(): Promise<void>
}

const COPY = /^[0-9a-f]{40}(\.cut)?\.dump$/
/** Free space is measured again after this many bytes written. */
const RECHECK_BYTES = 256 << 20

function cancelled(name: string): AppError {
  return new AppError('dump_cancelled', `Decompressing ${name} was cancelled.`)
}

async function freeBytes(dir: string): Promise<{ free: number; size: number }> {
  const s = await statfs(dir)
  return { free: s.bavail * s.bsize, size: s.blocks * s.bsize }
}

function reserveFor(diskSize: number, reserve?: number): number {
  return reserve ?? Math.min(1 << 30, Math.floor(diskSize / 10))
}

/** Keeps the newest `keep` copies (by modification time), removing older ones. Never throws. */
async function pruneCopies(dir: string, keep: number): Promise<void> {
  try {
    const names = (await readdir(dir)).filter((n) => COPY.test(n))
    const dated = await Promise.all(
      names.map(async (n) => ({
        p: join(dir, n),
        t: (await stat(join(dir, n)).catch(() => null))?.mtimeMs ?? 0
      }))
    )
    dated.sort((a, b) => b.t - a.t)
    for (const d of dated.slice(Math.max(0, keep))) await rm(d.p, { force: true }).catch(() => undefined)
  } catch {
    // no folder yet
  }
}

/**
 * Streams `input` (compressed in `format`, or plain when null) into `target`, within the disk
 * budget. Returns the bytes written and, when the compressed stream ended early or broke after
 * some output, why.
 */
export async function writeDecompressed(
  input: Readable,
  format: Compression | null,
  target: string,
  name: string,
  options: Pick<PlainCopyOptions, 'signal' | 'reserveBytes'> & {
    onInput?: (bytes: number) => void
  } = {}
): Promise<{ bytes: number; cut: string | null }> {
  const dir = join(target, '..')
  const disk = await freeBytes(dir)
  const reserve = reserveFor(disk.size, options.reserveBytes)
  let budget = disk.free - reserve
  let read = 0
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      read += chunk.length
      options.onInput?.(read)
      done(null, chunk)
    }
  })
  // the loop below sees the first error; a decoder may report more after it is torn down
  const ignore = (): void => undefined
  counter.on('error', ignore)
  input.on('error', (error) => counter.destroy(error))
  input.pipe(counter)
  const out = format ? await decompressed(format, counter) : counter
  out.on('error', ignore)
  const shortOfDisk = (written: number): AppError =>
    new AppError(
      'disk_full',
      `Not enough free disk space to decompress ${name}: it stopped after ${fmtBytes(written)}, to leave ${fmtBytes(reserve)} free in ${dir}. Free some space, or point ERLSCOPE_CACHE_DIR at a larger disk.`
    )
  if (budget <= 0) {
    out.destroy()
    input.destroy()
    throw new AppError(
      'disk_full',
      `Not enough free disk space to decompress ${name}: ${fmtBytes(Math.max(0, disk.free))} free in ${dir}, and ${fmtBytes(reserve)} must stay free. Free some space, or point ERLSCOPE_CACHE_DIR at a larger disk.`
    )
  }
  const fh = await open(target, 'wx', 0o600)
  let written = 0
  let nextCheck = RECHECK_BYTES
  try {
    try {
      for await (const chunk of out as AsyncIterable<Buffer>) {
        if (options.signal?.aborted) throw cancelled(name)
        if (written + chunk.length > budget) throw shortOfDisk(written)
        await fh.write(chunk)
        written += chunk.length
        if (written >= nextCheck) {
          nextCheck = written + RECHECK_BYTES
          budget = written + (await freeBytes(dir)).free - reserve
        }
      }
    } catch (error) {
      if (error instanceof AppError) throw error
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw shortOfDisk(written)
      if (!format) throw error
      const what = compressionNames[format]
      if (isCutStream(format, error)) {
        if (written === 0)
          throw new AppError(
            'not_a_dump',
            `${name} is ${what}-compressed but ends before any of its data could be decompressed: the file is cut.`
          )
        return { bytes: written, cut: `the ${what} data ends early` }
      }
      const detail = error instanceof Error ? error.message : String(error)
      if (written === 0)
        throw new AppError(
          'not_a_dump',
          `${name} starts like a ${what} file, but its data is damaged and cannot be decompressed (${detail}).`
        )
      return { bytes: written, cut: `the ${what} data is damaged after that point (${detail})` }
    }
    return { bytes: written, cut: null }
  } finally {
    out.destroy()
    input.destroy()
    await fh.close()
  }
}

/**
 * The decompressed copy of the compressed dump at `path` (with this stamp): found in the cache
 * folder, or written there now. Throws disk_full, dump_cancelled, not_a_dump, dump_io.
 */
export async function plainCopy(
  path: string,
  stamp: FileStamp,
  format: Compression,
  options: PlainCopyOptions
): Promise<PlainCopy> {
  const name = basename(path)
  const temp = options.cacheDir === null
  const dir = options.cacheDir ?? (await mkdtemp(join(tmpdir(), 'erlscope-plain-')))
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const key = cacheKey(stamp)
  const whole = join(dir, `${key}.dump`)
  const cutCopy = join(dir, `${key}.cut.dump`)
  const dispose = temp ? () => rm(dir, { recursive: true, force: true }) : async () => undefined
  if (!temp) {
    for (const [p, isCut] of [
      [whole, false],
      [cutCopy, true]
    ] as const) {
      const st = await stat(p).catch(() => null)
      if (st?.isFile())
        return {
          path: p,
          compression: format,
          cut: isCut
            ? { plainBytes: st.size, reason: `the ${compressionNames[format]} data ends early or is damaged` }
            : null,
          fromCache: true,
          dispose
        }
    }
    await pruneCopies(dir, (options.maxCopies ?? 4) - 1)
  }
  const total = Number(stamp.size)
  const tmp = join(dir, `${key}.${process.pid}.${randomBytes(4).toString('hex')}.dump.tmp`)
  options.onProgress?.(0, total)
  try {
    const { bytes, cut } = await writeDecompressed(
      createReadStream(path, { highWaterMark: 1 << 20 }),
      format,
      tmp,
      name,
      {
        signal: options.signal,
        reserveBytes: options.reserveBytes,
        onInput: (n) => options.onProgress?.(n, total)
      }
    )
    const target = cut ? cutCopy : whole
    await rename(tmp, target)
    return {
      path: target,
      compression: format,
      cut: cut ? { plainBytes: bytes, reason: cut } : null,
      fromCache: false,
      dispose
    }
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined)
    await dispose().catch(() => undefined)
    if (error instanceof AppError) throw error
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new AppError('not_found', `No file at ${path}.`)
    throw new AppError(
      'dump_io',
      `Could not decompress ${name}: ${error instanceof Error ? error.message : String(error)}`
    )
  }
}

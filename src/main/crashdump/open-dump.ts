/**
 * Opening any dump file: a plain dump is indexed (or its index loaded from the cache); a gzip,
 * Zstandard or xz file (told apart by its first bytes) is first decompressed once into the cache
 * folder (`plain-copy.ts`) and that copy is indexed. Also says whether a dump without `=end` is
 * still being written rather than cut.
 */
import { mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import type { DumpCompression } from '../../shared/contract/dump'
import { AppError } from '../app-error'
import { detectCompression, MAGIC_BYTES } from './compression'
import type { DumpIndex } from './dump-index'
import { fileStamp, openDumpIndex, type CachedIndexOptions } from './index-cache'
import { plainCopy, writeDecompressed, type PlainCopyOptions } from './plain-copy'

/** Where an open dump's bytes came from, for the banner and the title. */
export interface DumpSource {
  /** The file the user opened (the compressed file for a compressed dump). */
  path: string
  compression: DumpCompression | null
  /** Why the compressed stream stopped early (what was decompressed before is shown), else null. */
  compressedCut: string | null
  /** No `=end` yet, and the file grew while read or changed within `WRITING_WINDOW_MS`. */
  beingWritten: boolean
}

export interface OpenedDump {
  index: DumpIndex
  source: DumpSource
  /** Stores a freshly built index in the cache; never throws. */
  save(): Promise<boolean>
  /** Removes a temporary decompressed copy (only made without a cache folder). */
  dispose(): Promise<void>
}

export interface OpenDumpOptions extends CachedIndexOptions {
  /** Where decompressed copies go (default: `cacheDir`); null: a temp folder removed by dispose(). */
  plainDir?: string | null
  /** Progress of both phases: compressed bytes while decompressing, then dump bytes. */
  onPhase?: (phase: 'decompressing' | 'indexing', bytesRead: number, totalBytes: number) => void
  reserveBytes?: PlainCopyOptions['reserveBytes']
}

/** A dump without `=end` that changed this recently is taken as one the VM is still writing. */
export const WRITING_WINDOW_MS = 10_000

async function readHead(path: string): Promise<Buffer | null> {
  try {
    const fh = await open(path, 'r')
    try {
      const buf = Buffer.alloc(MAGIC_BYTES)
      const { bytesRead } = await fh.read(buf, 0, MAGIC_BYTES, 0)
      return buf.subarray(0, bytesRead)
    } finally {
      await fh.close()
    }
  } catch {
    // the indexer reports a missing or unreadable file in its own words
    return null
  }
}

/** True when the plain dump at `path` has no end yet and is changing (see DumpSource). */
export async function isBeingWritten(path: string, index: DumpIndex, now = Date.now()): Promise<boolean> {
  if (index.hasEnd || index.abortReason !== null) return false
  const st = await stat(path).catch(() => null)
  if (!st) return false
  return st.size !== index.size || now - st.mtimeMs < WRITING_WINDOW_MS
}

function withUserPath(error: unknown, copyPath: string, path: string): unknown {
  if (!(error instanceof AppError) || !error.message.includes(copyPath)) return error
  return new AppError(error.code, error.message.split(copyPath).join(path))
}

/** Opens the dump at `path`, whatever its compression. Errors as `indexDumpFile`, plus disk_full. */
export async function openDump(path: string, options: OpenDumpOptions = {}): Promise<OpenedDump> {
  const head = await readHead(path)
  const compression = head ? detectCompression(head) : null
  const indexing = (read: number, total: number): void => {
    options.onProgress?.(read, total)
    options.onPhase?.('indexing', read, total)
  }
  if (!compression) {
    const { index, save } = await openDumpIndex(path, { ...options, onProgress: indexing })
    const source: DumpSource = {
      path,
      compression: null,
      compressedCut: null,
      beingWritten: await isBeingWritten(path, index)
    }
    return { index, source, save, dispose: async () => undefined }
  }
  const stamp = await fileStamp(path)
  if (!stamp) throw new AppError('not_found', `No file at ${path}.`)
  const copy = await plainCopy(path, stamp, compression, {
    cacheDir: options.plainDir === undefined ? (options.cacheDir ?? null) : options.plainDir,
    signal: options.signal,
    reserveBytes: options.reserveBytes,
    onProgress: (read, total) => options.onPhase?.('decompressing', read, total)
  })
  try {
    const { index, save } = await openDumpIndex(copy.path, {
      ...options,
      // a finished copy never changes: its index may be cached at once
      minAgeMs: 0,
      onProgress: indexing
    })
    const source: DumpSource = {
      path,
      compression,
      compressedCut: copy.cut?.reason ?? null,
      beingWritten: false
    }
    return { index, source, save, dispose: copy.dispose }
  } catch (error) {
    await copy.dispose().catch(() => undefined)
    throw withUserPath(error, copy.path, path)
  }
}

/** The first `n` bytes of a stream, and a stream of all of it (those bytes included). */
async function peek(input: Readable, n: number): Promise<{ head: Buffer; whole: Readable }> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  const first: Buffer[] = []
  let got = 0
  let done = false
  while (got < n) {
    const r = await it.next()
    if (r.done) {
      done = true
      break
    }
    const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value)
    first.push(chunk)
    got += chunk.length
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield* first
    if (done) return
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value
  }
  return { head: Buffer.concat(first).subarray(0, n), whole: Readable.from(all(), { objectMode: false }) }
}

/**
 * Opens a dump read from a stream (`erlscope report -` reads stdin): the bytes, decompressed when
 * they start like gzip, Zstandard or xz, go to a temp file in `dir` (or the system temp folder)
 * within the same disk bounds, which `dispose()` removes. Not cached: a stream has no identity.
 */
export async function openDumpStream(
  input: Readable,
  name: string,
  options: Omit<OpenDumpOptions, 'cacheDir'> & { dir?: string | null } = {}
): Promise<OpenedDump> {
  const base = options.dir ?? tmpdir()
  await mkdir(base, { recursive: true, mode: 0o700 })
  const dir = await mkdtemp(join(base, 'erlscope-stdin-'))
  const dispose = (): Promise<void> => rm(dir, { recursive: true, force: true })
  try {
    const { head, whole } = await peek(input, MAGIC_BYTES)
    const compression = detectCompression(head)
    const target = join(dir, 'stdin.dump')
    const { cut } = await writeDecompressed(whole, compression, target, name, {
      signal: options.signal,
      reserveBytes: options.reserveBytes,
      onInput: (n) => options.onPhase?.(compression ? 'decompressing' : 'indexing', n, 0)
    })
    const { index, save } = await openDumpIndex(target, { ...options, cacheDir: null })
    const source: DumpSource = { path: name, compression, compressedCut: cut, beingWritten: false }
    return { index, source, save, dispose }
  } catch (error) {
    await dispose().catch(() => undefined)
    throw withUserPath(error, join(dir, 'stdin.dump'), name)
  }
}

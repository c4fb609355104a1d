/**
 * The on-disk index cache: the index of a dump is saved once (`index-codec.ts` format) and reused
 * by the next command or GUI open of the same, unchanged file.
 *
 * Entries are `<sha1>.idx` files in one folder, keyed by the dump's real path, size, mtime, ctime,
 * inode, device and INDEX_FORMAT_VERSION. A load checks the entry's own stamp against the file's
 * current `stat` too, and any mismatch or damage (wrong magic/version, truncated, bad checksum,
 * out-of-range offsets) means "no entry": the dump is indexed again. Writes go to a temp file and
 * are renamed into place; the folder keeps the most recently used entries only.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, readdir, realpath, rename, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { AppError } from '../app-error'
import type { DumpIndex } from './dump-index'
import { INDEX_FORMAT_VERSION, decodeIndex, encodeIndex, type FileStamp } from './index-codec'
import { indexDump, type ParallelIndexOptions } from './parallel-indexer'

export interface CacheLimits {
  /** Entries kept (most recently used first). Default 20. */
  maxEntries?: number
  /** Total bytes kept (the newest entry is always kept). Default 2 GiB. */
  maxBytes?: number
}

export interface CachedIndexOptions extends ParallelIndexOptions, CacheLimits {
  /** The cache folder; null/undefined: no cache (always index, never write). */
  cacheDir?: string | null
  /**
   * A file modified less than this long before the open (default 2000 ms) is not cached: it may
   * still be being written, and a change within one mtime tick would go unnoticed.
   */
  minAgeMs?: number
}

export interface CachedIndex {
  index: DumpIndex
  fromCache: boolean
  /**
   * Writes the cache entry when the index was built now and may be cached (the bytes are encoded
   * already, so the index's buffers may be transferred first). Never throws; true when written.
   */
  save(): Promise<boolean>
}

const ENTRY = /^[0-9a-f]{40}\.idx$/
const STALE_TMP_MS = 60 * 60 * 1000

/**
 * `$ERLSCOPE_CACHE_DIR/dump-index`, else `$XDG_CACHE_HOME/erlscope/dump-index`, else the
 * platform's cache folder (`~/.cache`, `~/Library/Caches`, `%LOCALAPPDATA%`) + `erlscope/dump-index`.
 */
export function defaultCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform
): string {
  if (env.ERLSCOPE_CACHE_DIR) return join(env.ERLSCOPE_CACHE_DIR, 'dump-index')
  let base: string
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) base = env.XDG_CACHE_HOME
  else if (platform === 'darwin') base = join(homedir(), 'Library', 'Caches')
  else if (platform === 'win32') base = env.LOCALAPPDATA || join(homedir(), 'AppData', 'Local')
  else base = join(homedir(), '.cache')
  return join(base, 'erlscope', 'dump-index')
}

/** The identity of the file at `path` now, or null when it is not a readable regular file. */
export async function fileStamp(path: string): Promise<FileStamp | null> {
  try {
    const st = await stat(path, { bigint: true })
    if (!st.isFile()) return null
    return {
      size: String(st.size),
      mtimeNs: String(st.mtimeNs),
      ctimeNs: String(st.ctimeNs),
      ino: String(st.ino),
      dev: String(st.dev),
      realpath: await realpath(path)
    }
  } catch {
    return null
  }
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return (
    a.size === b.size &&
    a.mtimeNs === b.mtimeNs &&
    a.ctimeNs === b.ctimeNs &&
    a.ino === b.ino &&
    a.dev === b.dev &&
    a.realpath === b.realpath
  )
}

export function cacheKey(stamp: FileStamp): string {
  const parts = [
    INDEX_FORMAT_VERSION,
    stamp.realpath,
    stamp.size,
    stamp.mtimeNs,
    stamp.ctimeNs,
    stamp.ino,
    stamp.dev
  ]
  return createHash('sha1').update(JSON.stringify(parts)).digest('hex')
}

export function cacheEntryPath(dir: string, stamp: FileStamp): string {
  return join(dir, `${cacheKey(stamp)}.idx`)
}

/**
 * The cached index of the file with this stamp, or null (no entry, stale, damaged, unreadable).
 * Never throws.
 */
export async function loadCachedIndex(
  path: string,
  dir: string,
  stamp: FileStamp
): Promise<DumpIndex | null> {
  const entry = cacheEntryPath(dir, stamp)
  try {
    const bytes = await readFile(entry)
    const { index, stamp: saved } = decodeIndex(bytes)
    if (!sameStamp(saved, stamp) || String(index.size) !== stamp.size) return null
    index.path = path
    const now = new Date()
    await utimes(entry, now, now).catch(() => undefined)
    return index
  } catch {
    return null
  }
}

/** Writes one entry atomically (temp file + rename), then trims the folder. Throws on I/O errors. */
export async function writeCacheEntry(
  dir: string,
  stamp: FileStamp,
  bytes: Uint8Array,
  limits: CacheLimits = {}
): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const target = cacheEntryPath(dir, stamp)
  const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    await writeFile(tmp, bytes, { mode: 0o600 })
    await rename(tmp, target)
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined)
    throw error
  }
  await pruneCache(dir, limits, target)
  return target
}

/**
 * Keeps the `maxEntries` most recently used entries within `maxBytes` (always `keep`, else the
 * newest), removes temp files left by killed writers. Never throws.
 */
export async function pruneCache(dir: string, limits: CacheLimits = {}, keep?: string): Promise<void> {
  const maxEntries = Math.max(1, limits.maxEntries ?? 20)
  const maxBytes = limits.maxBytes ?? 2 ** 31
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return
  }
  const entries: { path: string; mtimeMs: number; size: number }[] = []
  const now = Date.now()
  for (const name of names) {
    const p = join(dir, name)
    const tmp = name.endsWith('.tmp')
    if (!tmp && !ENTRY.test(name)) continue
    try {
      const st = await stat(p)
      if (!st.isFile()) continue
      if (tmp) {
        if (now - st.mtimeMs > STALE_TMP_MS) await rm(p, { force: true })
      } else entries.push({ path: p, mtimeMs: p === keep ? Infinity : st.mtimeMs, size: st.size })
    } catch {
      // gone meanwhile
    }
  }
  entries.sort((a, b) => b.mtimeMs - a.mtimeMs)
  let total = 0
  for (let i = 0; i < entries.length; i++) {
    total += entries[i].size
    if (i >= maxEntries || (i > 0 && total > maxBytes))
      await rm(entries[i].path, { force: true }).catch(() => undefined)
  }
}

const noSave = async (): Promise<boolean> => false

/**
 * The index of the dump at `path`: from the cache when a valid entry exists, else built by
 * `indexDump` (same errors) with `save()` ready to store it. Cancelled opens throw
 * `dump_cancelled`; truncated reads, files changed while being read and just-modified files are
 * not cached.
 */
export async function openDumpIndex(path: string, options: CachedIndexOptions = {}): Promise<CachedIndex> {
  const dir = options.cacheDir
  if (!dir) return { index: await indexDump(path, options), fromCache: false, save: noSave }
  const t0 = performance.now()
  const openedAt = Date.now()
  const before = await fileStamp(path)
  if (before) {
    const hit = await loadCachedIndex(path, dir, before)
    if (hit) {
      if (options.signal?.aborted) throw new AppError('dump_cancelled', `Reading ${path} was cancelled.`)
      hit.indexMs = performance.now() - t0
      hit.fromCache = true
      options.onProgress?.(hit.size, hit.size)
      return { index: hit, fromCache: true, save: noSave }
    }
  }
  const index = await indexDump(path, options)
  if (!before || options.signal?.aborted || String(index.size) !== before.size)
    return { index, fromCache: false, save: noSave }
  const mtimeMs = Number(BigInt(before.mtimeNs) / 1_000_000n)
  if (mtimeMs > openedAt - (options.minAgeMs ?? 2000)) return { index, fromCache: false, save: noSave }
  const after = await fileStamp(path)
  if (!after || !sameStamp(before, after)) return { index, fromCache: false, save: noSave }
  let bytes: Buffer
  try {
    bytes = encodeIndex(index, before)
  } catch {
    return { index, fromCache: false, save: noSave }
  }
  const limits: CacheLimits = { maxEntries: options.maxEntries, maxBytes: options.maxBytes }
  return {
    index,
    fromCache: false,
    save: () =>
      writeCacheEntry(dir, before, bytes, limits).then(
        () => true,
        () => false
      )
  }
}

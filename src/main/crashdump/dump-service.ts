/** Open dumps by id: open (indexing in a worker or in-process), cancel, close, recent files. */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { DumpOpened, DumpProgress, RecentDump } from '../../shared/contract/dump'
import { AppError } from '../app-error'
import type { DumpIndex } from './dump-index'
import { DumpFile } from './dump-file'
import { openDump, type DumpSource } from './open-dump'
import type { WorkerReply, WorkerRequest } from './worker-protocol'

export interface DumpServiceOptions {
  userDataDir: string
  onProgress: (p: DumpProgress) => void
  /** The built worker (`out/main/dump-worker.js`); without it the indexer runs in-process. */
  workerPath?: string
  maxRecent?: number
  /** The index cache folder: default `<userDataDir>/dump-index`; null turns the cache off. */
  cacheDir?: string | null
}

interface Entry {
  id: string
  path: string
  abort: AbortController
  file: DumpFile | null
  opened: DumpOpened | null
}

const RECENT_FILE = 'recent-dumps.json'

export class DumpService {
  private seq = 0
  private entries = new Map<string, Entry>()
  /** Writes that run after an open has answered (index cache, recent list): dispose waits for them. */
  private pending = new Set<Promise<unknown>>()

  constructor(readonly opts: DumpServiceOptions) {}

  private get cacheDir(): string | null {
    const d = this.opts.cacheDir
    return d === undefined ? join(this.opts.userDataDir, 'dump-index') : d
  }

  /** Where compressed dumps are decompressed: the cache folder even when the index cache is off. */
  private get plainDir(): string {
    return this.cacheDir ?? join(this.opts.userDataDir, 'dump-index')
  }

  async open(path: string, options: { remember?: boolean } = {}): Promise<DumpOpened> {
    if (typeof path !== 'string' || path.trim() === '')
      throw new AppError('invalid_request', 'Give the path of a crash dump to open.')
    const id = `dump-${++this.seq}`
    const entry: Entry = { id, path, abort: new AbortController(), file: null, opened: null }
    this.entries.set(id, entry)
    try {
      const file = await this.read(entry)
      if (options.remember !== false) this.behind(this.remember(file))
      return entry.opened as DumpOpened
    } catch (error) {
      this.entries.delete(id)
      throw error
    }
  }

  /** Reads an open dump again (one still being written): same id, the new index replaces the old. */
  async refresh(dumpId: string): Promise<DumpOpened> {
    const e = this.entries.get(dumpId)
    if (!e?.opened) throw new AppError('not_found', `No dump ${String(dumpId)} is open.`)
    e.abort = new AbortController()
    const old = e.file
    await this.read(e)
    await old?.close().catch(() => undefined)
    return e.opened as DumpOpened
  }

  /** Indexes (or decompresses and indexes) the entry's file and makes it the entry's open file. */
  private async read(entry: Entry): Promise<DumpFile> {
    const { id, path } = entry
    let total = 0
    const progress = (
      bytesRead: number,
      totalBytes: number,
      phase: DumpProgress['phase'] = 'indexing'
    ): void => {
      total = totalBytes
      this.opts.onProgress({ dumpId: id, path, bytesRead, totalBytes, phase })
    }
    progress(0, 0)
    try {
      const { index, source } = await this.index(path, entry.abort.signal, progress)
      const file = await DumpFile.open(index, source)
      entry.file = file
      const opened: DumpOpened = {
        dumpId: id,
        path,
        size: index.size,
        compression: source.compression,
        dumpVersion: index.version,
        sections: index.count + Object.values(index.procFamilyCounts).reduce((a, b) => a + b, 0),
        processCount: index.procs.count,
        truncated: file.truncation(),
        indexMs: Math.round(index.indexMs)
      }
      entry.opened = opened
      progress(index.size, index.size, 'done')
      return file
    } catch (error) {
      const cancelled = error instanceof AppError && error.code === 'dump_cancelled'
      progress(0, total, cancelled ? 'cancelled' : 'failed')
      throw error
    }
  }

  private index(
    path: string,
    signal: AbortSignal,
    progress: (read: number, total: number, phase: 'decompressing' | 'indexing') => void
  ): Promise<{ index: DumpIndex; source: DumpSource }> {
    const wp = this.opts.workerPath
    const cacheDir = this.cacheDir
    const plainDir = this.plainDir
    if (!wp || !existsSync(wp))
      return openDump(path, {
        signal,
        onPhase: (phase, r, t) => progress(r, t, phase),
        cacheDir,
        plainDir
      }).then(({ index, source, save }) => {
        this.behind(save())
        return { index, source }
      })
    return new Promise((resolve, reject) => {
      const worker = new Worker(wp, { workerData: { path, cacheDir, plainDir } satisfies WorkerRequest })
      // the worker writes the index cache after it answers: dispose waits for it to end
      this.behind(new Promise((ended) => worker.once('exit', ended)))
      let settled = false
      const finish = (fn: () => void): void => {
        if (settled) return
        settled = true
        signal.removeEventListener('abort', onAbort)
        fn()
      }
      const onAbort = (): void => {
        // the worker removes a partial decompressed copy, then ends; stop it if it does not
        worker.postMessage('cancel')
        setTimeout(() => void worker.terminate(), 5000).unref()
        finish(() => reject(new AppError('dump_cancelled', `Reading ${path} was cancelled.`)))
      }
      signal.addEventListener('abort', onAbort)
      worker.on('message', (m: WorkerReply) => {
        // progress the worker posted before it saw the cancel must not follow 'cancelled'
        if (m.type === 'progress') {
          if (!settled) progress(m.bytesRead, m.totalBytes, m.phase)
        } else if (m.type === 'done') finish(() => resolve({ index: m.index, source: m.source }))
        else if (m.type === 'error') finish(() => reject(new AppError(m.code, m.message)))
      })
      worker.on('error', (e) =>
        finish(() => reject(new AppError('dump_io', `The dump reader failed: ${e.message}`)))
      )
      worker.on('exit', (code) =>
        finish(() => reject(new AppError('dump_io', `The dump reader stopped (exit ${code}).`)))
      )
    })
  }

  cancel(dumpId: string): void {
    const e = this.entries.get(dumpId)
    if (!e) throw new AppError('not_found', `No dump ${dumpId} is open or opening.`)
    e.abort.abort()
  }

  async close(dumpId: string): Promise<void> {
    const e = this.entries.get(dumpId)
    if (!e) throw new AppError('not_found', `No dump ${dumpId} is open.`)
    e.abort.abort()
    this.entries.delete(dumpId)
    await e.file?.close()
  }

  list(): DumpOpened[] {
    return [...this.entries.values()].flatMap((e) => (e.opened ? [e.opened] : []))
  }

  get(dumpId: string): DumpFile {
    const e = this.entries.get(dumpId)
    if (!e) throw new AppError('not_found', `No dump ${String(dumpId)} is open.`)
    if (!e.file) throw new AppError('invalid_request', `Dump ${dumpId} is still being read.`)
    return e.file
  }

  async recent(): Promise<RecentDump[]> {
    try {
      const data = JSON.parse(await readFile(join(this.opts.userDataDir, RECENT_FILE), 'utf8')) as unknown
      if (!Array.isArray(data)) return []
      return data.filter(
        (d): d is RecentDump =>
          typeof d === 'object' && d !== null && typeof (d as RecentDump).path === 'string'
      )
    } catch {
      return []
    }
  }

  private async remember(file: DumpFile): Promise<void> {
    const header = await file.header()
    const item: RecentDump = {
      path: file.path,
      size: file.index.size,
      openedAt: Date.now(),
      slogan: header.slogan,
      nodeName: header.nodeName
    }
    const list = [item, ...(await this.recent()).filter((d) => d.path !== file.path)].slice(
      0,
      this.opts.maxRecent ?? 12
    )
    await mkdir(this.opts.userDataDir, { recursive: true })
    const target = join(this.opts.userDataDir, RECENT_FILE)
    const tmp = `${target}.${process.pid}.tmp`
    // the recent list names files and their slogans: readable by the user only, like connections.json
    await writeFile(tmp, JSON.stringify(list, null, 2), { mode: 0o600 })
    await rename(tmp, target)
  }

  /** Runs a write in the background; its failure is not the user's concern, its end is dispose's. */
  private behind(work: Promise<unknown>): void {
    const p: Promise<unknown> = work.catch(() => undefined).finally(() => this.pending.delete(p))
    this.pending.add(p)
  }

  async dispose(): Promise<void> {
    for (const id of [...this.entries.keys()]) await this.close(id).catch(() => undefined)
    const deadline = Date.now() + 30_000
    while (this.pending.size > 0 && Date.now() < deadline)
      await Promise.race([Promise.all([...this.pending]), new Promise((r) => setTimeout(r, 1000).unref())])
  }
}

/** The dump channels of the handler table. */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Emit, HandlersOf } from '../../shared/api'
import type { DumpApi, SectionKind } from '../../shared/contract/dump'
import { sectionKinds } from '../../shared/contract/dump'
import { AppError } from '../app-error'
import { DumpService } from './dump-service'
import { PathGrants } from './path-grants'

const KINDS: readonly SectionKind[] = sectionKinds

function defaultWorkerPath(): string | undefined {
  // In the built app the worker sits next to the main bundle (out/main/dump-worker.js).
  const dir = typeof __dirname === 'string' ? __dirname : undefined
  if (!dir) return undefined
  const p = join(dir, 'dump-worker.js')
  return existsSync(p) ? p : undefined
}

export function createDumpHandlers(env: {
  emit: Emit
  userDataDir: string
  workerPath?: string
  /** The sample dump shipped in resources/ (main resolves it; the renderer never names it). */
  sampleDumpPath?: string
}): {
  handlers: HandlersOf<DumpApi>
  /** Lets `dump:open` read this file: main chose it (dialog, drop, command line). */
  grantPath(path: string): void
  dispose(): Promise<void>
} {
  const grants = new PathGrants()
  const service = new DumpService({
    userDataDir: env.userDataDir,
    workerPath: env.workerPath ?? defaultWorkerPath(),
    onProgress: (p) => env.emit('dump:progress', p)
  })
  const handlers: HandlersOf<DumpApi> = {
    'dump:open': async (path) => {
      if (typeof path !== 'string' || path.trim() === '')
        throw new AppError('invalid_request', 'Give the path of a crash dump to open.')
      if (!grants.has(path) && !(await service.recent()).some((d) => resolve(d.path) === resolve(path)))
        throw new AppError(
          'invalid_request',
          'erlscope opens only a dump you chose: from File > Open, dropped on the window, named on the command line, or in the recent list.'
        )
      return service.open(path)
    },
    'dump:open-sample': async () => {
      const sample = env.sampleDumpPath
      if (!sample || !existsSync(sample))
        throw new AppError('not_found', 'The sample dump is not installed with this copy of erlscope.')
      return service.open(sample, { remember: false })
    },
    'dump:refresh': async (dumpId) => service.refresh(dumpId),
    'dump:cancel': async (dumpId) => service.cancel(dumpId),
    'dump:close': async (dumpId) => service.close(dumpId),
    'dump:list': async () => service.list(),
    'dump:recent': async () => service.recent(),
    'dump:summary': async (dumpId) => service.get(dumpId).summary(dumpId),
    'dump:processes': async (dumpId, query) => service.get(dumpId).processes(query ?? {}),
    'dump:process': async (dumpId, pid, options) => {
      if (typeof pid !== 'string') throw new AppError('invalid_request', 'Give a pid such as <0.65.0>.')
      return service.get(dumpId).process(pid, options ?? {})
    },
    'dump:section': async (dumpId, kind, query) => {
      if (!KINDS.includes(kind))
        throw new AppError('invalid_request', `Unknown dump section kind '${String(kind)}'.`)
      return service.get(dumpId).section(kind, query ?? {})
    }
  }
  return { handlers, grantPath: (path) => grants.grant(path), dispose: () => service.dispose() }
}

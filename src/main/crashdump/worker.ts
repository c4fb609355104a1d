/**
 * Worker-thread entry (`out/main/dump-worker.js`): indexes one dump (or loads its cached index)
 * and posts progress.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { AppError } from '../app-error'
import { transferList } from './dump-index'
import { openDumpIndex } from './index-cache'
import type { WorkerReply, WorkerRequest } from './worker-protocol'

async function run(port: NonNullable<typeof parentPort>, req: WorkerRequest): Promise<void> {
  const post = (m: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer)
  try {
    let last = 0
    const { index, save } = await openDumpIndex(req.path, {
      cacheDir: req.cacheDir,
      onProgress: (bytesRead, totalBytes) => {
        const now = Date.now()
        if (now - last >= 50 || bytesRead === totalBytes) {
          last = now
          post({ type: 'progress', bytesRead, totalBytes })
        }
      }
    })
    post({ type: 'done', index }, transferList(index))
    // the cache entry was encoded before the transfer; the thread ends once it is written
    await save()
  } catch (error) {
    if (error instanceof AppError) post({ type: 'error', code: error.code, message: error.message })
    else
      post({
        type: 'error',
        code: 'dump_io',
        message: `The dump reader failed: ${error instanceof Error ? error.message : String(error)}`
      })
  }
}

if (parentPort && workerData) void run(parentPort, workerData as WorkerRequest)

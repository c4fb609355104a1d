/**
 * Worker-thread entry (`out/main/dump-worker.js`): decompresses a compressed dump into the cache
 * folder when needed, indexes the dump (or loads its cached index) and posts progress.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { transferList } from './dump-index'
import { openDump } from './open-dump'
import { errorReply, type WorkerReply, type WorkerRequest } from './worker-protocol'

async function run(port: NonNullable<typeof parentPort>, req: WorkerRequest): Promise<void> {
  const post = (m: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer)
  try {
    let last = 0
    // 'cancel' stops the work so a partial decompressed copy is removed before the thread ends
    const abort = new AbortController()
    port.on('message', (m: unknown) => m === 'cancel' && abort.abort())
    const { index, source, save } = await openDump(req.path, {
      signal: abort.signal,
      cacheDir: req.cacheDir,
      plainDir: req.plainDir,
      onPhase: (phase, bytesRead, totalBytes) => {
        const now = Date.now()
        if (now - last >= 50 || bytesRead === totalBytes) {
          last = now
          post({ type: 'progress', phase, bytesRead, totalBytes })
        }
      }
    })
    post({ type: 'done', index, source }, transferList(index))
    // the cache entry was encoded before the transfer; the thread ends once it is written
    await save()
  } catch (error) {
    post(errorReply(error))
  } finally {
    port.close()
  }
}

if (parentPort && workerData) void run(parentPort, workerData as WorkerRequest)

/**
 * Part-worker entry (`out/main/dump-part-worker.js`): indexes the byte ranges of a dump it is
 * sent, one after the other, in part mode, and posts each back (typed arrays transferred), with
 * progress after every read.
 */
import { parentPort } from 'node:worker_threads'
import { indexPart, partTransferList } from './part-index'
import { errorReply, type PartReply, type PartRequest } from './worker-protocol'

/** The read buffers, reused from one part to the next. */
const buffers: Buffer[] = []

async function run(port: NonNullable<typeof parentPort>, req: PartRequest): Promise<void> {
  const post = (m: PartReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer)
  try {
    const part = await indexPart(req.path, req.from, req.to, {
      chunkSize: req.chunkSize,
      buffers,
      onProgress: (bytesRead) => post({ type: 'progress', bytesRead })
    })
    post({ type: 'done', part }, partTransferList(part))
  } catch (error) {
    post(errorReply(error))
  }
}

const port = parentPort
if (port) port.on('message', (req: PartRequest) => void run(port, req))

/**
 * The index of one part of a dump (a byte range starting at a section header), built on its own
 * in part mode (`IndexBuilder`), and how a part is indexed from the file. `merge-parts.ts` joins
 * the parts into the index one pass over the whole file gives.
 */
import { open } from 'node:fs/promises'
import type { ProcColumns, SectionColumns } from './dump-index'
import type { FamilyLogData } from './family-log'
import { IndexBuilder, ioError, scanRange, type RangeScanOptions } from './indexer'

/** Listed sections carry tag codes into this part's own `tags`. */
export interface PartIndex extends SectionColumns {
  from: number
  /** Where reading stopped: the part's end, or earlier when the file was shorter. */
  to: number
  /** Only the first part has one. */
  version: string
  /** The part's `=proc:` rows, string codes into this part's `procs.strings`. */
  procs: Omit<ProcColumns, 'extraOff' | 'extraEnd' | 'scattered'>
  family: FamilyLogData
  /** `proc*` sections counted by tag, in the order first seen. */
  familyCounts: [string, number][]
  hasEnd: boolean
  abortReason: string | null
  /** The last listed or `=proc:` section (null: none in the part). */
  lastTag: string | null
  lastId: string | null
  /** Set when a `proc_*` section came after it: the family log's last entry. */
  lastFamilyTag: string | null
}

/** The typed arrays of a part, for `postMessage(part, transferList)`. */
export function partTransferList(part: PartIndex): ArrayBuffer[] {
  const p = part.procs
  const f = part.family
  const arrays = [
    part.tag,
    part.offset,
    part.body,
    part.end,
    p.state,
    p.spawnedAs,
    p.current,
    p.msgq,
    p.reds,
    p.stackHeap,
    p.oldHeap,
    p.binVHeap,
    p.memory,
    p.off,
    p.end,
    f.start,
    f.end,
    f.sections,
    f.inner,
    f.procsBefore,
    f.pidOff,
    f.pidBytes
  ]
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))]
}

/** Indexes the bytes [from, to) of the dump at `path` (from: 0 or a section header). */
export async function indexPart(
  path: string,
  from: number,
  to: number,
  options: RangeScanOptions = {}
): Promise<PartIndex> {
  let fh
  try {
    fh = await open(path, 'r')
  } catch (error) {
    throw ioError(error, path)
  }
  try {
    const builder = new IndexBuilder(true)
    const end = await scanRange(fh, path, builder, from, to, options)
    return builder.finishPart(from, end)
  } catch (error) {
    throw ioError(error, path)
  } finally {
    await fh.close()
  }
}

/**
 * The index of a dump: every `=tag[:id]` section with its byte range, plus the columns of the
 * process table pulled from `=proc:` sections in the same pass. Typed arrays so that a worker
 * thread can transfer it without copying.
 */

/** Sections that belong to one process and are found through the process table. */
export const PROC_FAMILY = new Set(['proc', 'proc_messages', 'proc_dictionary', 'proc_stack', 'proc_heap'])

export interface ProcColumns {
  count: number
  pid: string[]
  name: (string | null)[]
  /** Index into `strings`, -1 when absent. */
  state: Int32Array
  spawnedAs: Int32Array
  current: Int32Array
  msgq: Float64Array
  reds: Float64Array
  stackHeap: Float64Array
  oldHeap: Float64Array
  /** `BinVHeap` + `OldBinVHeap` in words: the refc binaries the process references (0: absent). */
  binVHeap: Float64Array
  /** NaN when the dump has no `Memory:` line. */
  memory: Float64Array
  /** `=proc:` section start and end. */
  off: Float64Array
  end: Float64Array
  /** The byte range holding this process's `proc_messages/dictionary/stack/heap` sections (NaN: none). */
  extraOff: Float64Array
  extraEnd: Float64Array
  /** Extra ranges for processes whose sections were not contiguous: row -> [off, end][]. */
  scattered: Map<number, [number, number][]>
  /** Interned strings (states, functions). */
  strings: string[]
}

/** Listed (non-process) sections, columnar: tag codes into `tags`, byte offsets, ids. */
export interface SectionColumns {
  tags: string[]
  count: number
  tag: Uint16Array
  offset: Float64Array
  body: Float64Array
  end: Float64Array
  id: (string | null)[]
}

export interface DumpIndex extends SectionColumns {
  path: string
  size: number
  /** The version in `=erl_crash_dump:0.5`. */
  version: string
  procs: ProcColumns
  /** Every `proc*` section counted by tag (they are not listed one by one). */
  procFamilyCounts: Record<string, number>
  hasEnd: boolean
  abortReason: string | null
  /** `tag:id` of the last section before the file ends (or before `=abort`). */
  lastSection: string | null
  /** Time to build the index, or to load it when `fromCache`. */
  indexMs: number
  /** Loaded from the on-disk index cache (`index-cache.ts`) rather than built now. */
  fromCache?: boolean
}

export function sectionsWithTag(index: DumpIndex, tag: string): number[] {
  const code = index.tags.indexOf(tag)
  const out: number[] = []
  if (code < 0) return out
  for (let i = 0; i < index.count; i++) if (index.tag[i] === code) out.push(i)
  return out
}

export function findSection(index: DumpIndex, tag: string, id?: string): number {
  const code = index.tags.indexOf(tag)
  if (code < 0) return -1
  for (let i = 0; i < index.count; i++)
    if (index.tag[i] === code && (id === undefined || index.id[i] === id)) return i
  return -1
}

/** The typed arrays of an index, for `postMessage(index, transferList)`. */
/** Every typed array of an index, in a fixed order (the cache file stores them in this order). */
export function indexArrays(index: DumpIndex): (Uint16Array | Int32Array | Float64Array)[] {
  const p = index.procs
  return [
    index.tag,
    index.offset,
    index.body,
    index.end,
    p.state,
    p.spawnedAs,
    p.current,
    p.msgq,
    p.reds,
    p.stackHeap,
    p.oldHeap,
    p.memory,
    p.off,
    p.end,
    p.extraOff,
    p.extraEnd,
    p.binVHeap
  ]
}

export function transferList(index: DumpIndex): ArrayBuffer[] {
  const arrays = indexArrays(index)
  const seen = new Set<ArrayBuffer>()
  for (const a of arrays) seen.add(a.buffer as ArrayBuffer)
  return [...seen]
}

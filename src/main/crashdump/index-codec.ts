/**
 * A compact binary form of a `DumpIndex` for the on-disk index cache (`index-cache.ts`).
 * Pure: bytes in, bytes out, no I/O.
 *
 * Layout (little-endian host only; typed arrays are written raw):
 *
 *   0   8   magic "ESDUMPIX"
 *   8   4   u32 INDEX_FORMAT_VERSION
 *   12  4   u32 byte length J of the JSON part
 *   16  8   f64 byte length A of the array part
 *   24  4   u32 crc32 of everything after the 32-byte header
 *   28  4   u32 0 (reserved)
 *   32  J   UTF-8 JSON: every string, the scalar fields and the stamp of the dump file
 *   ..      zero padding to a multiple of 8
 *   ..  A   the typed arrays in a fixed order, each starting on a multiple of 8
 *
 * `decodeIndex` trusts nothing: it checks the magic, version, lengths, checksum, the shape of the
 * JSON and that every offset and string code is in range, and throws `IndexCodecError` otherwise.
 */
import { crc32 as zlibCrc32 } from 'node:zlib'
import type { DumpIndex, ProcColumns } from './dump-index'
import { indexArrays } from './dump-index'

/** Bump when `DumpIndex` or this layout changes: older cache files are then ignored. */
export const INDEX_FORMAT_VERSION = 2

const MAGIC = Buffer.from('ESDUMPIX', 'latin1')
const HEADER = 32

/** What the index was built from: compared with the file's current `stat` before reuse. */
export interface FileStamp {
  /** Decimal strings (bigint stat), so nothing is rounded. */
  size: string
  mtimeNs: string
  ctimeNs: string
  ino: string
  dev: string
  /** The real path of the dump. */
  realpath: string
}

export class IndexCodecError extends Error {}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

type Arr = Uint16Array | Int32Array | Float64Array

/** The typed arrays of an index in file order, with their element type and expected length. */

const KINDS: ('u16' | 'i32' | 'f64')[] = [
  'u16',
  'f64',
  'f64',
  'f64',
  'i32',
  'i32',
  'i32',
  'f64',
  'f64',
  'f64',
  'f64',
  'f64',
  'f64',
  'f64',
  'f64',
  'f64',
  'f64'
]
const BYTES = { u16: 2, i32: 4, f64: 8 } as const
/** Arrays 0-3 have one element per section, the rest one per process. */
const PER_SECTION = 4

const align8 = (n: number): number => (n + 7) & ~7

let crcTable: Int32Array | null = null
/** zlib's crc32 (Node ≥ 20.15), else a table-driven one. */
export function crc32(data: Uint8Array): number {
  if (typeof zlibCrc32 === 'function') return zlibCrc32(data) >>> 0
  if (!crcTable) {
    crcTable = new Int32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      crcTable[n] = c
    }
  }
  let c = -1
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8)
  return (c ^ -1) >>> 0
}

interface Meta {
  stamp: FileStamp
  path: string
  size: number
  version: string
  tags: string[]
  count: number
  id: (string | null)[]
  procCount: number
  pid: string[]
  name: (string | null)[]
  strings: string[]
  scattered: [number, [number, number][]][]
  procFamilyCounts: Record<string, number>
  hasEnd: boolean
  abortReason: string | null
  lastSection: string | null
  indexMs: number
}

export function encodeIndex(index: DumpIndex, stamp: FileStamp): Buffer {
  if (!LITTLE_ENDIAN) throw new IndexCodecError('the index cache is only written on little-endian hosts')
  const p = index.procs
  const meta: Meta = {
    stamp,
    path: index.path,
    size: index.size,
    version: index.version,
    tags: index.tags,
    count: index.count,
    id: index.id,
    procCount: p.count,
    pid: p.pid,
    name: p.name,
    strings: p.strings,
    scattered: [...p.scattered],
    procFamilyCounts: index.procFamilyCounts,
    hasEnd: index.hasEnd,
    abortReason: index.abortReason,
    lastSection: index.lastSection,
    indexMs: index.indexMs
  }
  const json = Buffer.from(JSON.stringify(meta), 'utf8')
  const arrays: Arr[] = indexArrays(index)
  let arrayBytes = 0
  arrays.forEach((a, k) => {
    const want = k < PER_SECTION ? index.count : p.count
    if (a.length !== want) throw new IndexCodecError(`array ${k} has ${a.length} elements instead of ${want}`)
    arrayBytes += align8(a.byteLength)
  })
  const start = align8(HEADER + json.length)
  const out = Buffer.alloc(start + arrayBytes)
  MAGIC.copy(out, 0)
  out.writeUInt32LE(INDEX_FORMAT_VERSION, 8)
  out.writeUInt32LE(json.length, 12)
  out.writeDoubleLE(arrayBytes, 16)
  json.copy(out, HEADER)
  let pos = start
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), pos)
    pos += align8(a.byteLength)
  }
  out.writeUInt32LE(crc32(out.subarray(HEADER)), 24)
  return out
}

/** Checks the fixed header (magic, version, lengths against `buf.length`) without decoding. */
export function peekHeader(buf: Uint8Array): { jsonLength: number; arrayBytes: number } {
  if (buf.length < HEADER) throw new IndexCodecError('shorter than the header')
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.length)
  if (!MAGIC.equals(b.subarray(0, 8))) throw new IndexCodecError('not an erlscope index file')
  const v = b.readUInt32LE(8)
  if (v !== INDEX_FORMAT_VERSION)
    throw new IndexCodecError(`format version ${v}, not ${INDEX_FORMAT_VERSION}`)
  const jsonLength = b.readUInt32LE(12)
  const arrayBytes = b.readDoubleLE(16)
  if (!Number.isSafeInteger(arrayBytes) || arrayBytes < 0 || arrayBytes % 8 !== 0)
    throw new IndexCodecError('bad array length')
  if (align8(HEADER + jsonLength) + arrayBytes !== buf.length)
    throw new IndexCodecError(`length ${buf.length} does not match the header (truncated?)`)
  return { jsonLength, arrayBytes }
}

const isStr = (v: unknown): v is string => typeof v === 'string'
const isStrOrNull = (v: unknown): boolean => v === null || typeof v === 'string'
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0

function check(ok: boolean, what: string): void {
  if (!ok) throw new IndexCodecError(`bad ${what}`)
}

function checkMeta(m: Meta): void {
  check(typeof m === 'object' && m !== null, 'metadata')
  const s = m.stamp
  check(
    typeof s === 'object' &&
      s !== null &&
      [s.size, s.mtimeNs, s.ctimeNs, s.ino, s.dev, s.realpath].every(isStr),
    'stamp'
  )
  check(isStr(m.path) && isCount(m.size) && isStr(m.version), 'path/size/version')
  check(Array.isArray(m.tags) && m.tags.every(isStr) && m.tags.length <= 0x10000, 'tags')
  check(isCount(m.count) && Array.isArray(m.id) && m.id.length === m.count && m.id.every(isStrOrNull), 'ids')
  check(isCount(m.procCount), 'process count')
  check(Array.isArray(m.pid) && m.pid.length === m.procCount && m.pid.every(isStr), 'pids')
  check(Array.isArray(m.name) && m.name.length === m.procCount && m.name.every(isStrOrNull), 'names')
  check(Array.isArray(m.strings) && m.strings.every(isStr), 'strings')
  check(
    Array.isArray(m.scattered) &&
      m.scattered.every(
        (e) =>
          Array.isArray(e) &&
          e.length === 2 &&
          Number.isSafeInteger(e[0]) &&
          e[0] >= 0 &&
          e[0] < m.procCount &&
          Array.isArray(e[1]) &&
          e[1].every(
            (r) =>
              Array.isArray(r) &&
              r.length === 2 &&
              isCount(r[0]) &&
              isCount(r[1]) &&
              r[0] <= r[1] &&
              r[1] <= m.size
          )
      ),
    'scattered ranges'
  )
  check(
    typeof m.procFamilyCounts === 'object' &&
      m.procFamilyCounts !== null &&
      !Array.isArray(m.procFamilyCounts) &&
      Object.values(m.procFamilyCounts).every(isCount),
    'section counts'
  )
  check(typeof m.hasEnd === 'boolean', 'end flag')
  check(isStrOrNull(m.abortReason) && isStrOrNull(m.lastSection), 'abort/last section')
  check(typeof m.indexMs === 'number' && Number.isFinite(m.indexMs), 'index time')
}

/** Every value in [0, size] (NaN allowed when `nan`). */
function inFile(a: Float64Array, size: number, nan: boolean): boolean {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]
    if (!(v >= 0 && v <= size) && !(nan && Number.isNaN(v))) return false
  }
  return true
}

function codesIn(a: Int32Array | Uint16Array, lo: number, hi: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] < lo || a[i] >= hi) return false
  return true
}

/**
 * Rebuilds an index from `encodeIndex` bytes. The typed arrays share one fresh ArrayBuffer (never
 * `buf`'s), so they can be transferred to another thread. Throws IndexCodecError on any mismatch.
 */
export function decodeIndex(buf: Uint8Array): { index: DumpIndex; stamp: FileStamp } {
  if (!LITTLE_ENDIAN) throw new IndexCodecError('the index cache is only read on little-endian hosts')
  const { jsonLength, arrayBytes } = peekHeader(buf)
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.length)
  if (crc32(b.subarray(HEADER)) !== b.readUInt32LE(24)) throw new IndexCodecError('checksum mismatch')
  let meta: Meta
  try {
    meta = JSON.parse(b.toString('utf8', HEADER, HEADER + jsonLength)) as Meta
  } catch {
    throw new IndexCodecError('unreadable metadata')
  }
  checkMeta(meta)
  const start = align8(HEADER + jsonLength)
  let want = 0
  KINDS.forEach((k, i) => {
    want += align8((i < PER_SECTION ? meta.count : meta.procCount) * BYTES[k])
  })
  check(want === arrayBytes, 'array part length')
  const store = new ArrayBuffer(arrayBytes)
  new Uint8Array(store).set(b.subarray(start, start + arrayBytes))
  let pos = 0
  const arrays = KINDS.map((k, i) => {
    const n = i < PER_SECTION ? meta.count : meta.procCount
    const a =
      k === 'u16'
        ? new Uint16Array(store, pos, n)
        : k === 'i32'
          ? new Int32Array(store, pos, n)
          : new Float64Array(store, pos, n)
    pos += align8(n * BYTES[k])
    return a
  })
  const [tag, offset, body, end, state, spawnedAs, current] = arrays as [
    Uint16Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Int32Array,
    Int32Array,
    Int32Array,
    ...Float64Array[]
  ]
  const f = arrays.slice(7) as Float64Array[]
  const [msgq, reds, stackHeap, oldHeap, memory, off, pend, extraOff, extraEnd, binVHeap] = f
  const size = meta.size
  const ns = meta.strings.length
  check(codesIn(tag, 0, meta.tags.length), 'section tags')
  check(
    inFile(offset, size, false) && inFile(body, size, false) && inFile(end, size, false),
    'section offsets'
  )
  check(codesIn(state, -1, ns) && codesIn(spawnedAs, -1, ns) && codesIn(current, -1, ns), 'string codes')
  check(inFile(off, size, false) && inFile(pend, size, false), 'process offsets')
  check(inFile(extraOff, size, true) && inFile(extraEnd, size, true), 'process extra offsets')
  const procs: ProcColumns = {
    count: meta.procCount,
    pid: meta.pid,
    name: meta.name,
    state,
    spawnedAs,
    current,
    msgq,
    reds,
    stackHeap,
    oldHeap,
    binVHeap,
    memory,
    off,
    end: pend,
    extraOff,
    extraEnd,
    scattered: new Map(meta.scattered),
    strings: meta.strings
  }
  const index: DumpIndex = {
    path: meta.path,
    size,
    version: meta.version,
    tags: meta.tags,
    count: meta.count,
    tag,
    offset,
    body,
    end,
    id: meta.id,
    procs,
    procFamilyCounts: meta.procFamilyCounts,
    hasEnd: meta.hasEnd,
    abortReason: meta.abortReason,
    lastSection: meta.lastSection,
    indexMs: meta.indexMs
  }
  return { index, stamp: meta.stamp }
}

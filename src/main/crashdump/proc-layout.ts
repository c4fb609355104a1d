/**
 * Where one process's `=proc_messages`, `=proc_dictionary`, `=proc_stack` and `=proc_heap`
 * sections sit in the file, and a sparse index of its message lines (the offset of every
 * `MESSAGE_STEP`-th line), built in one streaming pass over the process's data up to its heap. Page N of a
 * 2.5M-message queue then reads O(page) bytes, not the whole section.
 *
 * The I/O is a `ReadAt` function: this module never opens a file.
 */

/** Reads bytes [off, end) of the dump (fewer at the end of the file). */
export type ReadAt = (off: number, end: number) => Promise<Buffer>

/** One line in this many is indexed: a page starts at most this many lines before its first one. */
export const MESSAGE_STEP = 256

const CHUNK = 4 << 20
/** A message line longer than this is counted and skipped, not read whole. */
const LONG_LINE = 1 << 20
const LF = 0x0a
const EQ = 0x3d

export interface SectionRange {
  /** First byte of the body (after the `=tag:id` line). */
  off: number
  /** End of the body (start of the next section). */
  end: number
}

export interface ProcLayout {
  /** Body range of each `proc_*` section, by tag. */
  sections: Map<string, SectionRange>
  /** A tag met twice (the caller then reads the data whole). */
  repeated: boolean
  /** Lines of `=proc_messages` (0 without the section). */
  messageCount: number
  /** File offset of message line i × MESSAGE_STEP. */
  messageLineOff: Float64Array
  /**
   * For each group of MESSAGE_STEP messages, the heap address text (`7FB8FFFBD4F0`) of its first
   * message that is a heap term, '' when the group has none: where its data starts in the heap.
   */
  groupRoot: string[]
}

/** The heap address a message line starts with (`H7FB8FFFBD4F0:N` -> `7FB8FFFBD4F0`), '' for none. */
export function leadingRef(buf: Uint8Array, start: number, end: number): string {
  if (buf[start] !== 0x48) return ''
  let q = start + 1
  while (q < end && isHexByte(buf[q])) q++
  return q > start + 1
    ? Buffer.from(buf.buffer, buf.byteOffset + start + 1, q - start - 1).toString('latin1')
    : ''
}

export function isHexByte(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
}

/** One pass over [off, end): the sections and the message line index. */
export async function scanProcLayout(
  read: ReadAt,
  off: number,
  end: number,
  /** Bytes per read (tests make it tiny to cut lines and headers at every byte). */
  chunkSize = CHUNK
): Promise<ProcLayout> {
  const sections = new Map<string, SectionRange>()
  let repeated = false
  let tag: string | null = null
  let bodyStart = off
  const ix: LineIndex = { count: 0, offs: [], roots: [] }
  const close = (at: number): void => {
    if (tag === null) return
    if (sections.has(tag)) repeated = true
    else sections.set(tag, { off: bodyStart, end: at })
  }
  const done = (): ProcLayout => ({
    sections,
    repeated,
    messageCount: ix.count,
    messageLineOff: Float64Array.from(ix.offs),
    groupRoot: ix.roots
  })
  let pos = off
  // true when `pos` is inside a line (a line longer than a chunk was skipped in part)
  let midLine = false
  let chunk = chunkSize
  while (pos < end) {
    const buf = await read(pos, Math.min(end, pos + chunk))
    if (buf.length === 0) break
    const last = pos + buf.length >= end
    let i = 0
    if (midLine) {
      const nl = buf.indexOf(LF)
      if (nl < 0) {
        pos += buf.length
        continue
      }
      i = nl + 1
      midLine = false
    }
    while (i < buf.length) {
      if (buf[i] === EQ) {
        const nl = buf.indexOf(LF, i)
        if (nl < 0 && !last) break
        const lineEnd = nl < 0 ? buf.length : nl
        close(pos + i)
        const header = buf.toString('latin1', i + 1, lineEnd).replace(/\r$/, '')
        tag = header.split(':')[0]
        i = nl < 0 ? buf.length : nl + 1
        bodyStart = pos + i
        // every dump format (R10B to OTP 28) writes the heap last: it runs to the end of the
        // process's data, which is not read here (it can be gigabytes)
        if (tag === 'proc_heap') {
          close(end)
          return done()
        }
        continue
      }
      if (tag === 'proc_messages') {
        // the message lines up to the next section (or the last whole line of the chunk), counted
        // byte by byte: a call per line costs more than the scan
        const header = buf.indexOf('\n=', i)
        const stop = header >= 0 ? header + 1 : last ? buf.length : buf.lastIndexOf(LF) + 1
        if (stop <= i) {
          // a line longer than what is left of the chunk: read again from it, in a larger chunk
          if (i > 0 || chunk < LONG_LINE) break
          // one message line longer than LONG_LINE (a huge distribution message): count it, skip it
          indexLines(buf, i, buf.length, pos, ix)
          midLine = true
          i = buf.length
          break
        }
        indexLines(buf, i, stop, pos, ix)
        i = stop
        continue
      }
      // not a message line: jump to the next line that starts a section
      const next = buf.indexOf('\n=', i)
      if (next >= 0) {
        i = next + 1
        continue
      }
      const nl = buf.lastIndexOf(LF)
      if (last) i = buf.length
      else if (buf[buf.length - 1] === LF) i = buf.length
      else if (nl >= i) i = nl + 1
      else {
        i = buf.length
        midLine = true
      }
      break
    }
    if (i === 0 && !midLine) {
      // a header line longer than the chunk: read more at once
      chunk *= 2
      continue
    }
    pos += i
    chunk = chunkSize
  }
  close(Math.min(pos, end))
  return done()
}

/** The message line index as it is built. */
interface LineIndex {
  count: number
  offs: number[]
  roots: string[]
}

/**
 * Indexes the message lines of buf[start, stop) (at file offset `base`); the last one may lack its
 * line end. A plain synchronous loop: V8 optimizes it far better than inside an async function.
 */
function indexLines(buf: Buffer, start: number, stop: number, base: number, ix: LineIndex): void {
  let count = ix.count
  let lineStart = start
  for (let k = start; k <= stop; k++) {
    if (k < stop && buf[k] !== LF) continue
    if (k === stop && lineStart >= stop) break
    if (count % MESSAGE_STEP === 0) {
      ix.offs.push(base + lineStart)
      ix.roots.push('')
    }
    const g = ix.roots.length - 1
    if (ix.roots[g] === '' && buf[lineStart] === 0x48) ix.roots[g] = leadingRef(buf, lineStart, k)
    count++
    lineStart = k + 1
  }
  ix.count = count
}

/**
 * Message lines [from, from + limit) of the section, as latin1 text without line ends. Reads from
 * the indexed line before `from`: O(MESSAGE_STEP + limit) lines.
 */
export async function readMessageLines(
  read: ReadAt,
  layout: ProcLayout,
  from: number,
  limit: number
): Promise<string[]> {
  const range = layout.sections.get('proc_messages')
  const out: string[] = []
  if (!range || from >= layout.messageCount || limit <= 0) return out
  const g = Math.floor(from / MESSAGE_STEP)
  let skip = from - g * MESSAGE_STEP
  let pos = layout.messageLineOff[g]
  let chunk = 64 << 10
  while (pos < range.end && out.length < limit) {
    const buf = await read(pos, Math.min(range.end, pos + chunk))
    if (buf.length === 0) break
    const last = pos + buf.length >= range.end
    let i = 0
    while (i < buf.length && out.length < limit) {
      const nl = buf.indexOf(LF, i)
      if (nl < 0 && !last) break
      const lineEnd = nl < 0 ? buf.length : nl
      if (skip > 0) skip--
      else
        out.push(buf.toString('latin1', i, lineEnd > i && buf[lineEnd - 1] === 0x0d ? lineEnd - 1 : lineEnd))
      i = lineEnd + 1
    }
    if (i === 0) {
      chunk *= 4
      continue
    }
    pos += i
  }
  return out
}

/**
 * Finds `\n<addr>:` (the heap line of address text `addr`) from `from` up to `end`, reading in
 * windows of `window` bytes; the offset of the line, or -1.
 */
export async function findHeapLine(
  read: ReadAt,
  addr: string,
  from: number,
  end: number,
  window = 64 << 10
): Promise<number> {
  const pattern = Buffer.from(`\n${addr}:`, 'latin1')
  // the line may be the first of the section, right after the header's line end
  let pos = Math.max(0, from - 1)
  let w = window
  while (pos < end) {
    const buf = await read(pos, Math.min(end, pos + w))
    if (buf.length < pattern.length) return -1
    const at = buf.indexOf(pattern)
    if (at >= 0) return pos + at + 1
    if (pos + buf.length >= end) return -1
    pos += buf.length - pattern.length + 1
    w = Math.min(w * 2, CHUNK)
  }
  return -1
}

/**
 * The heap offset of each message group's first heap term (`groupRoot`), NaN where not found:
 * one sequential pass over the heap section. The VM writes message data in queue order, so each
 * root is searched from the previous one's line; after a few roots that are not found (a heap not
 * written in that order) the rest stay NaN and pages search from an earlier group.
 */
export async function findGroupPositions(
  read: ReadAt,
  heap: SectionRange,
  roots: readonly string[]
): Promise<Float64Array> {
  const out = new Float64Array(roots.length).fill(NaN)
  const OVERLAP = 64
  let chunkOff = Math.max(0, heap.off - 1)
  let buf = await read(chunkOff, Math.min(heap.end, chunkOff + CHUNK))
  let at = 0
  let lastFound = chunkOff
  let misses = 0
  for (let g = 0; g < roots.length && misses < 3; g++) {
    if (!roots[g]) continue
    const pattern = Buffer.from(`\n${roots[g]}:`, 'latin1')
    for (;;) {
      const i = buf.indexOf(pattern, at)
      if (i >= 0) {
        out[g] = chunkOff + i + 1
        lastFound = chunkOff + i
        at = i + 1
        break
      }
      if (chunkOff + buf.length >= heap.end || buf.length <= OVERLAP) {
        misses++
        if (chunkOff !== lastFound) {
          chunkOff = lastFound
          buf = await read(chunkOff, Math.min(heap.end, chunkOff + CHUNK))
        }
        at = 0
        break
      }
      chunkOff += buf.length - OVERLAP
      buf = await read(chunkOff, Math.min(heap.end, chunkOff + CHUNK))
      at = 0
    }
  }
  return out
}

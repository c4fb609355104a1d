/**
 * Where to cut a dump into parts: at section headers (`=tag` after a newline, the tag made of
 * [a-z0-9_] and followed by `:`, CR or the line's end — what the indexer takes for a header),
 * near equal shares of the file. A cut inside a huge section moves to the next header; a share
 * with no header of its own joins the part before it.
 */
import type { FileHandle } from 'node:fs/promises'

const WINDOW = 256 << 10
const MAX_TAG = 1024

function isTagChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || c === 0x5f || (c >= 0x30 && c <= 0x39)
}

/**
 * The first header at or after `from` and before `limit` (absolute offsets, from > 0), or -1.
 * Reads windows of the file; never more than [from - 1, limit) plus one header line.
 */
export async function nextHeader(fh: FileHandle, size: number, from: number, limit: number): Promise<number> {
  const buf = Buffer.allocUnsafe(WINDOW)
  let pos = from - 1
  while (pos < Math.min(limit, size) - 1) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(WINDOW, size - pos), pos)
    if (bytesRead === 0) return -1
    const data = buf.subarray(0, bytesRead)
    const atEof = pos + bytesRead >= size
    // where the next window starts: on the byte before the first line not fully looked at
    let resume = pos + data.length - 1
    let i = 0
    for (;;) {
      const j = data.indexOf(0x0a, i)
      if (j === -1 || j + 1 >= data.length) break
      const s = j + 1
      if (pos + s >= limit) return -1
      i = s
      if (data[s] !== 0x3d) continue
      let k = s + 1
      const kEnd = Math.min(data.length, s + 1 + MAX_TAG)
      while (k < kEnd && isTagChar(data[k])) k++
      if (k === data.length && !atEof) {
        // the tag runs to the window's end: read again from its line start
        resume = pos + j
        break
      }
      // no tag, or one so long that no cut is taken there (not cutting is always safe)
      if (k === s + 1 || k === kEnd) continue
      if (k === data.length || data[k] === 0x3a || data[k] === 0x0d || data[k] === 0x0a) return pos + s
    }
    if (atEof || resume <= pos) return -1
    pos = resume
  }
  return -1
}

/** Start offsets of at most `parts` parts: [0, ...], strictly increasing, each below `size`. */
export async function partStarts(fh: FileHandle, size: number, parts: number): Promise<number[]> {
  const starts = [0]
  for (let k = 1; k < parts; k++) {
    const target = Math.max(Math.floor((size * k) / parts), starts[starts.length - 1] + 1)
    const limit = Math.floor((size * (k + 1)) / parts)
    if (target >= limit) continue
    const h = await nextHeader(fh, size, target, limit)
    if (h > starts[starts.length - 1] && h < size) starts.push(h)
  }
  return starts
}

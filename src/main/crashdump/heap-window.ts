/**
 * Decodes terms from a window of a process's `=proc_heap` instead of the whole section.
 *
 * The VM writes a heap depth-first from its roots (stack, then each message in queue order, then
 * the dictionary), so a term's lines follow its root's line. A window starting at the root's
 * line and growing (×4) until the decoder finds every address it looked up costs about the size
 * of the terms, not of the heap.
 */
import type { HeapLines } from './terms/heap-terms'
import { parseHeapLines } from './terms/heap-terms'
import type { ReadAt, SectionRange } from './proc-layout'

/** Heap lines that remember which addresses were looked up and not found. */
class TrackedLines extends Map<number, string> {
  readonly misses = new Set<number>()
  override get(addr: number): string | undefined {
    const v = super.get(addr)
    if (v === undefined) this.misses.add(addr)
    return v
  }
}

export interface HeapWindowOptions {
  /** The first window (default 64 KiB). */
  first?: number
  /** The largest window (default 64 MiB): what is still missing then shows as placeholders. */
  cap?: number
}

/**
 * Runs `decode` over heap lines read from `start` (a line start inside `heap`), growing the window
 * while the decoder looks up addresses that are neither in it nor in `literals`. When the window
 * reaches the cap (or the section's end) with addresses still missing, one last try reads from the
 * section's start.
 */
export async function decodeInHeapWindow<T>(
  read: ReadAt,
  heap: SectionRange,
  start: number,
  literals: HeapLines | undefined,
  decode: (lines: HeapLines, text: string) => Promise<T>,
  options: HeapWindowOptions = {}
): Promise<T> {
  const cap = options.cap ?? 64 << 20
  let from = Math.min(Math.max(start, heap.off), heap.end)
  let size = Math.min(options.first ?? 64 << 10, cap)
  let restarted = from === heap.off
  for (;;) {
    const end = Math.min(heap.end, from + size)
    let text = (await read(from, end)).toString('latin1')
    if (end < heap.end) text = text.slice(0, text.lastIndexOf('\n') + 1)
    const lines = new TrackedLines()
    parseHeapLines(text, lines)
    const value = await decode(lines, text)
    let missing = false
    for (const a of lines.misses)
      if (!literals?.has(a)) {
        missing = true
        break
      }
    if (!missing) return value
    if (end < heap.end && size < cap) {
      size = Math.min(size * 4, cap)
      continue
    }
    if (restarted) return value
    restarted = true
    from = heap.off
    size = cap
  }
}

/**
 * Decodes terms from a window of a process's `=proc_heap` instead of the whole section.
 *
 * The VM writes a heap depth-first from its roots (stack, then each message in queue order, then
 * the dictionary), so a term's lines follow its root's line (a tuple's elements last to first:
 * a dictionary key comes after its value). A window starting at the root's
 * line and growing (×4) until the decoder finds every address it looked up costs about the size
 * of the terms, not of the heap.
 */
import type { HeapLines } from './terms/heap-terms'
import { parseHeapLines } from './terms/heap-terms'
import type { ReadAt, SectionRange } from './proc-layout'

/** Heap lines that remember which addresses were looked up and not found. */
export class TrackedLines extends Map<number, string> {
  readonly misses = new Set<number>()

  /** True when a lookup since `misses.clear()` found nothing here nor in `literals`. */
  missed(literals: HeapLines | undefined): boolean {
    for (const a of this.misses) if (!literals?.has(a)) return true
    return false
  }

  override get(addr: number): string | undefined {
    const v = super.get(addr)
    if (v === undefined) this.misses.add(addr)
    return v
  }
}

/** Bytes of the heap's head added to a window that still misses addresses at its cap. */
const HEAD = 1 << 20

export interface HeapWindowOptions {
  /** The first window (default 64 KiB). */
  first?: number
  /** The largest window (default 64 MiB): what is still missing then shows as placeholders. */
  cap?: number
  /** Read from the section's start when the window from `start` leaves addresses missing. */
  retryFromStart?: boolean
}

/**
 * Runs `decode` over heap lines read from `start` (a line start inside `heap`), growing the window
 * (×4, parsing only what is added) while the decoder looks up addresses that are neither in it nor
 * in `literals`. When the window reaches the cap (or the section's end) with addresses still
 * missing, the first MiB of the section is added (terms shared with the stack's are written
 * there); with `retryFromStart`, one last try reads from the section's start.
 */
export async function decodeInHeapWindow<T>(
  read: ReadAt,
  heap: SectionRange,
  start: number,
  literals: HeapLines | undefined,
  decode: (lines: HeapLines, text: string) => Promise<T>,
  options: HeapWindowOptions = {}
): Promise<{ value: T; lines: TrackedLines }> {
  const cap = options.cap ?? 64 << 20
  let from = Math.min(Math.max(start, heap.off), heap.end)
  let size = Math.min(options.first ?? 64 << 10, cap)
  let restarted = !options.retryFromStart || from === heap.off
  let prefixed = false
  let lines = new TrackedLines()
  let parsedTo = from
  let text = ''
  for (;;) {
    const end = Math.min(heap.end, from + size)
    let added = (await read(parsedTo, end)).toString('latin1')
    if (end < heap.end) added = added.slice(0, added.lastIndexOf('\n') + 1)
    parseHeapLines(added, lines)
    parsedTo += added.length
    text += added
    lines.misses.clear()
    const value = await decode(lines, text)
    if (!lines.missed(literals)) return { value, lines }
    if (parsedTo < heap.end && size < cap) {
      size = Math.min(size * 4, cap)
      continue
    }
    if (!prefixed && from > heap.off) {
      // terms shared with the stack's are written first: add the heap's head to the window
      prefixed = true
      const head = Math.min(from, heap.off + HEAD)
      let added = (await read(heap.off, head)).toString('latin1')
      if (head < from) added = added.slice(0, added.lastIndexOf('\n') + 1)
      parseHeapLines(added, lines)
      text = added + text
      lines.misses.clear()
      const again = await decode(lines, text)
      if (!lines.missed(literals) || restarted) return { value: again, lines }
    }
    if (restarted) return { value, lines }
    restarted = true
    from = heap.off
    size = cap
    lines = new TrackedLines()
    parsedTo = from
    text = ''
  }
}

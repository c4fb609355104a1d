/**
 * proc_lib's `'$initial_call'` for the rows of the process table, found by a byte search in a
 * process's dictionary and heap data instead of a decode of its whole heap. A proc_lib process
 * (every gen_server, supervisor, gen_statem ...) is `Spawned as: proc_lib:init_p/5` in a dump;
 * its dictionary holds `{'$initial_call', {M, F, Arity}}`, written on the heap as
 *
 *     =proc_dictionary:<0.42.0>
 *     H7F2806FEE960
 *     =proc_heap:<0.42.0>
 *     7F2806FEE960:t2:AD:$initial_call,H7F2806FEE988
 *     7F2806FEE988:t3:AD:logger_server,A4:init,I1
 *
 * (the `{M, F, A}` tuple may also sit in the `=literals` area).
 */
import type { DumpTerm } from '../../shared/contract/dump'
import { HeapDecoder, type HeapLines } from './terms/heap-terms'

/** The dictionary entry's tuple, from its key on: `t2:` `A<hex length>:<atom>,` then the value. */
const ENTRY = Buffer.from(':t2:AD:$initial_call,', 'latin1')
const NL = 0x0a

/** The heap line at `addr` in `data` (`\n<ADDR>:...`), without its address; undefined if absent. */
function heapLine(data: Buffer, addr: number): string | undefined {
  const hex = addr.toString(16)
  for (const h of [hex.toUpperCase(), hex]) {
    const at = data.indexOf(`\n${h}:`, 0, 'latin1')
    if (at < 0) continue
    const start = at + h.length + 2
    let end = data.indexOf(NL, start)
    if (end < 0) end = data.length
    if (end > start && data[end - 1] === 0x0d) end--
    return data.toString('latin1', start, end)
  }
  return undefined
}

/** Heap lines looked up in the data when the decoder asks for them, not split up front. */
class LazyHeap extends Map<number, string> {
  constructor(private readonly data: Buffer) {
    super()
  }

  override get(addr: number): string | undefined {
    if (!super.has(addr)) {
      const line = heapLine(this.data, addr)
      if (line !== undefined) super.set(addr, line)
    }
    return super.get(addr)
  }
}

/** An ASCII atom `A<hex length>:<text>` at `p` of `line`: its text and end, or null. */
function asciiAtom(line: string, p: number): { name: string; end: number } | null {
  if (line[p] !== 'A') return null
  const colon = line.indexOf(':', p)
  const n = parseInt(line.slice(p + 1, colon), 16)
  if (colon < 0 || !(n > 0)) return null
  const name = line.slice(colon + 1, colon + 1 + n)
  return name.length === n && /^[\x20-\x7e]*$/.test(name) ? { name, end: colon + 1 + n } : null
}

/**
 * `{M, F, Arity}` written the common way, `t3:A<n>:<m>,A<n>:<f>,I<arity>` with ASCII atoms,
 * without a decoder; null for anything else (the decoder reads it then).
 */
function plainMfa(line: string | undefined): DumpTerm | null {
  if (!line?.startsWith('t3:')) return null
  const m = asciiAtom(line, 3)
  if (!m || line[m.end] !== ',') return null
  const f = asciiAtom(line, m.end + 1)
  if (!f || line[f.end] !== ',') return null
  const arity = /^I(\d+)$/.exec(line.slice(f.end + 1))
  if (!arity) return null
  return {
    kind: 'tuple',
    items: [
      { kind: 'atom', name: m.name },
      { kind: 'atom', name: f.name },
      { kind: 'int', value: arity[1] }
    ]
  }
}

/** `:t2:A<hex length>:<key>,`: a dictionary entry's tuple from its key on (ASCII atom keys). */
export function dictionaryEntryPattern(key: string): Buffer {
  return Buffer.from(`:t2:A${key.length.toString(16).toUpperCase()}:${key},`, 'latin1')
}

/**
 * The first dictionary entry `pattern` (dictionaryEntryPattern) in one process's `=proc_dictionary`
 * and `=proc_heap` sections (`data`, as in the dump): the entry's value as written (`H<addr>`,
 * `I42` ...) and the process's heap lines looked up on demand; null when there is no such entry.
 */
export function findDictionaryEntry(
  data: Buffer,
  pattern: Buffer
): { value: string; heap: Map<number, string> } | null {
  for (let at = data.indexOf(pattern); at >= 0; at = data.indexOf(pattern, at + 1)) {
    const lineStart = data.lastIndexOf(NL, at) + 1
    const addr = data.toString('latin1', lineStart, at)
    if (!/^[0-9A-Fa-f]+$/.test(addr)) continue
    // a dictionary entry: the dictionary section lists its address as a line `H<addr>`
    const listed =
      data.indexOf(`\nH${addr}\n`, 0, 'latin1') >= 0 || data.indexOf(`\nH${addr}\r\n`, 0, 'latin1') >= 0
    if (!listed) continue
    let end = data.indexOf(NL, at)
    if (end < 0) end = data.length
    if (data[end - 1] === 0x0d) end--
    return { value: data.toString('latin1', at + pattern.length, end), heap: new LazyHeap(data) }
  }
  return null
}

/**
 * The value of `'$initial_call'` in one process's `=proc_dictionary` and `=proc_heap` sections
 * (`data`, as in the dump), or null when they hold no such dictionary entry. Only the lines the
 * value points to are looked up; `literals` is the dump's `=literals` area.
 */
export function initialCallValue(
  data: Buffer,
  literals: HeapLines | undefined,
  base64: boolean
): DumpTerm | null {
  const entry = findDictionaryEntry(data, ENTRY)
  if (!entry) return null
  const { value, heap } = entry
  if (value.startsWith('H')) {
    const addr = parseInt(value.slice(1), 16)
    const mfa = plainMfa(heap.get(addr) ?? literals?.get(addr))
    if (mfa) return mfa
  }
  // the {M, F, A} tuple and whatever it points to (an arity is an integer, M and F are atoms)
  const dec = new HeapDecoder({ heap, literals, binary: () => null, base64, budget: 64 })
  return dec.safe(() => dec.term(value))
}

/** A read for a range far from the previous one (rows of a page sorted by memory). */
const SMALL_READ = 64 << 10

/**
 * Reads byte ranges of a dump through one reused window buffer, so that the data of processes
 * next to each other in the file costs one read, not one a process, and no new memory. A range
 * returned is valid until the next call.
 */
export class WindowedReader {
  private readonly buf: Buffer
  private off = 0
  private len = 0
  private atEnd = false

  constructor(
    /** Reads into `buf` from file position `pos`; the number of bytes read. */
    private readonly readInto: (buf: Buffer, pos: number) => Promise<number>,
    windowBytes = 4 << 20
  ) {
    this.buf = Buffer.allocUnsafe(windowBytes)
  }

  /** Bytes [off, end) of the file (fewer at its end); `end - off` must fit the window. */
  async bytes(off: number, end: number): Promise<Buffer> {
    if (end - off > this.buf.length) throw new RangeError('range larger than the read window')
    // the file ends inside the window: a range running past it gets what is there
    const cutShort = this.atEnd && off >= this.off && off <= this.off + this.len
    if (!cutShort && (off < this.off || end > this.off + this.len)) {
      // a whole window only for reads that go on where the last one ended
      const onward = this.len > 0 && off >= this.off && off - (this.off + this.len) < SMALL_READ
      const want = onward ? this.buf.length : Math.min(this.buf.length, Math.max(end - off, SMALL_READ))
      this.off = off
      this.len = await this.readInto(this.buf.subarray(0, want), off)
      this.atEnd = this.len < want
    }
    return this.buf.subarray(off - this.off, Math.min(this.len, end - this.off))
  }
}

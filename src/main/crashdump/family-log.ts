/**
 * The `proc_*` sections (stack, heap, messages, dictionary) of one part of a dump, listed in file
 * order when the part is indexed on its own: their process may sit in an earlier part, so they
 * are mapped to process rows when the parts are merged (`merge-parts.ts`). Typed arrays and one
 * byte buffer of pid texts, so that a worker transfers the log without copying.
 */

export interface FamilyLogData {
  count: number
  /** Index into `tags`. */
  tag: Uint16Array
  tags: string[]
  start: Float64Array
  end: Float64Array
  /** Processes (`=proc:` rows) of the part listed before this section. */
  procsBefore: Int32Array
  /** The pid bytes of section i are `pidBytes[pidOff[i], pidOff[i + 1])`. */
  pidOff: Uint32Array
  pidBytes: Uint8Array
}

export class FamilyLog {
  count = 0
  private cap = 1024
  private tag = new Uint16Array(1024)
  private readonly tags: string[] = []
  private readonly tagCodes = new Map<string, number>()
  private start = new Float64Array(1024)
  private end = new Float64Array(1024)
  private procsBefore = new Int32Array(1024)
  private pidOff = new Uint32Array(1025)
  private pidBytes = new Uint8Array(16 << 10)
  private pidLen = 0

  /** A section opens at `start`; its pid is `data[a, b)`. */
  open(tag: string, start: number, procsBefore: number, data: Uint8Array, a: number, b: number): void {
    const n = this.count++
    if (n >= this.cap) this.grow()
    let code = this.tagCodes.get(tag)
    if (code === undefined) {
      code = this.tags.length
      this.tags.push(tag)
      this.tagCodes.set(tag, code)
    }
    this.tag[n] = code
    this.start[n] = start
    this.end[n] = start
    this.procsBefore[n] = procsBefore
    const len = b - a
    if (this.pidLen + len > this.pidBytes.length) {
      const bigger = new Uint8Array(Math.max(this.pidBytes.length * 2, this.pidLen + len))
      bigger.set(this.pidBytes.subarray(0, this.pidLen))
      this.pidBytes = bigger
    }
    this.pidBytes.set(data.subarray(a, b), this.pidLen)
    this.pidLen += len
    this.pidOff[n + 1] = this.pidLen
  }

  /** The section opened last ends at `end`. */
  close(end: number): void {
    this.end[this.count - 1] = end
  }

  private grow(): void {
    const c = this.cap * 2
    const t = new Uint16Array(c)
    t.set(this.tag)
    this.tag = t
    const f64 = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(c)
      b.set(a)
      return b
    }
    this.start = f64(this.start)
    this.end = f64(this.end)
    const pb = new Int32Array(c)
    pb.set(this.procsBefore)
    this.procsBefore = pb
    const po = new Uint32Array(c + 1)
    po.set(this.pidOff)
    this.pidOff = po
    this.cap = c
  }

  data(): FamilyLogData {
    const n = this.count
    return {
      count: n,
      tag: this.tag.slice(0, n),
      tags: this.tags,
      start: this.start.slice(0, n),
      end: this.end.slice(0, n),
      procsBefore: this.procsBefore.slice(0, n),
      pidOff: this.pidOff.slice(0, n + 1),
      pidBytes: this.pidBytes.slice(0, this.pidLen)
    }
  }
}

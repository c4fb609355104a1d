/**
 * The `proc_*` sections (stack, heap, messages, dictionary) of one part of a dump, listed in file
 * order when the part is indexed on its own: their process may sit in an earlier part, so they
 * are mapped to process rows when the parts are merged (`merge-parts.ts`). Back-to-back sections
 * of one pid (a process's stack, heap, messages) are one run: one lookup in the merge. Typed
 * arrays and one byte buffer of pid texts, so that a worker transfers the log without copying.
 */

export interface FamilyLogData {
  /** Runs. */
  count: number
  start: Float64Array
  end: Float64Array
  /** Sections in the run; the inner boundaries of the runs, in order, are in `inner`. */
  sections: Uint32Array
  inner: Float64Array
  /** Processes (`=proc:` rows) of the part listed before this run. */
  procsBefore: Int32Array
  /** The pid bytes of run i are `pidBytes[pidOff[i], pidOff[i + 1])`. */
  pidOff: Uint32Array
  pidBytes: Uint8Array
}

export class FamilyLog {
  count = 0
  private cap = 1024
  private start = new Float64Array(1024)
  private end = new Float64Array(1024)
  private sections = new Uint32Array(1024)
  private procsBefore = new Int32Array(1024)
  private pidOff = new Uint32Array(1025)
  private pidBytes = new Uint8Array(16 << 10)
  private pidLen = 0
  private inner = new Float64Array(1024)
  private innerLen = 0

  /** A section opens at `start`; its pid is `data[a, b)`. */
  open(start: number, procsBefore: number, data: Uint8Array, a: number, b: number): void {
    const len = b - a
    const last = this.count - 1
    if (last >= 0 && this.end[last] === start && this.procsBefore[last] === procsBefore) {
      const p = this.pidOff[last]
      if (this.pidOff[last + 1] - p === len) {
        let i = 0
        while (i < len && this.pidBytes[p + i] === data[a + i]) i++
        if (i === len) {
          this.sections[last]++
          if (this.innerLen === this.inner.length) this.inner = grow(this.inner, this.innerLen * 2)
          this.inner[this.innerLen++] = start
          return
        }
      }
    }
    const n = this.count++
    if (n >= this.cap) {
      const c = this.cap * 2
      this.start = grow(this.start, c)
      this.end = grow(this.end, c)
      const s = new Uint32Array(c)
      s.set(this.sections)
      this.sections = s
      const pb = new Int32Array(c)
      pb.set(this.procsBefore)
      this.procsBefore = pb
      const po = new Uint32Array(c + 1)
      po.set(this.pidOff)
      this.pidOff = po
      this.cap = c
    }
    this.start[n] = start
    this.end[n] = start
    this.sections[n] = 1
    this.procsBefore[n] = procsBefore
    if (this.pidLen + len > this.pidBytes.length) {
      const bigger = new Uint8Array(Math.max(this.pidBytes.length * 2, this.pidLen + len))
      bigger.set(this.pidBytes.subarray(0, this.pidLen))
      this.pidBytes = bigger
    }
    const bytes = this.pidBytes
    let at = this.pidLen
    for (let i = a; i < b; i++) bytes[at++] = data[i]
    this.pidLen = at
    this.pidOff[n + 1] = at
  }

  /** The section opened last ends at `end`. */
  close(end: number): void {
    this.end[this.count - 1] = end
  }

  data(): FamilyLogData {
    const n = this.count
    return {
      count: n,
      start: this.start.slice(0, n),
      end: this.end.slice(0, n),
      sections: this.sections.slice(0, n),
      inner: this.inner.slice(0, this.innerLen),
      procsBefore: this.procsBefore.slice(0, n),
      pidOff: this.pidOff.slice(0, n + 1),
      pidBytes: this.pidBytes.slice(0, this.pidLen)
    }
  }
}

function grow(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n)
  b.set(a)
  return b
}

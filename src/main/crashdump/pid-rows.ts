/**
 * Pid -> process row for a dump's process table, and the pids dumped more than once, from one
 * open-addressing hash over the pid texts (a third of the time of a Map of a million strings).
 * Built once per process table and shared by whoever asks (the summary's anomaly check, lookups
 * by pid).
 */
import type { ProcColumns } from './dump-index'

export interface PidRows {
  /** The row of `pid`; for a pid dumped more than once, its last =proc section. -1: none. */
  rowOf(pid: string): number
  /** Pids with more than one =proc section, in the order their second one comes. */
  repeated: string[]
}

const built = new WeakMap<ProcColumns, PidRows>()

function hash(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

export function pidRows(p: ProcColumns): PidRows {
  const hit = built.get(p)
  if (hit) return hit
  const pid = p.pid
  let cap = 16
  while (cap < p.count * 2) cap *= 2
  const mask = cap - 1
  const slots = new Int32Array(cap).fill(-1)
  const seen = new Uint8Array(cap)
  const repeated: string[] = []
  for (let r = 0; r < p.count; r++) {
    const s = pid[r]
    let k = hash(s) & mask
    for (;;) {
      const x = slots[k]
      if (x < 0) {
        slots[k] = r
        seen[k] = 1
        break
      }
      if (pid[x] === s) {
        slots[k] = r
        if (seen[k]++ === 1) repeated.push(s)
        if (seen[k] > 2) seen[k] = 2
        break
      }
      k = (k + 1) & mask
    }
  }
  const rows: PidRows = {
    rowOf(s: string): number {
      let k = hash(s) & mask
      for (;;) {
        const x = slots[k]
        if (x < 0 || pid[x] === s) return x
        k = (k + 1) & mask
      }
    },
    repeated
  }
  built.set(p, rows)
  return rows
}

import { describe, expect, it } from 'vitest'
import type { ProcColumns } from '../../../src/main/crashdump/dump-index'
import { pidRows } from '../../../src/main/crashdump/pid-rows'

const table = (pid: string[]): ProcColumns => ({ count: pid.length, pid }) as unknown as ProcColumns

/** What a Map over the rows in order gives: the last row of each pid, repeats by second sighting. */
function byMap(pid: string[]): { rows: Map<string, number>; repeated: string[] } {
  const rows = new Map<string, number>()
  const times = new Map<string, number>()
  const repeated: string[] = []
  pid.forEach((s, r) => {
    rows.set(s, r)
    const n = (times.get(s) ?? 0) + 1
    times.set(s, n)
    if (n === 2) repeated.push(s)
  })
  return { rows, repeated }
}

describe('pid rows', () => {
  it('finds every pid at its last row, unknown pids at -1, and lists repeats in order', () => {
    let seed = 7
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n
    for (const size of [0, 1, 2, 3, 17, 1000, 40_000]) {
      // many repeats, and texts that differ in one character
      const pid = Array.from({ length: size }, () => `<0.${rand(Math.max(1, size >> 1))}.${rand(3)}>`)
      const want = byMap(pid)
      const got = pidRows(table(pid))
      expect(got.repeated).toEqual(want.repeated)
      for (const [s, r] of want.rows) expect(got.rowOf(s)).toBe(r)
      expect(got.rowOf('<9.9.9>')).toBe(-1)
      expect(got.rowOf('')).toBe(-1)
    }
  })

  it('is built once per process table', () => {
    const p = table(['<0.1.0>', '<0.2.0>'])
    expect(pidRows(p)).toBe(pidRows(p))
  })
})

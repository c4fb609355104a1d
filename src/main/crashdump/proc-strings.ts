/**
 * The string table of the process columns (states, functions) in one canonical order: by first
 * use, column by column, row by row. A table built in one pass and one merged from parts then
 * come out identical, whenever each `=proc:` section happened to be parsed.
 */

/** Renumbers `columns` (codes into `strings`, -1: none) in place; returns the new table. */
export function canonicalStrings(columns: Int32Array[], strings: string[], rows: number): string[] {
  const remap = new Int32Array(strings.length).fill(-1)
  const out: string[] = []
  for (const col of columns) renumber(col, 0, rows, remap, (c) => strings[c], out)
  return out
}

/**
 * Renumbers `col[from, to)` in place: a code met for the first time (`remap[c] < 0`) gets the
 * code of its text in `out`, appended when new (`find` looks a text up in `out`, else -1).
 */
export function renumber(
  col: Int32Array,
  from: number,
  to: number,
  remap: Int32Array,
  text: (code: number) => string,
  out: string[],
  find: (s: string) => number = () => -1
): void {
  for (let r = from; r < to; r++) {
    const c = col[r]
    if (c < 0) continue
    let m = remap[c]
    if (m < 0) {
      const s = text(c)
      m = find(s)
      if (m < 0) {
        m = out.length
        out.push(s)
      }
      remap[c] = m
    }
    col[r] = m
  }
}

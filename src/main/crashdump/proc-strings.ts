/**
 * The string table of the process columns (states, functions) in one canonical order: by first
 * use, row by row, column by column. A table built in one pass and one merged from parts then
 * come out identical, whenever each `=proc:` section happened to be parsed.
 */

/** Renumbers `columns` (codes into `strings`, -1: none) in place; returns the new table. */
export function canonicalStrings(columns: Int32Array[], strings: string[], rows: number): string[] {
  const remap = new Int32Array(strings.length).fill(-1)
  const out: string[] = []
  for (let r = 0; r < rows; r++)
    for (const col of columns) {
      const c = col[r]
      if (c < 0) continue
      let m = remap[c]
      if (m < 0) {
        m = remap[c] = out.length
        out.push(strings[c])
      }
      col[r] = m
    }
  return out
}

export interface Column<Row> {
  key: string
  label: string
  /** A CSS grid track size, e.g. '120px' or 'minmax(160px, 2fr)'. */
  width?: string
  align?: 'left' | 'right'
  mono?: boolean
  sortable?: boolean
  /** The text shown in the cell (always rendered as text, never HTML). */
  text: (row: Row) => string
  /** Hover text, e.g. the exact byte count. */
  title?: (row: Row) => string
  /** Help for the header. */
  help?: string
  /** Pids in the cell open that process (through the workspace's pid actions). */
  pids?: boolean
}

export interface SortState {
  key: string
  desc: boolean
}

/** Sorts a copy of `rows` by a numeric-or-string key; nulls last whatever the direction. */
export function sortRows<Row>(
  rows: readonly Row[],
  value: (row: Row) => number | string | null,
  desc: boolean
): Row[] {
  const dir = desc ? -1 : 1
  return [...rows].sort((a, b) => {
    const va = value(a)
    const vb = value(b)
    if (va === vb) return 0
    if (va === null) return 1
    if (vb === null) return -1
    return (va < vb ? -1 : 1) * dir
  })
}

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

/** Browsers stop laying out boxes taller than about 33.5M px: past this a table's scroll is scaled. */
export const MAX_SCROLL_HEIGHT = 16_000_000

/**
 * The scroll geometry of `count` rows of `rowHeight` px in a viewport `viewport` px high: the
 * spacer's height (capped at MAX_SCROLL_HEIGHT), and the (fractional) row at the top for a
 * scrollTop, such that the top of the scroll shows row 0 and its bottom the last row.
 */
export function scrollGeometry(
  count: number,
  rowHeight: number,
  viewport: number,
  maxHeight = MAX_SCROLL_HEIGHT
): { height: number; topRow(scrollTop: number): number; scrollTopFor(row: number): number } {
  const full = count * rowHeight
  if (full <= maxHeight)
    return { height: full, topRow: (t) => t / rowHeight, scrollTopFor: (row) => row * rowHeight }
  const maxScroll = Math.max(1, maxHeight - viewport)
  const rowsAbove = Math.max(0, count - viewport / rowHeight)
  return {
    height: maxHeight,
    topRow: (t) => (Math.min(maxScroll, Math.max(0, t)) / maxScroll) * rowsAbove,
    scrollTopFor: (row) => (Math.min(rowsAbove, Math.max(0, row)) / rowsAbove) * maxScroll
  }
}

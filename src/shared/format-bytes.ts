const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

/** 1536 -> "1.50 KiB"; null, undefined or NaN -> "—". The one byte formatter of the app and the CLI. */
export function humanBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—'
  let value = Math.abs(bytes)
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2
  return `${bytes < 0 ? '-' : ''}${value.toFixed(digits)} ${units[unit]}`
}

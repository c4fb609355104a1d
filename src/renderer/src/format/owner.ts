import type { Owner } from '@shared/contract/categories'

/** An owner as one line: registered name (and label), else label, else the pid. */
export function ownerLine(o: Owner | null): string {
  if (!o) return '—'
  if (o.registeredName && o.label) return `${o.registeredName} · ${o.label}`
  return o.registeredName ?? o.label ?? o.pid
}

/** Hover text: everything known about the owner. */
export function ownerTitle(o: Owner | null): string {
  if (!o) return ''
  return [o.pid, o.registeredName, o.label].filter((s): s is string => Boolean(s)).join('  ')
}

/** `+1.2 MiB` / `−3 KiB` from a signed byte delta. */
export function signed(format: (n: number) => string, n: number): string {
  return `${n >= 0 ? '+' : '−'}${format(Math.abs(n))}`
}

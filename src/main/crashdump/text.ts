/** Byte helpers shared by the indexer and the section parsers (no I/O). */

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Bytes [start, end) as latin1 (one char per byte). */
export function latin1(buf: Uint8Array, start: number, end: number): string {
  if (Buffer.isBuffer(buf)) return buf.toString('latin1', start, end)
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('latin1', start, end)
}

/** Dump text is bytes: ASCII stays ASCII, valid UTF-8 is UTF-8 (OTP 20+ atoms), anything else latin1. */
export function decodeText(buf: Uint8Array, start = 0, end = buf.length): string {
  let ascii = true
  for (let i = start; i < end; i++) {
    if (buf[i] >= 0x80) {
      ascii = false
      break
    }
  }
  if (ascii) return latin1(buf, start, end)
  try {
    return utf8.decode(buf.subarray(start, end))
  } catch {
    return latin1(buf, start, end)
  }
}

/** Leading decimal digits (after optional spaces and a minus) as a number; NaN when there are none. */
export function parseDecimal(buf: Uint8Array, start: number, end: number): number {
  let i = start
  while (i < end && buf[i] === 0x20) i++
  let neg = false
  if (i < end && buf[i] === 0x2d) {
    neg = true
    i++
  }
  let n = 0
  const first = i
  while (i < end) {
    const c = buf[i] - 48
    if (c < 0 || c > 9) break
    n = n * 10 + c
    i++
  }
  if (i === first) return NaN
  return neg ? -n : n
}

/** Number from text, or null. */
export function num(text: string | undefined | null): number | null {
  if (text === undefined || text === null) return null
  const m = /^\s*(-?\d+)/.exec(text)
  return m ? Number(m[1]) : null
}

/** Splits a section body into lines (LF or CRLF), dropping a final empty line. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n')
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]
    if (l.endsWith('\r')) lines[i] = l.slice(0, -1)
  }
  return lines
}

/** `Key: value` lines in order; lines without `: ` are kept with an empty key. */
export function keyValues(text: string): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = []
  for (const line of splitLines(text)) {
    const i = line.indexOf(': ')
    if (i > 0) out.push({ key: line.slice(0, i), value: line.slice(i + 2) })
    else if (line.endsWith(':')) out.push({ key: line.slice(0, -1), value: '' })
    else if (line.length > 0) out.push({ key: '', value: line })
  }
  return out
}

export function firstValue(kv: { key: string; value: string }[], key: string): string | null {
  for (const e of kv) if (e.key === key) return e.value
  return null
}

/** Pids and ports inside a text such as `[<0.1.0>, #Port<0.3>]`. */
export function idsIn(text: string | null): string[] {
  if (!text) return []
  return text.match(/#Port<[\d.]+>|<[\d.]+>|#Ref<[\d.]+>/g) ?? []
}

import type { CliIo } from './command'

/** Characters gathered before a write: few writes, and a flat memory whatever the row count. */
export const JSON_CHUNK_CHARS = 1 << 16

/** Printable ASCII without `"` and backslash: JSON.stringify would return it quoted, unchanged. */
const JSON_SAFE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/** JSON.stringify of a string or null, without its cost for the plain ASCII most fields are. */
export const jsonString = (s: string | null): string =>
  s === null ? 'null' : JSON_SAFE.test(s) ? `"${s}"` : JSON.stringify(s)

/** JSON.stringify of a number or null (non-finite numbers are null, as JSON.stringify writes them). */
export const jsonNumber = (n: number | null): string =>
  n !== null && Number.isFinite(n) ? String(n) : 'null'

/** Writes text as it is, resolving when the output can take more (`io.write`; else `io.out`). */
export function outputWriter(io: CliIo): (text: string) => Promise<void> {
  const direct = io.write
  return direct
    ? (text) => direct.call(io, text)
    : (text) => {
        io.out(text)
        return Promise.resolve()
      }
}

/**
 * Writes a JSON array of `count` rows (`[`, one row a line, `]`), row i's text being `rowJson(i)`,
 * in chunks of about JSON_CHUNK_CHARS that each wait for the output to take them: rows are
 * written as they are made and the array is never one string. `rowJson` may be async (a row
 * that needs a read of the dump).
 */
export async function writeJsonArray(
  io: CliIo,
  count: number,
  rowJson: (i: number) => string | Promise<string>
): Promise<void> {
  const write = outputWriter(io)
  if (count === 0) return write('[]\n')
  let chunk = '[\n'
  for (let i = 0; i < count; i++) {
    const row = rowJson(i)
    chunk += `${i === 0 ? '' : ',\n'}${typeof row === 'string' ? row : await row}`
    if (chunk.length >= JSON_CHUNK_CHARS) {
      await write(chunk)
      chunk = ''
    }
  }
  await write(`${chunk}\n]\n`)
}

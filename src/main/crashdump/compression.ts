/**
 * Compressed dumps: which format a file is in (by its magic bytes, never its name) and a
 * streaming decompressor for each. gzip through node:zlib; zstd through node:zlib where the
 * runtime has it (Node >= 22.15 / 23.8, so Electron 45's Node 24: native, about 1 GB/s) and
 * through fzstd otherwise (pure JS, about 45 MB/s; the Node 20 that runs the tests and the CLI
 * here takes this path, so the native path is not exercised by the tests); xz through
 * xz-decompress (WebAssembly, the same everywhere).
 */
import { pipeline, Readable, Transform } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import * as zlib from 'node:zlib'
import type { DumpCompression } from '../../shared/contract/dump'

export type Compression = DumpCompression

/** RFC 1952 member header: ID1 ID2 CM(8 = deflate). */
const GZIP_MAGIC = [0x1f, 0x8b, 0x08]
/** RFC 8878 frame magic 0xFD2FB528, little-endian. */
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd]
/** .xz stream header magic: 0xFD '7zXZ' 0x00. */
const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]

/** Bytes needed to recognise every format. */
export const MAGIC_BYTES = XZ_MAGIC.length

function startsWith(head: Uint8Array, magic: number[]): boolean {
  return head.length >= magic.length && magic.every((b, i) => head[i] === b)
}

/** The compression of a file that starts with `head`, or null for anything else (a plain dump). */
export function detectCompression(head: Uint8Array): Compression | null {
  if (startsWith(head, GZIP_MAGIC)) return 'gzip'
  if (startsWith(head, ZSTD_MAGIC)) return 'zstd'
  if (startsWith(head, XZ_MAGIC)) return 'xz'
  return null
}

export const compressionNames: Record<Compression, string> = { gzip: 'gzip', zstd: 'Zstandard', xz: 'xz' }

/** node:zlib's zstd decompressor, absent from the Node 20 typings and runtime: feature-detected. */
type NativeZstd = (options: { chunkSize: number }) => Transform
const nativeZstd = (zlib as unknown as { createZstdDecompress?: NativeZstd }).createZstdDecompress

/** True when zstd is decompressed natively (node:zlib) rather than by fzstd. */
export const zstdIsNative = typeof nativeZstd === 'function'

// fzstd and xz-decompress are loaded when a dump needs them (xz-decompress alone took 0.16 s to
// load here: every `erlscope` command would pay it at start)
async function fzstdTransform(): Promise<Transform> {
  const { Decompress: ZstdDecompress } = await import('fzstd')
  const out = new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        decoder.push(chunk)
        done()
      } catch (error) {
        done(error as Error)
      }
    },
    flush(done) {
      try {
        decoder.push(new Uint8Array(0), true)
        done()
      } catch (error) {
        done(error as Error)
      }
    }
  })
  const decoder = new ZstdDecompress((data) => {
    if (data.length > 0) out.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
  })
  return out
}

/**
 * The decompressed bytes of `input` (compressed in `format`), as a stream. Errors of either side
 * end it with that error; destroying it stops the input.
 */
export async function decompressed(format: Compression, input: Readable): Promise<Readable> {
  if (format === 'xz') {
    const { XzReadableStream } = await import('xz-decompress')
    const web = new XzReadableStream(Readable.toWeb(input) as unknown as ReadableStream<Uint8Array>)
    return Readable.fromWeb(web as unknown as NodeReadableStream<Uint8Array>)
  }
  const chunkSize = 1 << 20
  const decoder: Transform =
    format === 'gzip'
      ? zlib.createGunzip({ chunkSize })
      : nativeZstd
        ? nativeZstd({ chunkSize })
        : await fzstdTransform()
  pipeline(input, decoder, () => undefined)
  return decoder
}

/**
 * True when a decompressor failed because its input ended inside the stream (a cut file), as
 * opposed to bytes that are not valid data. gzip: zlib's Z_BUF_ERROR; zstd: fzstd's
 * UnexpectedEOF (5), or node:zlib's "unexpected end of file" (Z_BUF_ERROR, as for gzip) when
 * native; xz: xz-embedded's XZ_BUF_ERROR (8).
 */
export function isCutStream(format: Compression, error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null
  if (!e) return false
  if (format === 'gzip') return e.code === 'Z_BUF_ERROR'
  if (format === 'zstd') return e.code === (zstdIsNative ? 'Z_BUF_ERROR' : 5)
  return typeof e.message === 'string' && /error code 8\b/.test(e.message)
}

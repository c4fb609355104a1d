import { sectionKinds } from '../../../src/shared/contract/dump'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/main/app-error'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'
import { printTerm } from '../../../src/main/crashdump/terms/term-model'

let dir: string
let original: Buffer
let path: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-robust-'))
  original = gunzipSync(readFileSync(join(__dirname, '../../fixtures/dumps/otp25-small.dump.gz')))
  path = join(dir, 'small.dump')
  writeFileSync(path, original)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function openBytes(name: string, bytes: Buffer | string): Promise<DumpFile> {
  const p = join(dir, name)
  writeFileSync(p, bytes)
  return DumpFile.open(await indexDumpFile(p))
}

/** Opens, summarizes, lists and opens a few processes: must not throw anything but AppError. */
async function exercise(d: DumpFile): Promise<void> {
  await d.summary('t')
  const page = await d.processes({ limit: 5000, sortBy: 'memory', descending: true })
  for (const r of page.rows.slice(0, 5)) await d.process(r.pid)
  for (const kind of sectionKinds) await d.section(kind)
}

async function expectError(p: Promise<unknown>, code: string): Promise<AppError> {
  const e = await p.then(
    () => null,
    (error: unknown) => error
  )
  expect(e).toBeInstanceOf(AppError)
  expect((e as AppError).code).toBe(code)
  return e as AppError
}

describe('the small OTP 25 fixture', () => {
  it('reads the victim process, its messages and dictionary', async () => {
    const d = await DumpFile.open(await indexDumpFile(path))
    try {
      const page = await d.processes({ filter: 'victim' })
      expect(page.matched).toBe(1)
      const v = await d.process(page.rows[0].pid)
      expect(v.messagesTotal).toBe(21)
      expect(printTerm(v.messages[2].term)).toBe('{msg,3,[1,2,3]}')
      expect(printTerm(v.messages[20].term, { sortMaps: true })).toBe('#{a => 1.5,b => [x|y]}')
      // <<"bin">> is a literal: OTP 25 writes a sub-binary pointing into the code's literal area, which
      // it does not dump, so the decoder shows the placeholder crashdump_viewer shows
      expect(v.dictionary?.map((e) => `${printTerm(e.key)}=${printTerm(e.value)}`)).toEqual([
        "k={v,'#CDVNonexistingBinary'}"
      ])
    } finally {
      await d.close()
    }
  })

  it('indexes the same at every read size (sections split at every byte)', async () => {
    const ref = await indexDumpFile(path)
    for (const chunkSize of [16, 17, 31, 64, 257, 4096]) {
      const ix = await indexDumpFile(path, { chunkSize })
      expect(ix.count).toBe(ref.count)
      expect([...ix.offset]).toEqual([...ref.offset])
      expect([...ix.end]).toEqual([...ref.end])
      expect(ix.id).toEqual(ref.id)
      expect(ix.procs.pid).toEqual(ref.procs.pid)
      expect(ix.procs.name).toEqual(ref.procs.name)
      expect([...ix.procs.reds]).toEqual([...ref.procs.reds])
      expect([...ix.procs.memory]).toEqual([...ref.procs.memory])
      expect([...ix.procs.extraOff]).toEqual([...ref.procs.extraOff])
      expect([...ix.procs.current].map((c) => ix.procs.strings[c])).toEqual(
        [...ref.procs.current].map((c) => ref.procs.strings[c])
      )
    }
  })

  it('reads a CRLF copy the same', async () => {
    const d = await openBytes(
      'crlf.dump',
      Buffer.from(original.toString('latin1').replace(/\n/g, '\r\n'), 'latin1')
    )
    const ref = await DumpFile.open(await indexDumpFile(path))
    try {
      const [a, b] = [await d.summary('t'), await ref.summary('t')]
      expect(a.header).toEqual(b.header)
      expect(a.memory).toEqual(b.memory)
      expect(a.counts).toEqual(b.counts)
      const pa = await d.processes({ limit: 5000 })
      const pb = await ref.processes({ limit: 5000 })
      expect(pa.rows).toEqual(pb.rows)
      const victim = pb.rows.find((r) => r.name === 'victim')?.pid ?? ''
      const ma = (await d.process(victim)).messages.map((m) => printTerm(m.term))
      const mb = (await ref.process(victim)).messages.map((m) => printTerm(m.term))
      expect(ma).toEqual(mb)
    } finally {
      await d.close()
      await ref.close()
    }
  })

  it('opens the dump cut at many offsets, with a truncation banner', async () => {
    const step = Math.floor(original.length / 97)
    for (let cut = 20; cut < original.length; cut += step) {
      const d = await openBytes('cut.dump', original.subarray(0, cut))
      try {
        const s = await d.summary('t')
        expect(s.truncated, `cut at ${cut}`).not.toBeNull()
        await exercise(d)
      } finally {
        await d.close()
      }
    }
  })

  it('survives seeded random mutations', async () => {
    let seed = 12345
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed / 0x7fffffff
    }
    const alphabet = Buffer.from('=:\n\r|,HtlYcsMfhnE0123456789ABCDEF<>.\0\xff')
    for (let round = 0; round < 25; round++) {
      const m = Buffer.from(original)
      for (let k = 0; k < 200; k++)
        m[Math.floor(rnd() * (m.length - 20)) + 20] = alphabet[Math.floor(rnd() * alphabet.length)]
      const d = await openBytes('mutated.dump', m)
      try {
        await exercise(d)
      } finally {
        await d.close()
      }
    }
  })

  it('handles a 50 MB line', async () => {
    const cut = original.indexOf('\n=proc_heap:')
    const huge = Buffer.concat([
      original.subarray(0, cut + 1),
      Buffer.from('=proc_heap:<0.0.0>\n7F0000000000:Yh10:'),
      Buffer.alloc(50 << 20, 0x41),
      Buffer.from('\n'),
      original.subarray(cut + 1)
    ])
    const d = await openBytes('huge.dump', huge)
    try {
      await exercise(d)
      expect((await d.summary('t')).truncated).toBeNull()
    } finally {
      await d.close()
    }
  })
})

describe('values a real VM never writes (edited bytes of the real fixture)', () => {
  const text = (): string => original.toString('latin1')
  const edit = (from: string, to: string): Buffer => {
    expect(text()).toContain(from)
    return Buffer.from(text().replace(from, to), 'latin1')
  }

  it('a sound dump has no warnings', async () => {
    const d = await DumpFile.open(await indexDumpFile(path))
    try {
      expect((await d.summary('t')).warnings).toEqual([])
    } finally {
      await d.close()
    }
  })

  it('flags a negative Stack+heap and an impossible message queue length', async () => {
    const once = edit(
      '=proc:<0.0.0>\nState: Waiting\nName: init\nSpawned as: erl_init:start/2\nSpawned by: []\nMessage queue length: 0\n',
      '=proc:<0.0.0>\nState: Waiting\nName: init\nSpawned as: erl_init:start/2\nSpawned by: []\nMessage queue length: 99999999999999999999\n'
    )
    const bytes = Buffer.from(
      once.toString('latin1').replace('Stack+heap: 233\n', 'Stack+heap: -233\n'),
      'latin1'
    )
    const d = await openBytes('negative.dump', bytes)
    try {
      const s = await d.summary('t')
      expect(s.warnings).toHaveLength(2)
      expect(s.warnings.find((w) => w.includes('Stack+heap'))).toMatch(
        /1 process has a negative “Stack\+heap” \(<0\.1\.0>\)/
      )
      expect(s.warnings.find((w) => w.includes('Message queue length'))).toMatch(
        /impossibly large “Message queue length” \(<0\.0\.0>\)/
      )
      expect(s.truncated).toBeNull()
    } finally {
      await d.close()
    }
  })

  it('flags a process dumped twice', async () => {
    const start = original.indexOf('=proc:<0.1.0>\n')
    const end = original.indexOf('\n=proc:<0.2.0>\n') + 1
    const bytes = Buffer.concat([
      original.subarray(0, end),
      original.subarray(start, end),
      original.subarray(end)
    ])
    const d = await openBytes('twice.dump', bytes)
    try {
      const s = await d.summary('t')
      expect(s.warnings).toEqual([
        expect.stringMatching(/^1 process has more than one =proc section \(<0\.1\.0>\)/)
      ])
    } finally {
      await d.close()
    }
  })

  it('flags impossible =memory values', async () => {
    const d = await openBytes('memory.dump', edit('\ntotal: 13324336\n', '\ntotal: -13324336\n'))
    try {
      const s = await d.summary('t')
      expect(s.warnings).toEqual([
        expect.stringMatching(/=memory section holds impossible values \(total = -13324336\)/)
      ])
    } finally {
      await d.close()
    }
  })
})

describe('inputs that are not dumps', () => {
  it('an empty file', async () => {
    const e = await expectError(openBytes('empty.dump', ''), 'not_a_dump')
    expect(e.message).toMatch(/empty/)
  })
  it('an image', async () => {
    const e = await expectError(
      openBytes(
        'img.png',
        Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]), Buffer.alloc(100)])
      ),
      'not_a_dump'
    )
    expect(e.message).toMatch(/PNG/)
  })
  it('random bytes', async () => {
    let s = 7
    const b = Buffer.alloc(100_000)
    for (let i = 0; i < b.length; i++) b[i] = (s = (s * 48271) % 2147483647) & 0xff
    const e = await expectError(openBytes('random.bin', b), 'not_a_dump')
    expect(e.message).toMatch(/it does not start with "=erl_crash_dump:"/)
  })
  it('a text file', async () => {
    const e = await expectError(openBytes('notes.txt', 'secret-cookie-XYZ\n=world\n'), 'not_a_dump')
    // it names the file and the missing magic, and never quotes the file's bytes
    expect(e.message).toMatch(
      /notes\.txt is not an Erlang crash dump: it does not start with "=erl_crash_dump:"/
    )
    expect(e.message).not.toMatch(/secret|XYZ|world/)
  })
  it('a prefix of the first line shorter than the magic', async () => {
    for (const n of [1, 7, 15]) {
      const e = await expectError(openBytes(`prefix-${n}.dump`, original.subarray(0, n)), 'not_a_dump')
      expect(e.message).toMatch(new RegExp(`stops after ${n} bytes`))
    }
  })
  it('the magic with no version', async () => {
    for (const bytes of ['=erl_crash_dump:', '=erl_crash_dump:\n=end\n', '=erl_crash_dump:x\n']) {
      const e = await expectError(openBytes('no-version.dump', bytes), 'not_a_dump')
      expect(e.message).toMatch(/no dump version/)
    }
  })
  it('a directory', async () => {
    const p = join(dir, 'a-folder')
    mkdirSync(p, { recursive: true })
    const e = await expectError(indexDumpFile(p), 'not_a_dump')
    expect(e.message).toMatch(/folder/)
  })
  it('a missing file', async () => {
    await expectError(indexDumpFile(join(dir, 'nope.dump')), 'not_found')
  })
  it('just the first line', async () => {
    const d = await openBytes('header-only.dump', '=erl_crash_dump:0.5\n')
    try {
      const s = await d.summary('t')
      expect(s.truncated).not.toBeNull()
      expect(s.counts.processes).toBe(0)
    } finally {
      await d.close()
    }
  })
  it('a cancelled read', async () => {
    const ac = new AbortController()
    ac.abort()
    await expectError(indexDumpFile(path, { signal: ac.signal }), 'dump_cancelled')
  })
})

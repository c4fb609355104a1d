import { describe, expect, it } from 'vitest'
import { initialCallValue, WindowedReader } from '../../../src/main/crashdump/initial-call'
import { printDumpTerm } from '../../../src/shared/dump-term-print'

const data = (lines: string[], eol = '\n'): Buffer => Buffer.from(lines.join(eol) + eol, 'latin1')
const printed = (b: Buffer, literals?: Map<number, string>): string | null => {
  const v = initialCallValue(b, literals, true)
  return v && printDumpTerm(v)
}

const GEN_SERVER = [
  '=proc_dictionary:<0.42.0>',
  'H7F2806FEE930',
  'H7F2806FEE960',
  '=proc_stack:<0.42.0>',
  'y0:N',
  '=proc_heap:<0.42.0>',
  '7F2806FEE930:t2:A12:$logger_cb_process,A4:true',
  '7F2806FEE960:t2:AD:$initial_call,H7F2806FEE988',
  '7F2806FEE988:t3:AD:logger_server,A4:init,I1'
]

describe("initialCallValue: proc_lib's '$initial_call' from a process's data", () => {
  it('finds the dictionary entry and the {M, F, A} it points to', () => {
    expect(printed(data(GEN_SERVER))).toBe('{logger_server,init,1}')
    expect(printed(data(GEN_SERVER, '\r\n'))).toBe('{logger_server,init,1}')
  })

  it('reads a tuple that is in the literal area', () => {
    const lines = GEN_SERVER.slice(0, -1)
    lines[7] = '7F2806FEE960:t2:AD:$initial_call,H7F280741E2A8'
    expect(printed(data(lines))).toContain('incomplete heap')
    const literals = new Map([[0x7f280741e2a8, 't3:A16:application_controller,A4:init,I2']])
    expect(printed(data(lines), literals)).toBe('{application_controller,init,2}')
  })

  it('decodes atoms that are not plain ASCII and arities written otherwise through the heap decoder', () => {
    const lines = [...GEN_SERVER]
    lines[8] = '7F2806FEE988:t3:A16:Elixir.Shop.OrderQueue,A4:init,I1'
    expect(printed(data(lines))).toBe("{'Elixir.Shop.OrderQueue',init,1}")
    lines[8] = '7F2806FEE988:t3:A6:h\xc3\xa9llo,A4:init,I1'
    expect(printed(data(lines))).toBe("{'héllo',init,1}")
  })

  it('ignores a tuple on the heap that is not a dictionary entry, and a process without one', () => {
    const lines = [...GEN_SERVER]
    lines[2] = 'H7F2806FEE931'
    expect(printed(data(lines))).toBeNull()
    expect(printed(data(GEN_SERVER.filter((l) => !l.includes('$initial_call'))))).toBeNull()
    expect(printed(Buffer.alloc(0))).toBeNull()
  })
})

describe('WindowedReader', () => {
  it('reads a window once for ranges that follow each other, and little for a range far away', async () => {
    const file = Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => i % 251))
    const reads: [number, number][] = []
    const reader = new WindowedReader(async (buf, pos) => {
      const n = Math.max(0, Math.min(buf.length, file.length - pos))
      file.copy(buf, 0, pos, pos + n)
      reads.push([pos, buf.length])
      return n
    }, 256 << 10)
    const check = async (off: number, end: number): Promise<void> =>
      expect(Buffer.compare(await reader.bytes(off, end), file.subarray(off, end))).toBe(0)
    await check(0, 100)
    await check(100, 5000)
    await check(5000, 70_000)
    await check(70_000, 90_000)
    await check(900_000, 900_100)
    await check(1_048_000, 1_048_576)
    await check(1_048_500, 1_049_000)
    expect(reads.map(([, len]) => len)).toEqual([64 << 10, 256 << 10, 64 << 10, 64 << 10])
    await expect(reader.bytes(0, 300 << 10)).rejects.toThrow(RangeError)
  })
})

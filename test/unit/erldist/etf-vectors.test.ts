import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decode, encode, formatTerm, termEquals, type Term } from '../../../src/main/erldist/etf'

const root = join(import.meta.dirname, '../../fixtures/vectors')

function names(release: string): string[] {
  return readdirSync(join(root, release))
    .filter((f) => f.endsWith('.etf'))
    .map((f) => f.slice(0, -4))
}

function read(release: string, file: string): string {
  return readFileSync(join(root, release, file), 'utf8').replace(/\n$/, '')
}

describe.each(['otp25', 'otp27'])('vectors from %s', (release) => {
  it.each(names(release))('%s decodes to the node’s ~tw form and re-encodes to an equal term', (name) => {
    const bytes = readFileSync(join(root, release, `${name}.etf`))
    const term = decode(bytes)
    expect(formatTerm(term, { style: 'w' })).toBe(read(release, `${name}.w.txt`))
    const again = decode(encode(term))
    expect(termEquals(again, term)).toBe(true)
  })

  it.each(names(release).filter((n) => !['compressed', 'minor_version_0_floats'].includes(n)))(
    '%s prints like the node’s ~tp',
    (name) => {
      const term = decode(readFileSync(join(root, release, `${name}.etf`)))
      expect(formatTerm(term)).toBe(read(release, `${name}.p.txt`))
    }
  )
})

describe('tags written by the nodes', () => {
  const tagOf = (release: string, name: string): Buffer => readFileSync(join(root, release, `${name}.etf`))
  it('OTP 25 writes latin1 ATOM_EXT, OTP 27 SMALL_ATOM_UTF8_EXT', () => {
    expect(tagOf('otp25', 'atoms').includes(100)).toBe(true)
    const t25 = decode(tagOf('otp25', 'atoms'))
    const t27 = decode(tagOf('otp27', 'atoms'))
    expect(termEquals(t25, t27)).toBe(true)
  })
  it('OTP 27 ports are V4_PORT_EXT and decode as ports, not strings', () => {
    const t = decode(tagOf('otp27', 'pids_ports_refs')) as Term & { kind: 'list' }
    expect(t.elements.map((e) => e.kind)).toEqual(['pid', 'port', 'ref', 'pid'])
  })
})

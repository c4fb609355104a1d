import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nameStyle, ownNodeName, parseNodeName, shortHostname } from '../../../src/main/erldist/node-name'
import { humanBytes, memoryObject, memoryTable } from '../../../src/main/cli/node-commands'
import { resolveCookie } from '../../../src/main/cli/node-cookie'
import { termToJson } from '../../../src/main/cli/node-json'
import { NODE_FLAGS, parseFlags } from '../../../src/main/cli/flags'
import { atom, binary, decode, int, list, map, tuple } from '../../../src/main/erldist/etf'
import { readFileSync } from 'node:fs'

describe('node names', () => {
  it('parses short and long names', () => {
    expect(parseNodeName('rabbit@db1')).toEqual({
      alive: 'rabbit',
      host: 'db1',
      full: 'rabbit@db1',
      style: 'short'
    })
    expect(parseNodeName('app@db1.example.com').style).toBe('long')
    expect(parseNodeName('app@127.0.0.1').style).toBe('long')
    expect(parseNodeName('app@::1').style).toBe('long')
    expect(parseNodeName('solo').full).toBe(`solo@${shortHostname()}`)
  })
  it('refuses what is not a node name', () => {
    for (const bad of ['', '@host', 'a@', 'a@b@c', 'a b@c'])
      expect(() => parseNodeName(bad)).toThrow(expect.objectContaining({ code: 'invalid_request' }))
  })
  it('derives our own name in the target style', () => {
    expect(nameStyle(ownNodeName(parseNodeName('x@host')).split('@')[1])).toBe('short')
    expect(ownNodeName(parseNodeName('x@10.1.2.3'), '10.1.2.9')).toMatch(/^erlscope_[0-9a-f]{8}@10\.1\.2\.9$/)
    expect(ownNodeName(parseNodeName('x@10.1.2.3'), '::ffff:10.1.2.9')).toMatch(/@10\.1\.2\.9$/)
    expect(nameStyle(ownNodeName(parseNodeName('x@a.b.c')).split('@')[1])).toBe('long')
  })
})

describe('CLI helpers', () => {
  it('humanizes bytes', () => {
    expect(humanBytes(512)).toBe('512 B')
    expect(humanBytes(1536)).toBe('1.50 KiB')
    expect(humanBytes(15561544)).toBe('14.8 MiB')
    expect(humanBytes(5 * 1024 ** 3)).toBe('5.00 GiB')
  })
  it('reads erlang:memory() from the real OTP 25 and 27 vectors, and prints an aligned table', () => {
    for (const rel of ['otp25', 'otp27']) {
      const t = decode(readFileSync(join(import.meta.dirname, `../../fixtures/vectors/${rel}/memory.etf`)))
      const mem = memoryObject(t)
      expect(Object.keys(mem)).toEqual([
        'total',
        'processes',
        'processes_used',
        'system',
        'atom',
        'atom_used',
        'binary',
        'code',
        'ets'
      ])
      const lines = memoryTable('n@h', mem).split('\n')
      expect(new Set(lines.slice(1).map((l) => l.length)).size).toBe(1)
    }
    expect(() => memoryObject(list([tuple(atom('total'), int(1))]))).toThrow(
      expect.objectContaining({ code: 'decode_error' })
    )
  })
  it('terms as JSON', () => {
    expect(termToJson(map([[atom('a'), list([int(1), int(2n ** 64n), binary('x'), atom('true')])]]))).toEqual(
      {
        map: [[{ atom: 'a' }, [1, '18446744073709551616', 'x', true]]]
      }
    )
    expect(termToJson(binary(Uint8Array.from([0xff])))).toEqual({ binary: '/w==' })
    expect(termToJson({ kind: 'pid', node: 'n@h', id: 1, serial: 0, creation: 1 }, 'n@h')).toEqual({
      pid: '<0.1.0>'
    })
  })
  it('cookie: flag, then file, then env, then ~/.erlang.cookie (this machine only), else a sentence', () => {
    const home = mkdtempSync(join(tmpdir(), 'erlscope-cookie-'))
    const io = (env: NodeJS.ProcessEnv) => ({ out: () => {}, err: () => {}, env })
    const parseArgs = (argv: string[], specs: typeof NODE_FLAGS) => parseFlags(argv, specs, 'memory')
    const flags = NODE_FLAGS
    const local = 'app@localhost'
    expect(
      resolveCookie(parseArgs(['--cookie', 'A'], flags), io({ ERLSCOPE_COOKIE: 'B', HOME: home }), local)
    ).toBe('A')
    expect(resolveCookie(parseArgs([], flags), io({ ERLSCOPE_COOKIE: 'B', HOME: home }), local)).toBe('B')
    expect(() => resolveCookie(parseArgs([], flags), io({ HOME: home }), local)).toThrow(/ERLSCOPE_COOKIE/)
    writeFileSync(join(home, '.erlang.cookie'), 'FROMFILE\n')
    expect(resolveCookie(parseArgs([], flags), io({ HOME: home }), local)).toBe('FROMFILE')
    expect(resolveCookie(parseArgs([], flags), io({ HOME: home }), 'app@127.0.0.1')).toBe('FROMFILE')
    expect(() => resolveCookie(parseArgs([], flags), io({ HOME: home }), 'app@db.example.net')).toThrow(
      /--cookie-file/
    )
    writeFileSync(join(home, 'c'), ' C \n')
    const viaFile = parseArgs(['--cookie-file', join(home, 'c')], flags)
    expect(resolveCookie(viaFile, io({ ERLSCOPE_COOKIE: 'B' }), 'app@db.example.net')).toBe('C')
  })
})

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DumpTerm } from '../../../src/shared/contract/dump'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import { decodeEtf } from '../../../src/main/crashdump/terms/etf'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'
import { printTerm } from '../../../src/main/crashdump/terms/term-model'
import { ensureEpmd, shortHost } from '../../support/erl-node'
import { RICH, writeDump, type Generated } from '../../support/dump-writer'

let dir: string
let rich: Generated
let plain: Generated
let truncated: Generated
let dist: Generated
let peerName: string

const p = (t: DumpTerm): string => printTerm(t, { sortMaps: true })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'erlscope-dumps-'))
  ensureEpmd()
  peerName = `erlscope_peer_${process.pid}`
  ;[rich, plain, truncated, dist] = await Promise.all([
    writeDump(dir, 'rich', RICH),
    writeDump(dir, 'plain', 'erlang:halt("plain halt from a test")'),
    writeDump(dir, 'truncated', RICH, { ERL_CRASH_DUMP_BYTES: '300000' }),
    writeDump(
      dir,
      'dist',
      `{ok, _Peer, Node} = peer:start_link(#{name => ${peerName}}), pong = net_adm:ping(Node),
       R = spawn(Node, fun() -> receive stop -> ok end end), link(R),
       erlang:halt("distributed halt")`,
      {},
      ['-sname', `erlscope_dist_${process.pid}`]
    )
  ])
}, 120_000)

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function openDump(path: string): Promise<DumpFile> {
  return DumpFile.open(await indexDumpFile(path))
}

describe('dumps written by a real erl', () => {
  it('reads a plain halt', async () => {
    const d = await openDump(plain.dump)
    try {
      const s = await d.summary('t')
      expect(s.header.slogan).toBe('plain halt from a test')
      expect(s.header.dumpVersion).toBe('0.5')
      expect(s.header.wordSize).toBe(8)
      expect(s.truncated).toBeNull()
      expect(s.explanation.category).toBe('halt')
      expect(s.memory.total).toBeGreaterThan(0)
      expect(s.counts.processes).toBeGreaterThan(20)
      const init = await d.process('<0.0.0>')
      expect(init.row.name).toBe('init')
      expect(init.stack?.length).toBeGreaterThan(0)
    } finally {
      await d.close()
    }
  })

  it('decodes a large mailbox to the values that were sent, and the dictionary', async () => {
    const d = await openDump(rich.dump)
    try {
      const header = await d.header()
      const exp = decodeEtf(readFileSync(rich.expected), { localNode: header.nodeName })
      expect(exp.kind).toBe('tuple')
      if (exp.kind !== 'tuple') return
      const [pidT, msgsT, dictT, sleepersT] = exp.items
      const pid = pidT.kind === 'string' ? pidT.value : ''
      const sent = msgsT.kind === 'list' ? msgsT.items : []
      expect(sent.length).toBe(26)
      const detail = await d.process(pid, { messageLimit: 200 })
      expect(detail.row.name).toBe('mailbox_victim')
      expect(detail.row.messageQueueLength).toBe(sent.length + 1500)
      expect(detail.messagesTotal).toBe(sent.length + 1500)
      for (let i = 0; i < sent.length; i++) {
        const got = detail.messages[i].term
        // OTP 25 writes a bitstring as a sub-binary whose heap binary it does not dump
        if (i === 19 && got.kind === 'missing') expect(got.reason).toBe('nonexisting_binary')
        else expect(p(got), `message ${i}`).toBe(p(sent[i]))
      }
      expect(p(detail.messages[sent.length].term)).toBe('{filler,1}')
      const storages = detail.messages
        .slice(0, sent.length)
        .flatMap((m) => (m.term.kind === 'binary' ? [m.term.storage] : []))
      expect(storages).toContain('refc')
      const page2 = await d.process(pid, { messageOffset: 1000, messageLimit: 10 })
      expect(p(page2.messages[0].term)).toBe(`{filler,${1000 - sent.length + 1}}`)
      const dict = (detail.dictionary ?? []).map((e) => `${p(e.key)}=${p(e.value)}`).sort()
      const want = (dictT.kind === 'list' ? dictT.items : [])
        .map((t) => (t.kind === 'tuple' ? `${p(t.items[0])}=${p(t.items[1])}` : ''))
        .sort()
      expect(dict, JSON.stringify([dict, want])).toEqual(expect.arrayContaining(want))
      expect(detail.timers.some((t) => t.message === 'timer_message')).toBe(true)
      expect(detail.stack?.some((f) => f.kind === 'return')).toBe(true)

      const s = await d.summary('t')
      expect(s.topByMailbox[0].pid).toBe(pid)
      expect(s.counts.processes).toBeGreaterThan(Number(sleepersT.kind === 'int' ? sleepersT.value : 0))
      expect(s.ports.byKind.tcp).toBeGreaterThanOrEqual(1)
      expect(s.ports.byKind.udp).toBeGreaterThanOrEqual(1)
      expect(s.ports.byKind.external).toBeGreaterThanOrEqual(1)
      const ets = await d.section('ets', { filter: 'erlscope_big_table' })
      expect(ets.kind === 'ets' && ets.rows[0]?.objects).toBe(5000)
      const page = await d.processes({ sortBy: 'messageQueueLength', descending: true, limit: 3 })
      expect(page.rows[0].pid).toBe(pid)
      const filtered = await d.processes({ filter: 'mailbox_vic' })
      expect(filtered.matched).toBe(1)
    } finally {
      await d.close()
    }
  })

  it('opens a dump cut by ERL_CRASH_DUMP_BYTES with a banner and placeholders', async () => {
    expect(statSync(truncated.dump).size).toBeLessThan(400_000)
    const d = await openDump(truncated.dump)
    try {
      const s = await d.summary('t')
      expect(s.truncated).not.toBeNull()
      expect(s.truncated?.abortReason).toMatch(/SIZE LIMIT/)
      expect(s.truncated?.cutInSection).toBeTruthy()
      const page = await d.processes({ limit: 5000 })
      for (const r of page.rows.slice(0, 30)) await d.process(r.pid)
    } finally {
      await d.close()
    }
  })

  it('reads the connections of a distributed node', async () => {
    const d = await openDump(dist.dump)
    try {
      const nodes = await d.section('nodes')
      expect(nodes.kind).toBe('nodes')
      if (nodes.kind !== 'nodes') return
      expect(nodes.nodes.distributed).toBe(true)
      expect(nodes.nodes.thisNode).toContain(`erlscope_dist_${process.pid}@${shortHost()}`)
      const peer = nodes.nodes.connections.find((c) => c.name.includes(peerName))
      expect(peer?.kind).toBe('visible')
    } finally {
      await d.close()
    }
  })
})

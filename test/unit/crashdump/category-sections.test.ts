/** What the dump views of each memory category read: the atom table, modules, a process's parent. */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { DumpTerm, SectionOf } from '../../../src/shared/contract/dump'
import { DumpFile, dictionaryParent } from '../../../src/main/crashdump/dump-file'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'
import { parseModule } from '../../../src/main/crashdump/sections/modules'
import { parseIndexTable } from '../../../src/main/crashdump/sections/tables'

describe('parseIndexTable', () => {
  it('reads size, limit and entries (OTP 20.2+)', () => {
    expect(parseIndexTable('atom_tab', 'size: 14336\nlimit: 5000000\nentries: 13540\n')).toEqual({
      name: 'atom_tab',
      size: 14336,
      limit: 5000000,
      entries: 13540
    })
  })
  it('takes `used` as the entries of old dumps (R10B writes used and rate)', () => {
    expect(parseIndexTable('atom_tab', 'size: 3000\nlimit: 1048576\nused: 1568\nrate: 100\n')).toEqual({
      name: 'atom_tab',
      size: 3000,
      limit: 1048576,
      entries: 1568
    })
  })
  it('prefers entries when both are there, and says null when neither is', () => {
    expect(parseIndexTable('t', 'entries: 5\nused: 9\n').entries).toBe(5)
    expect(parseIndexTable('t', 'size: 1\n').entries).toBeNull()
  })
})

describe('parseModule sizes', () => {
  it('reads the current and the old size (a module loaded twice)', () => {
    const m = parseModule('shop', 'Current size: 4321\nOld size: 4100\n', true)
    expect(m).toMatchObject({ name: 'shop', currentSize: 4321, oldSize: 4100 })
  })
  it('has no old size when the dump has none', () => {
    expect(parseModule('lists', 'Current size: 9\n', true).oldSize).toBeNull()
  })
})

describe('dictionaryParent', () => {
  const atom = (name: string): DumpTerm => ({ kind: 'atom', name })
  const entry = (value: DumpTerm): { key: DumpTerm; value: DumpTerm } => ({ key: atom('$ancestors'), value })
  it('is the first of $ancestors: a registered name', () => {
    expect(dictionaryParent([entry({ kind: 'list', items: [atom('shop_sup'), atom('shop_app')] })])).toBe(
      'shop_sup'
    )
  })
  it('or a pid', () => {
    expect(
      dictionaryParent([entry({ kind: 'list', items: [{ kind: 'pid', text: '<0.90.0>' }, atom('x')] })])
    ).toBe('<0.90.0>')
  })
  it('is null without $ancestors or with an empty list', () => {
    expect(dictionaryParent([])).toBeNull()
    expect(dictionaryParent([entry({ kind: 'nil' })])).toBeNull()
    expect(dictionaryParent([{ key: atom('other'), value: atom('x') }])).toBeNull()
  })
})

const CORPUS = process.env.ERLSCOPE_DUMP_CORPUS ?? '/work/shared/corpus'
const dumpAt = (name: string): string => join(CORPUS, 'dumps', name)
const present = existsSync(dumpAt('53_otp25_rabbitmq.dump'))

async function withDump<T>(name: string, use: (d: DumpFile) => Promise<T>): Promise<T> {
  const d = await DumpFile.open(await indexDumpFile(dumpAt(name)))
  try {
    return await use(d)
  } finally {
    await d.close()
  }
}

describe.skipIf(!present)('atom and module sections of real dumps (corpus)', () => {
  it('OTP 25 RabbitMQ: 13,540 atoms of 5,000,000, the atom memory from =memory', async () => {
    await withDump('53_otp25_rabbitmq.dump', async (d) => {
      const a = (await d.section('atoms', { limit: 3 })) as SectionOf<'atoms'>
      expect(a.count).toBe(13540)
      expect(a.limit).toBe(5000000)
      expect(a.memoryAtom).toBe((await d.memory()).atom)
      expect(a.memoryAtomUsed).toBe((await d.memory()).atom_used)
      expect(a.rows).toHaveLength(3)
      expect((await d.summary('t')).limits.atoms).toEqual({ used: 13540, limit: 5000000 })
    })
  })
  it('R10B: the count comes from atom_tab used', async () => {
    await withDump('01_r10b_ejabberd_debian.dump', async (d) => {
      const a = (await d.section('atoms', { limit: 1 })) as SectionOf<'atoms'>
      expect(a.count).toBe(1568)
      expect(a.limit).toBe(1048576)
    })
  })
  it('modules largest first, summed, against =memory code', async () => {
    await withDump('59_otp28_rabbitmq.dump', async (d) => {
      const m = (await d.section('modules', { limit: 10_000 })) as SectionOf<'modules'>
      const mods = m.modules.modules
      expect(mods.length).toBe(m.total)
      for (let i = 1; i < mods.length; i++)
        expect((mods[i - 1].currentSize ?? 0) + (mods[i - 1].oldSize ?? 0)).toBeGreaterThanOrEqual(
          (mods[i].currentSize ?? 0) + (mods[i].oldSize ?? 0)
        )
      const sum = mods.reduce((s, x) => s + (x.currentSize ?? 0) + (x.oldSize ?? 0), 0)
      expect(m.modules.modulesBytes).toBe(sum)
      // the =mod sizes add up to =loaded_modules' Current code, a part of =memory code
      expect(sum).toBe((m.modules.currentCode ?? 0) + (m.modules.oldCode ?? 0))
      expect(m.modules.memoryCode).toBe(7167546)
      expect(sum).toBeLessThanOrEqual(m.modules.memoryCode ?? 0)
      expect(m.modules.withOldCode).toBe(0)
      // paging and the filter apply after the sort
      const page = (await d.section('modules', { offset: 1, limit: 2 })) as SectionOf<'modules'>
      expect(page.modules.modules.map((x) => x.name)).toEqual(mods.slice(1, 3).map((x) => x.name))
      const filtered = (await d.section('modules', { filter: 'rabbit_' })) as SectionOf<'modules'>
      expect(filtered.modules.modules.every((x) => x.name.includes('rabbit_'))).toBe(true)
      expect(filtered.modules.modulesBytes).toBe(sum)
    })
  })
})

import { describe, expect, it } from 'vitest'
import type { DumpSection } from '@shared/contract/dump'
import { atomsTable, modulesNote, modulesTable } from '@renderer/views/dump/section-tables'
import { dumpCategoryView } from '@renderer/views/dump/dump-category-links'

const modules = {
  currentCode: 9_263_368,
  oldCode: 1_313_056,
  memoryCode: 12_282_878,
  modulesBytes: 10_576_424,
  withOldCode: 1,
  modules: []
}

describe('dump category notes', () => {
  it('modules: the sizes against =memory code, and the old code not purged', () => {
    expect(modulesNote(modules)).toBe(
      'modules hold 10.1 MiB of 11.7 MiB code memory (86 %) · 1 with old code (1.25 MiB) not purged'
    )
    expect(modulesNote({ ...modules, memoryCode: null, withOldCode: 0, oldCode: 0 })).toBe(
      'modules hold 10.1 MiB · no old code'
    )
  })
  it('modules: old code flagged in its column, a dash without', () => {
    const col = modulesTable.columns.find((c) => c.key === 'oldSize')
    const row = { name: 'm', currentSize: 10, attributes: null, compileInfo: null }
    expect(col?.text({ ...row, oldSize: 1_313_056 })).toBe('⚠ 1.25 MiB')
    expect(col?.text({ ...row, oldSize: null })).toBe('—')
    expect(col?.title?.({ ...row, oldSize: 1_313_056 })).toMatch(/old code, not purged/)
  })
  it('atoms: the share of the limit comes from the table count, not from the rows a filter kept', () => {
    const s: DumpSection = {
      kind: 'atoms',
      total: 3,
      count: 17_000,
      limit: 20_000,
      memoryAtom: 532_681,
      memoryAtomUsed: 523_570,
      rows: ['a', 'b', 'c']
    }
    expect(atomsTable.note?.(s)).toBe('17,000 of a limit of 20,000 (85.0 %)')
    expect(atomsTable.note?.({ ...s, limit: null })).toBeNull()
  })
  it('every category but total and the *_used figures leads somewhere; system to ports and allocators', () => {
    expect(Object.keys(dumpCategoryView).sort()).toEqual([
      'atom',
      'binary',
      'code',
      'ets',
      'processes',
      'system'
    ])
    expect(dumpCategoryView.system?.map((l) => l.target)).toEqual(['ports', 'allocators'])
    expect(dumpCategoryView.binary?.[0].target).toBe('binary_holders')
  })
})

import { describe, expect, it } from 'vitest'
import { memoryCategories, type MemoryCategory } from '../../../src/shared/contract/node'
import type { ClusterReading, MemberReading } from '../../../src/main/node/cluster'
import { ClusterHistory, growthPerSecond } from '../../../src/main/node/cluster-history'

function mem(total: number): Record<MemoryCategory, number> {
  return Object.fromEntries(memoryCategories.map((k) => [k, k === 'total' ? total : 1])) as Record<
    MemoryCategory,
    number
  >
}
const up = (node: string, total: number): MemberReading => ({
  node,
  visibility: node === 'e@h' ? 'entry' : 'visible',
  up: true,
  otpRelease: '25',
  uptimeMs: 1000,
  processCount: 50,
  memory: mem(total)
})
const down = (node: string, error: string): MemberReading => ({
  node,
  visibility: 'visible',
  up: false,
  error
})
const reading = (members: MemberReading[]): ClusterReading => ({
  sampleMs: 1,
  entryReductions: 1,
  entryMemoryBytes: 1,
  members
})

describe('cluster history', () => {
  it('fits growth per second over the answered samples only', () => {
    expect(growthPerSecond([0, 1000, 2000], [10, 20, 30])).toBeCloseTo(10)
    expect(growthPerSecond([0, 1000, 2000, 3000], [10, null, 30, 40])).toBeCloseTo(10)
    expect(growthPerSecond([0, 1000], [10, 20])).toBeNull()
    expect(growthPerSecond([0, 1000, 2000], [10, null, null])).toBeNull()
  })

  it('orders down members first, then the fastest growing, then the biggest', () => {
    const h = new ClusterHistory()
    for (let i = 0; i < 5; i++)
      h.record(
        i * 1000,
        reading([
          up('e@h', 500),
          up('grow@h', 100 + i * 50),
          up('big@h', 900),
          down('dead@h', 'noconnection')
        ])
      )
    const members = h.members()
    expect(members.map((m) => m.node)).toEqual(['dead@h', 'grow@h', 'big@h', 'e@h'])
    expect(members[0]).toMatchObject({
      state: 'down',
      error: 'noconnection',
      memory: null,
      history: [null, null, null, null, null]
    })
    expect(members[1].growthPerSecond).toBeCloseTo(50)
    expect(members[1].history).toEqual([100, 150, 200, 250, 300])
    expect(members[2].growthPerSecond).toBe(0)
  })

  it('keeps a member that left the node list as down until its history has aged out', () => {
    const h = new ClusterHistory(3)
    h.record(0, reading([up('e@h', 1), up('gone@h', 2)]))
    h.record(1000, reading([up('e@h', 1)]))
    expect(h.members().find((m) => m.node === 'gone@h')).toMatchObject({
      state: 'down',
      error: 'left the node list of the entry',
      history: [2, null]
    })
    h.record(2000, reading([up('e@h', 1)]))
    h.record(3000, reading([up('e@h', 1)]))
    expect(h.members().map((m) => m.node)).toEqual(['e@h'])
    expect(h.members()[0].history).toHaveLength(3)
  })
})

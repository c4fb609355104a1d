import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import VirtualTable from '@renderer/components/VirtualTable.vue'
import { scrollGeometry, sortRows, type Column } from '@renderer/components/table-types'
import { humanBytes } from '@renderer/format/numbers'

interface Row {
  id: number
  name: string
}
const columns: Column<Row>[] = [
  { key: 'id', label: 'Id', align: 'right', sortable: true, text: (r) => String(r.id) },
  { key: 'name', label: 'Name', text: (r) => r.name }
]
const rows = Array.from({ length: 100_000 }, (_, i) => ({ id: i, name: `<b>p${i}</b>` }))

describe('VirtualTable', () => {
  it('renders only a window of a 100k-row table, as text', () => {
    const wrapper = mount(VirtualTable<Row>, { props: { columns, rows, rowKey: (r: Row) => String(r.id) } })
    const rendered = wrapper.findAll('.row')
    expect(rendered.length).toBeGreaterThan(0)
    expect(rendered.length).toBeLessThan(100)
    expect(wrapper.find('b').exists()).toBe(false)
    expect(rendered[0].text()).toContain('<b>p0</b>')
  })

  it('asks the parent to sort when a sortable header is clicked', async () => {
    const wrapper = mount(VirtualTable<Row>, {
      props: { columns, rows: rows.slice(0, 5), rowKey: (r: Row) => String(r.id), sort: null }
    })
    await wrapper.get('[data-col=id]').trigger('click')
    expect(wrapper.emitted('update:sort')).toEqual([[{ key: 'id', desc: true }]])
    await wrapper.get('[data-col=name]').trigger('click')
    expect(wrapper.emitted('update:sort')).toHaveLength(1)
  })

  it('draws rows fetched by index as they come, placeholders before, and says which rows show', async () => {
    const loaded = new Map<number, Row>()
    const wrapper = mount(VirtualTable<Row>, {
      props: {
        columns,
        count: 1_000_000,
        rowAt: (i: number) => loaded.get(i),
        rowKey: (r: Row) => String(r.id)
      }
    })
    // nothing loaded yet: placeholders, and a range asked for from the top
    expect(wrapper.findAll('.row')).toHaveLength(0)
    expect(wrapper.findAll('.pending').length).toBeGreaterThan(0)
    const range = wrapper.emitted('range')
    expect(range?.[0]?.[0]).toBe(0)
    const end = Number(range?.[0]?.[1])
    expect(end).toBeGreaterThan(0)
    for (let i = 0; i < end; i++) loaded.set(i, { id: i, name: `p${i}` })
    await wrapper.setProps({ rowAt: (i: number) => loaded.get(i) })
    expect(wrapper.findAll('.row')[0].text()).toContain('p0')
    // a million rows of 26 px would pass what a browser lays out: the height is scaled
    const spacer = wrapper.get('.spacer').element as HTMLElement
    expect(parseFloat(spacer.style.height)).toBeLessThanOrEqual(16_000_000)
    // clicking a row selects it by its index
    await wrapper.findAll('.row')[3].trigger('click')
    expect(wrapper.emitted('select')?.[0]).toEqual([{ id: 3, name: 'p3' }])
  })
})

describe('scroll geometry', () => {
  it('keeps 1:1 pixels while a browser can lay the table out', () => {
    const g = scrollGeometry(10_000, 26, 600)
    expect(g.height).toBe(260_000)
    expect(g.topRow(2600)).toBe(100)
    expect(g.scrollTopFor(100)).toBe(2600)
  })

  it('scales the scroll of a million rows and still reaches the first and the last', () => {
    const count = 1_000_000
    const g = scrollGeometry(count, 26, 600)
    expect(g.height).toBeLessThanOrEqual(16_000_000)
    expect(g.topRow(0)).toBe(0)
    // at the bottom of the scroll the viewport's last row is the table's last row
    const bottom = g.height - 600
    expect(g.topRow(bottom) + 600 / 26).toBeCloseTo(count, 6)
    expect(g.topRow(bottom * 2)).toBe(g.topRow(bottom))
    for (const row of [0, 1, 12_345, 500_000, count - 24])
      expect(g.topRow(g.scrollTopFor(row))).toBeCloseTo(row, 6)
  })
})

describe('formatting', () => {
  it('sorts with nulls last and humanizes bytes', () => {
    expect(sortRows([3, null, 1, 2], (x) => x, true)).toEqual([3, 2, 1, null])
    expect(sortRows([3, null, 1, 2], (x) => x, false)).toEqual([1, 2, 3, null])
    expect(humanBytes(1536)).toBe('1.50 KiB')
    expect(humanBytes(270 * 1024 * 1024)).toBe('270 MiB')
    expect(humanBytes(null)).toBe('—')
  })
})

import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import VirtualTable from '@renderer/components/VirtualTable.vue'
import { sortRows, type Column } from '@renderer/components/table-types'
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

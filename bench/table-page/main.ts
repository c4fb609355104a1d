// The real VirtualTable with 100,000 process rows and client-side sorting, for bench/renderer-table.mjs.
import { createApp, h, ref } from 'vue'
import VirtualTable from '../../src/renderer/src/components/VirtualTable.vue'
import { sortRows, type Column, type SortState } from '../../src/renderer/src/components/table-types'
import { groupDigits, humanBytes } from '../../src/renderer/src/format/numbers'
import '../../src/renderer/src/styles/theme.css'

interface Row {
  pid: string
  name: string
  memory: number
  queue: number
  reductions: number
  fn: string
}

const rows: Row[] = Array.from({ length: 100_000 }, (_, i) => ({
  pid: `<0.${i + 100}.0>`,
  name: i % 7 === 0 ? `worker_${i}` : `proc_lib:init_p/5`,
  memory: (i * 7919) % 1_000_003,
  queue: (i * 31) % 997,
  reductions: (i * 104_729) % 10_000_019,
  fn: `gen_server:loop/7`
}))

const columns: Column<Row>[] = [
  { key: 'pid', label: 'Pid', width: '110px', mono: true, sortable: true, text: (r) => r.pid },
  { key: 'name', label: 'Name', width: 'minmax(160px, 2fr)', sortable: true, text: (r) => r.name },
  {
    key: 'memory',
    label: 'Memory',
    width: '100px',
    align: 'right',
    sortable: true,
    text: (r) => humanBytes(r.memory)
  },
  {
    key: 'queue',
    label: 'Msgs',
    width: '80px',
    align: 'right',
    sortable: true,
    text: (r) => groupDigits(r.queue)
  },
  {
    key: 'reductions',
    label: 'Reductions',
    width: '110px',
    align: 'right',
    sortable: true,
    text: (r) => groupDigits(r.reductions)
  },
  { key: 'fn', label: 'Current function', width: 'minmax(160px, 2fr)', text: (r) => r.fn }
]

const sort = ref<SortState>({ key: 'memory', desc: true })
const shown = ref<Row[]>(sortRows(rows, (r) => r.memory, true))

function applySort(s: SortState): void {
  sort.value = s
  const key = s.key as keyof Row
  shown.value = sortRows(rows, (r) => r[key], s.desc)
}

createApp({
  render: () =>
    h(VirtualTable<Row>, {
      columns,
      rows: shown.value,
      rowKey: (r: Row) => r.pid,
      sort: sort.value,
      'onUpdate:sort': applySort
    })
}).mount('#app')

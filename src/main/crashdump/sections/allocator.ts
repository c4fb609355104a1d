/** `=allocator:NAME[I]` sections: every line kept, with current blocks and carriers sizes summed. */
import type { DumpAllocatorInstance, DumpAllocatorSummary } from '../../../shared/contract/dump'
import { splitLines } from '../text'

export function parseAllocator(id: string, body: string): DumpAllocatorInstance {
  const m = /^([^[]+)(?:\[(\d+)\])?$/.exec(id)
  const lines = splitLines(body).map((line) => {
    const c = line.indexOf(': ')
    return c < 0
      ? { key: line, values: [] }
      : {
          key: line.slice(0, c),
          values: line
            .slice(c + 2)
            .trim()
            .split(/\s+/)
        }
  })
  let blocks: number | null = null
  let carriers: number | null = null
  for (const { key, values } of lines) {
    const cur = Number(values[0])
    if (Number.isNaN(cur)) continue
    // OTP 23+: `mbcs blocks[binary_alloc] size: 1 2 3`; before: `mbcs blocks size: 1 2 3`
    if (/^(mbcs|mbcs_pool|sbcs) blocks(\[[^\]]*\])? size$/.test(key)) blocks = (blocks ?? 0) + cur
    else if (/^(mbcs|mbcs_pool|sbcs) carriers size$/.test(key)) carriers = (carriers ?? 0) + cur
  }
  return {
    id,
    name: m ? m[1] : id,
    instance: m && m[2] !== undefined ? Number(m[2]) : null,
    blocksSize: blocks,
    carriersSize: carriers,
    usage: blocks !== null && carriers ? blocks / carriers : null,
    lines
  }
}

export function summarizeAllocators(instances: DumpAllocatorInstance[]): DumpAllocatorSummary[] {
  const by = new Map<string, DumpAllocatorSummary>()
  for (const i of instances) {
    if (i.blocksSize === null && i.carriersSize === null) continue
    let s = by.get(i.name)
    if (!s) by.set(i.name, (s = { name: i.name, instances: 0, blocksSize: 0, carriersSize: 0, usage: null }))
    s.instances++
    s.blocksSize += i.blocksSize ?? 0
    s.carriersSize += i.carriersSize ?? 0
  }
  const out = [...by.values()]
  for (const s of out) s.usage = s.carriersSize > 0 ? s.blocksSize / s.carriersSize : null
  return out.sort((a, b) => b.carriersSize - a.carriersSize)
}

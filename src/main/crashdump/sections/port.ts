/** `=port:#Port<0.4>` sections. */
import type { DumpPort } from '../../../shared/contract/dump'
import { firstValue, idsIn, keyValues, num } from '../text'

export function portKind(driver: string | null, controls: string | null): DumpPort['kind'] {
  const d = (driver ?? '').toLowerCase()
  if (/tcp/.test(d)) return 'tcp'
  if (/udp/.test(d)) return 'udp'
  if (/sctp/.test(d)) return 'sctp'
  if (/^efile|^file|prim_file|ram_file|^fd /.test(d)) return 'file'
  if (controls && /external|forker|spawn/.test(controls)) return 'external'
  return 'other'
}

export function parsePort(id: string, body: string): DumpPort {
  const fields = keyValues(body)
  let controls: string | null = null
  let driver: string | null = null
  for (const { key, value } of fields) {
    const m = /^Port controls (.*)$/.exec(key)
    if (m) {
      controls = m[1]
      driver = value
    } else if (key === 'Port is UNIX fd not opened by emulator') {
      controls = 'file descriptors'
      driver = `fd ${value}`
    }
  }
  const monitors = firstValue(fields, 'Monitors')
  return {
    id,
    state: firstValue(fields, 'State'),
    connected: firstValue(fields, 'Connected'),
    connectedName: null,
    name: firstValue(fields, 'Registered as'),
    controls,
    driver,
    kind: portKind(driver, controls),
    links: idsIn(firstValue(fields, 'Links')),
    monitors: monitors ? (monitors.match(/\([^)]*\)|<[\d.]+>/g) ?? []) : [],
    input: num(firstValue(fields, 'Input')),
    output: num(firstValue(fields, 'Output')),
    queue: num(firstValue(fields, 'Queue')),
    fields
  }
}

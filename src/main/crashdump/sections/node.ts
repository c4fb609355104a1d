/** `=node:`, `=no_distribution`, `=visible_node:`, `=hidden_node:`, `=not_connected:`. */
import type { DumpNodeConnection } from '../../../shared/contract/dump'
import { firstValue, keyValues } from '../text'

export function parseNodeConnection(tag: string, name: string, body: string): DumpNodeConnection {
  const fields = keyValues(body)
  const kind = tag === 'visible_node' ? 'visible' : tag === 'hidden_node' ? 'hidden' : 'not_connected'
  const all = (k: RegExp): string[] => fields.filter((f) => k.test(f.key)).map((f) => f.value)
  return {
    kind,
    name: firstValue(fields, 'Name') ?? name,
    channel: name,
    controller: firstValue(fields, 'Controller'),
    creation: firstValue(fields, 'Creation'),
    remoteLinks: all(/^Remote link/),
    remoteMonitors: all(/^Remote(ly)? monitor/),
    fields
  }
}

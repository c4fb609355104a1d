/** `=loaded_modules` and `=mod:M` sections. */
import type { DumpModule } from '../../../shared/contract/dump'
import { decodeEtf } from '../terms/etf'
import { decodeBinaryData } from '../terms/heap-terms'
import { printTerm } from '../terms/term-model'
import { firstValue, keyValues, num } from '../text'

function attr(value: string | null, base64: boolean): string | null {
  if (!value) return null
  const bytes = decodeBinaryData(value.trim(), base64)
  const t = decodeEtf(bytes)
  return t.kind === 'missing' ? value : printTerm(t, { maxLength: 4000 })
}

export function parseModule(name: string, body: string, base64: boolean): DumpModule {
  const kv = keyValues(body)
  return {
    name,
    currentSize: num(firstValue(kv, 'Current size')),
    oldSize: num(firstValue(kv, 'Old size')),
    attributes: attr(firstValue(kv, 'Current attributes'), base64),
    compileInfo: attr(firstValue(kv, 'Current compilation info'), base64)
  }
}

export function parseLoadedModules(body: string): { currentCode: number | null; oldCode: number | null } {
  const kv = keyValues(body)
  return { currentCode: num(firstValue(kv, 'Current code')), oldCode: num(firstValue(kv, 'Old code')) }
}

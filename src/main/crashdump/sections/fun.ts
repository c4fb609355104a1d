/** `=fun` sections. */
import type { DumpFun } from '../../../shared/contract/dump'
import { firstValue, keyValues, num } from '../text'

export function parseFun(body: string): DumpFun {
  const kv = keyValues(body)
  return {
    module: firstValue(kv, 'Module') ?? '',
    uniq: firstValue(kv, 'Uniq'),
    index: num(firstValue(kv, 'Index')),
    address: firstValue(kv, 'Address'),
    refc: num(firstValue(kv, 'Refc')),
    nativeAddress: firstValue(kv, 'Native_address')
  }
}

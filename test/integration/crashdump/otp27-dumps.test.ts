/**
 * OTP 27 dumps written now by a real OTP 27 erl (../shared/tools/build-otp.sh), checked against what
 * the scenario sent; and the kept fixture is the same scenario (test/unit/crashdump/otp27-fixture.test.ts
 * checks it everywhere). Skips with a printed reason when the OTP 27 erl is absent.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import { indexDumpFile } from '../../../src/main/crashdump/indexer'
import { writeDump } from '../../support/dump-writer'
import { checkOtp27Dump } from '../../support/otp27-dump-check'
import { OTP27_ERL, OTP27_SCENARIO, otp27Missing } from '../../support/otp27'

const missing = otp27Missing()
if (missing) console.log(missing)

const dir = mkdtempSync(join(tmpdir(), 'erlscope-otp27-dumps-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it.skipIf(missing !== null)(
  'a dump from OTP 27 decodes every message, the label and the dictionary as sent',
  async () => {
    const { dump, expected } = await writeDump(dir, 'otp27', OTP27_SCENARIO, {}, [], OTP27_ERL)
    const text = readFileSync(dump, 'latin1')
    expect(text).toMatch(/^System version: Erlang\/OTP 27/m)
    const file = await DumpFile.open(await indexDumpFile(dump))
    try {
      await checkOtp27Dump(file, text, expected)
    } finally {
      await file.close()
    }
  },
  120_000
)

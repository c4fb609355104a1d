/**
 * The OTP 27 fixture dump (written by a real OTP 27.3.4.1 erl from OTP27_SCENARIO, kept xz-compressed):
 * runs everywhere, with or without an OTP 27 erl. Labels, maps, `Rf` funs and binaries decode to what
 * was sent (test/fixtures/dumps/otp27-small.expected.etf is the scenario's term_to_binary).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { DumpFile } from '../../../src/main/crashdump/dump-file'
import { openDump } from '../../../src/main/crashdump/open-dump'
import { checkOtp27Dump } from '../../support/otp27-dump-check'

const fixtures = join(import.meta.dirname, '../../fixtures/dumps')
const dir = mkdtempSync(join(tmpdir(), 'erlscope-otp27-fixture-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('the OTP 27 fixture dump decodes labels, maps, funs and binaries as sent', async () => {
  const opened = await openDump(join(fixtures, 'otp27-small.dump.xz'), { cacheDir: dir })
  expect(opened.source.compression).toBe('xz')
  const file = await DumpFile.open(opened.index, opened.source)
  try {
    const text = readFileSync(opened.index.path, 'latin1')
    await checkOtp27Dump(file, text, join(fixtures, 'otp27-small.expected.etf'))
  } finally {
    await file.close()
    await opened.dispose()
  }
}, 60_000)

/**
 * The unit tests that exercise the code under mutation (`npm run mutation`): the ETF codec, the
 * frame parser and the dump section and term parsers. Slow robustness sweeps stay out; StrykerJS
 * runs only the tests that cover each mutant.
 */
import { defineConfig } from 'vitest/config'
import { resolve } from 'node:path'

export default defineConfig({
  resolve: {
    alias: {
      '@renderer': resolve(import.meta.dirname, 'src/renderer/src'),
      '@shared': resolve(import.meta.dirname, 'src/shared')
    }
  },
  test: {
    include: [
      'test/unit/erldist/codec.test.ts',
      'test/unit/erldist/etf-vectors.test.ts',
      'test/unit/erldist/frames.test.ts',
      'test/unit/erldist/etf-*.test.ts',
      'test/unit/crashdump/corpus.test.ts',
      'test/unit/crashdump/sections*.test.ts',
      'test/unit/crashdump/terms*.test.ts',
      'test/unit/crashdump/heap-*.test.ts'
    ],
    environment: 'node',
    testTimeout: 60_000
  }
})

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
      'test/unit/erldist/record-ext.test.ts',
      'test/unit/crashdump/slogan.test.ts',
      'test/unit/crashdump/native-record.test.ts',
      'test/unit/crashdump/corpus.test.ts',
      'test/unit/crashdump/corpus-sections.test.ts',
      'test/unit/crashdump/corpus-details.test.ts',
      'test/unit/crashdump/sections*.test.ts',
      'test/unit/crashdump/terms*.test.ts',
      'test/unit/crashdump/heap-*.test.ts'
    ],
    environment: 'node',
    testTimeout: 60_000,
    // a few corpus dumps of every format instead of 30: each mutant re-runs the tests that cover it
    env: {
      ERLSCOPE_CORPUS_SUBSET: [
        '23_r16b_win32_crlf',
        '33_otp17_user_dump',
        '37_otp19_0_kernel_pid',
        '49_otp23_user_dump',
        '53_otp25_rabbitmq',
        '57_otp27_could_not_start_kernel'
      ].join(','),
      // the process terms of these hold strings, binaries, maps, funs, refs and cut lists
      ERLSCOPE_CORPUS_DETAILS_SUBSET: [
        '27_r16b03_dist_binary',
        '41_otp20_1_elixir',
        '43_otp20_2_rabbitmq_child_setup',
        '49_otp23_user_dump',
        '55_otp26_runtime_terminating',
        '59_otp28_rabbitmq'
      ].join(',')
    }
  }
})

// Mutation testing where a wrong byte is a wrong answer: `npm run mutation` (not in CI; slow).
// `MUTATE=etf|frames|sections|terms` (comma-separated) narrows the run to some modules;
// `MUTATE_FILES=path,path` to some files (one file at a time on a busy machine).
const modules = {
  // the codec proper; the term constructors (types.ts) and the text printer (format.ts) are not
  etf: ['src/main/erldist/etf/decode.ts', 'src/main/erldist/etf/encode.ts'],
  frames: ['src/main/erldist/frames.ts'],
  sections: ['src/main/crashdump/sections/**/*.ts'],
  terms: ['src/main/crashdump/terms/**/*.ts']
}
const chosen = (process.env.MUTATE ?? Object.keys(modules).join(',')).split(',').filter(Boolean)
for (const m of chosen) if (!(m in modules)) throw new Error(`MUTATE: unknown module ${m}`)

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.mts', related: false },
  mutate: process.env.MUTATE_FILES ? process.env.MUTATE_FILES.split(',') : chosen.flatMap((m) => modules[m]),
  coverageAnalysis: 'perTest',
  // mutants in module-level constants re-run every test; they are few and slow
  ignoreStatic: true,
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
  timeoutMS: 30_000,
  reporters: ['clear-text', 'json', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['test-results', 'bench/results', 'reports', 'out', 'docs'],
  thresholds: { high: 90, low: 80 }
}

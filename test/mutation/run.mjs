#!/usr/bin/env node
/**
 * `npm run mutation`: StrykerJS over the ETF codec, the frame parser and the dump section and term
 * parsers (see stryker.config.mjs), then the mutation score per module.
 *   MUTATE=frames,etf npm run mutation     narrows the run to some modules
 *   MUTATE_FILES=src/main/crashdump/sections/ets.ts   narrows it to some files
 *   MUTATION_CONCURRENCY=1                 test runner processes (default 2)
 * StrykerJS 10's command line refuses Node < 22; its API runs on the Node 20 this project
 * supports, so this script loads it by file (the package exports only the CLI entry).
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
process.chdir(root)
const core = join(root, 'node_modules/@stryker-mutator/core/dist/src/stryker.js')
const { Stryker } = await import(pathToFileURL(core).href)
const { default: config } = await import(pathToFileURL(join(root, 'stryker.config.mjs')).href)

await new Stryker({ ...config }).runMutationTest()

const report = JSON.parse(readFileSync(join(root, config.jsonReporter.fileName), 'utf8'))
const MODULES = [
  ['ETF codec (erldist/etf)', 'src/main/erldist/etf/'],
  ['frame parser (erldist/frames.ts)', 'src/main/erldist/frames.ts'],
  ['dump sections (crashdump/sections)', 'src/main/crashdump/sections/'],
  ['dump terms (crashdump/terms)', 'src/main/crashdump/terms/']
]
const KILLED = new Set(['Killed', 'Timeout'])
const COUNTED = new Set(['Killed', 'Timeout', 'Survived', 'NoCoverage'])
console.log('\nMutation score per module (killed + timeout over killed + survived + no coverage):')
for (const [name, prefix] of MODULES) {
  let killed = 0
  let counted = 0
  for (const [file, data] of Object.entries(report.files)) {
    if (!file.replaceAll('\\', '/').includes(prefix)) continue
    for (const m of data.mutants) {
      if (!COUNTED.has(m.status)) continue
      counted++
      if (KILLED.has(m.status)) killed++
    }
  }
  if (counted === 0) continue
  console.log(
    `  ${name.padEnd(38)} ${((killed / counted) * 100).toFixed(1).padStart(5)} %  (${killed}/${counted})`
  )
}

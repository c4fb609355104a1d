import { defineConfig } from 'vitest/config'

/** Runs bench/node-growth.run.ts as a single long "test" that prints its measurements. */
export default defineConfig({
  test: {
    include: ['bench/node-growth.run.ts'],
    environment: 'node',
    testTimeout: 1_800_000,
    hookTimeout: 300_000,
    reporters: ['default']
  }
})

import { defineConfig } from 'vitest/config'

/** Runs bench/dump-mailbox.run.ts as a single long "test" that prints its measurements. */
export default defineConfig({
  test: {
    include: ['bench/dump-mailbox.run.ts'],
    environment: 'node',
    testTimeout: 900_000,
    hookTimeout: 300_000,
    reporters: ['default']
  }
})

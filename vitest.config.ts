import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.warroom/**'],
    // PGlite cold start is 5-7 s and the NATS suite waits on ack timeouts.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: run files in parallel but not more than the machine can carry.
    maxWorkers: 2,
    reporters: ['default', './evals/closing-line-reporter.ts'],
  },
});

import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs no server (`npm run test:unit`), `int` is every *.int.test.ts, which
// dials the local Postgres (5432) and NATS (4222). `npm test` runs both.
const INT = '**/*.int.test.ts';
const IGNORED = ['node_modules/**', '.warroom/**', 'dist/**'];

export default defineConfig({
  test: {
    // PGlite cold start is 5-7 s and the NATS suite waits on ack timeouts.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: run files in parallel but not more than the machine can carry.
    maxWorkers: 2,
    reporters: ['default', './evals/closing-line-reporter.ts'],
    // Tests that spawn bin/warroom.js must run the code under test, never a stale dist/.
    env: { WARROOM_FROM_SOURCE: '1' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['**/*.test.ts'], exclude: [...IGNORED, INT] } },
      { extends: true, test: { name: 'int', include: [INT], exclude: IGNORED } },
    ],
  },
});

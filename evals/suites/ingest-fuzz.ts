/**
 * Full-tier eval of the ingest edge under 10,000 generated mixed batches on PGlite (issue 18 §1):
 * good items lost, flawed items unreported, arbitrary items unaccounted for and crashes must all
 * be zero. The generators and the checks are ingest/edge-fuzz.ts, the same as `npm test` runs
 * on 150 batches. fast-check is a dev dependency, hence the import when the suite runs.
 */
import type { Suite } from '../harness.js';

const RUNS = 10_000;
/** Batches per fresh database: keeps the table, and so each insert, the size the test sees. */
const PER_DB = 1_000;

export const ingestFuzzSuite: Suite = {
  name: 'ingest-fuzz',
  description: `${RUNS} generated mixed batches (good, flawed, arbitrary items) through the ingest edge on PGlite`,
  tier: 'full',
  thresholds: [
    { metric: 'batches', op: '>=', value: RUNS },
    { metric: 'good_lost', op: '==', value: 0 },
    { metric: 'bad_unreported', op: '==', value: 0 },
    { metric: 'any_lost', op: '==', value: 0 },
    { metric: 'crashes', op: '==', value: 0 },
  ],
  async run() {
    const { fuzzIngestEdge } = await import('../../ingest/edge-fuzz.js');
    const { openPgliteStore } = await import('../../store/index.js');
    const total = { batches: 0, items: 0, good: 0, goodLost: 0, bad: 0, badUnreported: 0, anyLost: 0, crashes: 0 };
    const rows: Record<string, string | number>[] = [];
    const notes: string[] = [];
    for (let seed = 1; total.batches < RUNS; seed++) {
      const opened = await openPgliteStore();
      try {
        await opened.store.createOrg({ id: 'fuzz', name: 'Fuzz' });
        const f = await fuzzIngestEdge(opened.store.forOrg('fuzz'), { runs: Math.min(PER_DB, RUNS - total.batches), seed });
        for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += f[k];
        rows.push({ seed, batches: f.batches, items: f.items, good: f.good, bad: f.bad, good_lost: f.goodLost, bad_unreported: f.badUnreported, any_lost: f.anyLost, crashes: f.crashes });
        notes.push(...f.failures.slice(0, 3).map((x) => `seed ${seed}: ${x}`));
      } finally {
        await opened.store.close();
        await opened.admin.close();
      }
    }
    return {
      metrics: { batches: total.batches, items: total.items, good: total.good, bad: total.bad, good_lost: total.goodLost, bad_unreported: total.badUnreported, any_lost: total.anyLost, crashes: total.crashes },
      rows,
      notes,
    };
  },
};

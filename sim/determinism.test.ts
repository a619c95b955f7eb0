import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { flatten, generate } from './generate.js';
import { scenarioOf } from './test-helpers.js';

/** sha256 over every signal of a run, serialised in order. */
function digest(seed: number, logsPerMin = 6000): { hash: string; signals: number } {
  const sc = scenarioOf({
    seed,
    duration: '9m',
    faults: [{ kind: 'bad_deploy_errors', service: 'payments', at: '4m' }],
    red_herrings: [{ kind: 'noisy_service', service: 'ads', at: '1m' }],
    baseline: { logs_per_min: logsPerMin, traces_per_min: 60, deploys_per_day: 50 },
  });
  const h = createHash('sha256');
  let signals = 0;
  for (const c of generate(sc)) {
    for (const s of flatten(c)) {
      h.update(JSON.stringify(s));
      h.update('\n');
      signals++;
    }
  }
  return { hash: h.digest('hex'), signals };
}

describe('determinism', () => {
  it('gives byte-identical output for the same seed', () => {
    const a = digest(11);
    const b = digest(11);
    expect(a.signals).toBeGreaterThan(45_000);
    expect(b.hash).toBe(a.hash);
  });

  it('gives different output for another seed', () => {
    expect(digest(12).hash).not.toBe(digest(11).hash);
  });

  it('keeps metric noise independent of the log rate (separate random streams)', () => {
    const metricsOf = (logsPerMin: number) => {
      const sc = scenarioOf({ seed: 5, duration: '3m', baseline: { logs_per_min: logsPerMin } });
      const out: string[] = [];
      for (const c of generate(sc)) out.push(JSON.stringify(c.metrics));
      return out.join('\n');
    };
    expect(metricsOf(20_000)).toBe(metricsOf(0));
  });
});

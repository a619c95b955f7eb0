import { describe, expect, it } from 'vitest';
import { ErrorBurstDetector, LogAnomalyDetector, logGamma, logPoissonSf } from './logs.js';

const M = 60_000;
const T0 = Date.UTC(2026, 0, 1);

function poissonSfDirect(k: number, l: number): number {
  let cdf = 0;
  let term = Math.exp(-l);
  for (let i = 0; i < k; i++) {
    cdf += term;
    term *= l / (i + 1);
  }
  return 1 - cdf;
}

describe('Poisson tail', () => {
  it.each([
    [0, 1.5],
    [1, 0.2],
    [3, 2.5],
    [5, 0.2],
    [12, 4],
    [2, 9],
  ])('P(X ≥ %i | λ = %d) matches the direct sum', (k, l) => {
    expect(Math.exp(logPoissonSf(k, l))).toBeCloseTo(poissonSfDirect(k, l), 10);
  });

  it('stays finite far in the tail and knows ln Γ', () => {
    expect(logPoissonSf(500, 1)).toBeLessThan(-2000);
    expect(Number.isFinite(logPoissonSf(500, 1))).toBe(true);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });
});

describe('error bursts', () => {
  it('learns the usual error rate and flags a burst, not the background', () => {
    const d = new ErrorBurstDetector();
    const background = [0, 1, 0, 2, 1, 0, 0, 1, 3, 0, 1, 0, 2, 0, 1, 1, 0, 0, 2, 1];
    const scores = [...background, ...background].map((e) => d.update(e).score);
    expect(Math.max(...scores)).toBe(0);
    const burst = d.update(25);
    expect(burst.score).toBeGreaterThan(0.9);
    expect(burst.expected).toBeLessThan(2);
    expect(d.update(4).score).toBe(0); // below minErrors
  });
});

describe('LogAnomalyDetector', () => {
  const ev = (minute: number, templateId: string, level = 'info', service = 'cart') => ({ ts: T0 + minute * M + 1000, templateId, level, service });

  it('reports a novel template after the learning period only, errors above the alert line', () => {
    const d = new LogAnomalyDetector({ learnMs: 10 * M });
    expect(d.add(ev(0, 't1'))).toEqual([]);
    expect(d.add(ev(5, 't2'))).toEqual([]); // still learning
    const late = d.add(ev(20, 't3', 'ERROR'));
    expect(late.find((a) => a.kind === 'novel_template')).toMatchObject({ templateId: 't3', service: 'cart', score: 0.8 });
    expect(d.add(ev(21, 't3')).some((a) => a.kind === 'novel_template')).toBe(false);
    expect(d.add(ev(22, 't4')).find((a) => a.kind === 'novel_template')!.score).toBe(0.4);
  });

  it('flags a per-template rate spike and an error burst when their interval closes', () => {
    const d = new LogAnomalyDetector({ learnMs: 0 });
    const found = [];
    for (let m = 0; m < 3 * 24 * 60; m++) {
      const n = m === 3 * 24 * 60 - 10 ? 200 : 3 + (m % 3);
      for (let i = 0; i < n; i++) found.push(...d.add(ev(m, 'GET /cart <*>')));
      const errors = m === 3 * 24 * 60 - 5 ? 40 : m % 7 === 0 ? 1 : 0;
      for (let i = 0; i < errors; i++) found.push(...d.add(ev(m, 'db timeout <*>', 'error')));
    }
    found.push(...d.flush());
    const rate = found.filter((a) => a.kind === 'template_rate');
    expect(rate.some((a) => a.templateId === 'GET /cart <*>' && a.direction === 'up' && a.count === 200)).toBe(true);
    const bursts = found.filter((a) => a.kind === 'error_burst');
    expect(bursts).toHaveLength(1);
    expect(bursts[0]).toMatchObject({ service: 'cart', count: 40 });
  });
});

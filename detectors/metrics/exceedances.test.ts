import { describe, expect, it } from 'vitest';
import { seededRng } from '../../core/rng.js';
import { ExceedanceCounter } from './exceedances.js';
import { gaussian } from './synthetic.js';

const LEVEL = 20;
const HALF_LIFE = 1000;
const side = (z: number) => (z >= 3 ? 1 : z <= -3 ? -1 : 0);

/** Feeds z-scores and returns the indices where the counter fired. */
function fires(c: ExceedanceCounter, zs: number[], from = 0): number[] {
  const out: number[] = [];
  zs.forEach((z, i) => {
    if (c.add(side(z), HALF_LIFE, LEVEL) > 0) out.push(from + i);
  });
  return out;
}

function normals(seed: number, n: number, sd = 1): number[] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => sd * gaussian(rng));
}

describe('ExceedanceCounter (clusters beyond ±3σ on both sides, quasi-Poisson)', () => {
  it('stays silent on independent normal residuals (20,000 points, 5 seeds)', () => {
    for (let seed = 1; seed <= 5; seed++) expect(fires(new ExceedanceCounter(72), normals(seed, 20_000))).toEqual([]);
  });

  it('fires once, within the window, when the variance triples', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const zs = [...normals(seed, 3000), ...normals(100 + seed, 72, 3)];
      const at = fires(new ExceedanceCounter(72), zs);
      expect(at).toHaveLength(1);
      expect(at[0]).toBeGreaterThanOrEqual(3000);
    }
  });

  it('leaves a one-sided run of exceedances (a level shift) to the other evidence', () => {
    // +3.2σ: over half the points beyond +3σ, in many separate clusters, none below −3σ.
    const zs = [...normals(7, 3000), ...normals(8, 72).map((z) => z + 3.2)];
    expect(fires(new ExceedanceCounter(72), zs)).toEqual([]);
  });

  it('learns that a series has bursts: a burst it has seen every day is no news, a first one is', () => {
    const day = 288;
    // 20 clusters on each side in an hour and a half: far beyond any Poisson rate of a calm day.
    const burst = Array.from({ length: 60 }, (_, i) => [4, -4, 0][i % 3]);
    const daily = (days: number) => {
      const zs = normals(9, days * day).map((z) => Math.max(-2.5, Math.min(2.5, z)));
      for (let d = 1; d < days; d++) zs.splice(d * day + 100, burst.length, ...burst);
      return zs;
    };
    // Ten days of the same noon burst: the counter learns the dispersion and stops firing.
    const learnt = fires(new ExceedanceCounter(72), daily(10));
    expect(learnt.filter((i) => i >= 6 * day)).toEqual([]);
    // The same burst in a series that never had one fires.
    const calm = normals(9, 10 * day).map((z) => Math.max(-2.5, Math.min(2.5, z)));
    calm.splice(9 * day + 100, burst.length, ...burst);
    expect(fires(new ExceedanceCounter(72), calm)).toHaveLength(1);
  });

  it('restores from JSON exactly', () => {
    const zs = [...normals(11, 2000), ...normals(12, 200, 3)];
    const whole = fires(new ExceedanceCounter(72), zs);
    const first = new ExceedanceCounter(72);
    const head = fires(first, zs.slice(0, 2040));
    const restored = ExceedanceCounter.fromJSON(72, JSON.parse(JSON.stringify(first.toJSON())));
    expect([...head, ...fires(restored, zs.slice(2040), 2040)]).toEqual(whole);
    expect(whole.length).toBeGreaterThan(0);
  });
});

import { describe, expect, it } from 'vitest';
import { FAULTS } from '../../sim/faults.js';
import { fourthScenarios } from './sandbox-placements-fourth.js';
import { thirdScenarios } from './sandbox-placements-third.js';

describe('fourth held-out sandbox set', () => {
  const fourth = fourthScenarios();
  const target = (s: { faults: { kind: keyof typeof FAULTS; service?: string | null }[] }) => s.faults.map((f) => f.service ?? FAULTS[f.kind].defaultService);

  it('has calm scenarios whose only disturbance is noisy services, some noisy since before the baseline', () => {
    const calm = fourth.filter((s) => s.faults.length === 0);
    expect(calm.length).toBe(4);
    for (const s of calm) expect(s.red_herrings.some((h) => h.kind === 'noisy_service')).toBe(true);
    expect(calm.filter((s) => s.red_herrings.some((h) => h.kind === 'noisy_service' && h.at === '0m')).length).toBeGreaterThanOrEqual(3);
  });

  it('puts config timeouts and DNS failures on three services each, and a few other kinds', () => {
    const of = (kind: string) => fourth.filter((s) => s.faults[0]?.kind === kind);
    expect(of('config_timeout').length).toBe(3);
    expect(of('dns_failure').length).toBe(3);
    expect(new Set(of('dns_failure').map((s) => target(s)[0])).size).toBe(3);
    expect(fourth.filter((s) => s.faults.length && !['config_timeout', 'dns_failure'].includes(s.faults[0].kind)).length).toBe(3);
  });

  it('never puts a herring on a root cause, uses ids and seeds of its own, and stays within 15 scenarios', () => {
    expect(fourth.length).toBeLessThanOrEqual(15);
    for (const s of fourth) for (const h of s.red_herrings) expect(target(s)).not.toContain(h.service);
    const ids = fourth.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    const thirdSeeds = new Set(thirdScenarios().map((s) => s.seed));
    for (const s of fourth) expect(thirdSeeds.has(s.seed)).toBe(false);
    expect(fourthScenarios()).toEqual(fourth);
  });
});

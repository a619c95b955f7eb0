import { describe, expect, it } from 'vitest';
import { loadLibrary } from '../../sim/edge/library.js';
import { FAULTS } from '../../sim/faults.js';
import { FAULT_KINDS } from '../../sim/schema.js';
import { scenarioOf } from '../../sim/test-helpers.js';
import { heldOutScenarios } from './sandbox-placements.js';
import { unseenScenarios, variedShop } from './sandbox-placements-unseen.js';

describe('unseen sandbox set', () => {
  const library = loadLibrary().scenarios;
  const placed = (s: { faults: { kind: keyof typeof FAULTS; service?: string | null }[] }) => s.faults.map((f) => `${f.kind}:${f.service ?? FAULTS[f.kind].defaultService}`);
  const unseen = unseenScenarios(library);

  it('covers every fault kind, mostly on placements no earlier set uses, under ids of their own', () => {
    const used = new Set([...library, ...heldOutScenarios(library)].flatMap(placed));
    expect(new Set(unseen.map((s) => s.faults[0].kind))).toEqual(new Set(FAULT_KINDS));
    const fresh = unseen.filter((s) => placed(s).every((p) => !used.has(p)));
    // only kinds no fresh service can take reuse a placement, once each
    const reused = unseen.filter((s) => !fresh.includes(s)).map((s) => s.faults[0].kind);
    expect(new Set(reused).size).toBe(reused.length);
    expect(fresh.length).toBeGreaterThanOrEqual(18);
    const ids = unseen.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('runs on a varied shop, noisier, with innocent deploys on every other scenario', () => {
    const shop = scenarioOf({}).topology;
    const varied = variedShop();
    expect(varied.services.map((s) => s.id)).toEqual(shop.services.map((s) => s.id));
    expect(varied.services.some((s, i) => s.instances !== shop.services[i].instances)).toBe(true);
    expect(varied.edges.some((e, i) => e.share !== shop.edges[i].share)).toBe(true);
    expect(variedShop()).toEqual(varied);
    for (const s of unseen) {
      expect(s.topology.name).toBe('shop-varied');
      expect(s.baseline.noise).toBe(0.12);
      for (const h of s.red_herrings) expect(placed(s).some((p) => p.endsWith(`:${h.service}`))).toBe(false);
    }
    expect(unseen.filter((s) => s.red_herrings.length > 0).length).toBe(Math.ceil(unseen.length / 2));
  });
});

import { describe, expect, it } from 'vitest';
import { loadLibrary } from '../../sim/edge/library.js';
import { FAULTS } from '../../sim/faults.js';
import { FAULT_KINDS } from '../../sim/schema.js';
import { heldOutScenarios } from './sandbox-placements.js';
import { branchedShop, thirdScenarios } from './sandbox-placements-third.js';
import { unseenScenarios, variedShop } from './sandbox-placements-unseen.js';

describe('third held-out sandbox set', () => {
  const third = thirdScenarios();
  const target = (s: { faults: { kind: keyof typeof FAULTS; service?: string | null }[] }) => s.faults.map((f) => f.service ?? FAULTS[f.kind].defaultService);

  it('adds a second front service behind the gateway, on a shop drawn anew', () => {
    const shop = branchedShop();
    expect(shop.services.map((s) => s.id)).toContain('mobile-api');
    expect(shop.edges.filter((e) => e.to === 'cart').map((e) => e.from).sort()).toEqual(['checkout', 'frontend', 'mobile-api']);
    expect(shop.edges.some((e) => e.from === shop.entry.service && e.to === 'mobile-api')).toBe(true);
    // other numbers than the unseen set's shop, the same ones on every call
    expect(shop.services.find((s) => s.id === 'cart')!.latency_ms).not.toEqual(variedShop().services.find((s) => s.id === 'cart')!.latency_ms);
    expect(branchedShop()).toEqual(shop);
  });

  it('surges seven services no earlier set surges, at three sizes', () => {
    const library = loadLibrary().scenarios;
    const earlier = new Set(
      [...library, ...heldOutScenarios(library), ...unseenScenarios(library)].flatMap((s) => s.faults.filter((f) => f.kind === 'traffic_surge').map((f) => f.service ?? FAULTS.traffic_surge.defaultService)),
    );
    const surges = third.filter((s) => s.faults[0]?.kind === 'traffic_surge');
    expect(surges.length).toBe(7);
    for (const s of surges) expect(earlier.has(target(s)[0])).toBe(false);
    expect(new Set(surges.map((s) => JSON.stringify(s.faults[0].params))).size).toBe(3);
  });

  it('covers every fault kind, has calm scenarios and herrings never on a root cause, under ids of their own', () => {
    expect(new Set(third.flatMap((s) => s.faults.map((f) => f.kind)))).toEqual(new Set(FAULT_KINDS));
    expect(third.filter((s) => s.faults.length === 0).length).toBe(3);
    const herrings = third.filter((s) => s.red_herrings.length > 0);
    expect(herrings.length).toBeGreaterThanOrEqual(10);
    for (const s of herrings) for (const h of s.red_herrings) expect(target(s)).not.toContain(h.service);
    const ids = third.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of third) expect(s.topology.name).toBe('shop-branched');
  });
});

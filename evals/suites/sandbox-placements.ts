/**
 * Sandbox scenarios generated for held-out checks: every fault kind placed on services of the shop
 * the library does not put it on (two per kind where the topology has them), with seeds of their
 * own. No default was tuned on them. `remediate-choice` scores the fix catalog on the plain set;
 * `rca-sandbox` scores the analysis on it and on a noisier variant.
 */
import { FAULTS } from '../../sim/faults.js';
import { FAULT_KINDS, type FaultKind, type Scenario } from '../../sim/schema.js';
import { scenarioOf } from '../../sim/test-helpers.js';

/** How a held-out set differs from the plain one: traffic noise, seeds, start time, id suffix. */
export interface PlacementVariant {
  /** Relative noise of traffic (the library's default is 0.03). */
  noise?: number;
  seedBase?: number;
  /** ISO start of every scenario (default: scenarioOf's, an afternoon). */
  start?: string;
  idSuffix?: string;
}

/** The noisier held-out variant: 8 % traffic noise, other seeds, an evening start. */
export const NOISY_PLACEMENTS: PlacementVariant = { noise: 0.08, seedBase: 9_000, start: '2026-03-05T20:00:00Z', idSuffix: '-noisy' };

/** Fault kinds on services the library does not put them on (two per kind where the topology has them), seeds of their own. */
export function heldOutScenarios(library: readonly Scenario[], v: PlacementVariant = {}): Scenario[] {
  const used = new Set(library.flatMap((s) => s.faults.map((f) => `${f.kind}:${f.service ?? FAULTS[f.kind].defaultService}`)));
  const shop = scenarioOf({}).topology;
  const out: Scenario[] = [];
  FAULT_KINDS.forEach((kind: FaultKind, k) => {
    const def = FAULTS[kind];
    let placed = 0;
    for (const svc of shop.services.filter((x) => def.targets.includes(x.type) && !used.has(`${kind}:${x.id}`))) {
      if (placed === 2) break;
      if (kind === 'bad_node' && svc.instances < 2) continue;
      const instance = kind === 'bad_node' ? `${svc.id}-1` : undefined;
      try {
        out.push(
          scenarioOf({
            id: `heldout-${kind.replace(/_/g, '-')}-${svc.id}${v.idSuffix ?? ''}`,
            seed: (v.seedBase ?? 7_000) + 31 * k + placed,
            ...(v.start ? { start: v.start } : {}),
            duration: '70m',
            baseline: { logs_per_min: 60, ...(v.noise !== undefined ? { noise: v.noise } : {}) },
            faults: [{ kind, service: svc.id, at: '40m', ...(instance ? { instance } : {}) }],
          }),
        );
        placed++;
      } catch {
        // a placement the fault cannot take (no TLS on the service, no pool…): the next service
      }
    }
  });
  return out;
}

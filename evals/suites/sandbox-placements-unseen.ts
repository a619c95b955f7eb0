/**
 * A second held-out sandbox set (issue 14), made before any weight was re-chosen and scored only
 * at the end: what the library and the first held-out set (sandbox-placements.ts) never show.
 *
 * - Placements: every fault kind on two services neither the library nor the first held-out set
 *   puts it on (the first set took the entry side in topology order; here each kind starts at a
 *   different point of the list). A kind no fresh service can take (slow_query, external_outage,
 *   cache_eviction_storm have one target; cert_expiry needs TLS) keeps one earlier placement:
 *   its conditions below are what is new.
 * - A varied shop: instance counts, service latencies and call shares perturbed per service and
 *   edge by a seeded draw (not a hand edit), 0.75× traffic, customers nine hours ahead (the daily
 *   peak moves), 12 % traffic noise (library 3 %, first held-out set 8 %), a weekend start.
 * - The fault at 35 min of 65, and on every other scenario an innocent deploy on another service
 *   8 min before it (the library has four red-herring scenarios; here they are routine).
 */
import { FAULTS } from '../../sim/faults.js';
import { FAULT_KINDS, type FaultKind, type Scenario, type TopologySpec } from '../../sim/schema.js';
import { scenarioOf } from '../../sim/test-helpers.js';
import { heldOutScenarios } from './sandbox-placements.js';
import { seededRng } from '../../core/rng.js';


/** The shop with every service's instances and latency and every call share drawn around its own. */
export function variedShop(seed = 4_242): TopologySpec {
  const shop = scenarioOf({}).topology;
  const r = seededRng(seed); // the same generator (mulberry32) the shop was drawn with
  const around = (lo: number, hi: number) => lo + (hi - lo) * r();
  return {
    ...shop,
    name: 'shop-varied',
    services: shop.services.map((s) => {
      // externals stay as they are: their latency is someone else's, one instance stands for them
      if (s.type === 'external') return s;
      const f = around(0.7, 1.5);
      const lat = { p50: s.latency_ms.p50 * f, p95: s.latency_ms.p95 * f, p99: s.latency_ms.p99 * f };
      return { ...s, instances: Math.max(1, Math.min(64, s.instances + Math.round(around(-1, 2)))), latency_ms: lat };
    }),
    edges: shop.edges.map((e) => ({ ...e, share: Math.min(10, e.share * around(0.75, 1.3)) })),
  };
}

/** The list turned to start at index `by`, so successive kinds start at different services. */
function rotate<T>(xs: readonly T[], by: number): T[] {
  const k = xs.length ? by % xs.length : 0;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

/** The unseen set: fault kinds on services no earlier set uses, on the varied shop, noisier, with routine innocent deploys. */
export function unseenScenarios(library: readonly Scenario[]): Scenario[] {
  const firstHeldOut = heldOutScenarios(library);
  const used = new Set([...library, ...firstHeldOut].flatMap((s) => s.faults.map((f) => `${f.kind}:${f.service ?? FAULTS[f.kind].defaultService}`)));
  const topology = variedShop();
  const out: Scenario[] = [];
  FAULT_KINDS.forEach((kind: FaultKind, k) => {
    const def = FAULTS[kind];
    const eligible = topology.services.filter((x) => def.targets.includes(x.type));
    // fresh placements first, spread over the shop (each kind starts elsewhere); placements an
    // earlier set uses only when no fresh one takes the fault (one target, or no TLS elsewhere)
    const fresh = rotate(eligible.filter((x) => !used.has(`${kind}:${x.id}`)), 5 * k);
    const seen = eligible.filter((x) => used.has(`${kind}:${x.id}`));
    let placed = 0;
    for (const svc of [...fresh, ...seen]) {
      if (placed > 0 && !fresh.includes(svc)) break;
      if (placed === 2) break;
      if (kind === 'bad_node' && svc.instances < 2) continue;
      const instance = kind === 'bad_node' ? `${svc.id}-1` : undefined;
      // every other scenario: an innocent deploy on another application service, spread over them
      const others = topology.services.filter((x) => x.type === 'service' && x.id !== svc.id);
      const herring = out.length % 2 === 0 ? others[(3 * k + placed) % others.length] : undefined;
      try {
        out.push(
          scenarioOf({
            id: `unseen-${kind.replace(/_/g, '-')}-${svc.id}`,
            seed: 12_000 + 37 * k + placed,
            start: '2026-03-07T03:00:00Z',
            duration: '65m',
            topology,
            baseline: { logs_per_min: 60, noise: 0.12, traffic_scale: 0.75, utc_offset_h: 9 },
            faults: [{ kind, service: svc.id, at: '35m', ...(instance ? { instance } : {}) }],
            ...(herring ? { red_herrings: [{ kind: 'innocent_deploy' as const, service: herring.id, at: '27m' }], tags: ['red-herring'] } : {}),
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

/**
 * A third held-out sandbox set (issue 14), written and committed before any change to the
 * traffic-surge handling and scored once with the defaults; it is the final check of that work
 * and nothing was tuned on it. The next pass (the noisy-service herring, caller-side timeouts)
 * used it as development data; sandbox-placements-fourth.ts is that pass's final check.
 *
 * What it asks that the library and the two earlier sets (sandbox-placements.ts,
 * sandbox-placements-unseen.ts) do not:
 *
 * - Another shape of graph, not only other numbers: the shop's instances, latencies and call
 *   shares drawn anew (variedShop with a seed of its own), and a second front service,
 *   `mobile-api`, beside `frontend` behind the gateway, calling a subset of the same domain
 *   services — so most surged services have two callers and the extra requests come in through
 *   only one of them.
 * - Another traffic shape: the evening ramp (customers six hours behind UTC, the window runs
 *   from 18:30 to 19:30 local, traffic rising throughout), 1.25× traffic, 6 % noise; the fault
 *   at 30 min of 60.
 * - More surges: traffic surges on seven services of the shop (mobile-api and six drawn by seed
 *   among the services no earlier set surges), at three sizes — the default (the service loaded
 *   to 1.4× its capacity), 3× and 5× its demand, the last lasting only 20 min.
 * - Every other fault kind once, on a service drawn by seed among those it can take.
 * - Herrings: on every other fault scenario an innocent deploy 6 min before the fault on a
 *   service drawn by seed, and for surges on a caller that the extra traffic passes through (a
 *   gateway change just before a surge is what a responder would suspect first); three calm
 *   scenarios, one with an innocent deploy, one with a noisy service.
 */
import { seededRng, shuffled } from '../../core/rng.js';
import { FAULTS } from '../../sim/faults.js';
import { FAULT_KINDS, type Scenario, type ScenarioInput, type ServiceSpec, type TopologySpec } from '../../sim/schema.js';
import { scenarioOf } from '../../sim/test-helpers.js';
import { surgePath } from '../../sim/topology.js';
import { variedShop } from './sandbox-placements-unseen.js';

type FaultIn = NonNullable<ScenarioInput['faults']>[number];
type HerringIn = NonNullable<ScenarioInput['red_herrings']>[number];

/** Services an earlier set already surges (library: catalog, search; held-out: edge-gateway, frontend; unseen: cart, checkout). */
const SURGED_BEFORE = new Set(['catalog', 'search', 'edge-gateway', 'frontend', 'cart', 'checkout']);

/** The varied shop with a second front service, `mobile-api`, behind the gateway. */
export function branchedShop(seed = 31_337): TopologySpec {
  const shop = variedShop(seed);
  const frontend = shop.services.find((s) => s.id === 'frontend')!;
  const mobile: ServiceSpec = {
    ...frontend,
    id: 'mobile-api',
    description: 'API for the mobile app: product pages, cart and sign-in',
    team: 'mobile',
    language: 'kotlin',
    log_format: 'java',
    instances: 2,
    version: '1.14.2',
    flags: {},
  };
  const calls = (to: string, share: number, critical = true) => ({ from: 'mobile-api', to, share, mode: 'sync' as const, critical, retries: 1, timeout_ms: 1000 });
  return {
    ...shop,
    name: 'shop-branched',
    services: [...shop.services.slice(0, 2), mobile, ...shop.services.slice(2)],
    edges: [
      ...shop.edges.slice(0, 1),
      { ...shop.edges[0], to: 'mobile-api', share: 0.45 },
      ...shop.edges.slice(1),
      calls('auth', 0.25),
      calls('catalog', 0.8),
      calls('cart', 0.35),
      calls('recommendations', 0.3, false),
      calls('users', 0.15),
      calls('checkout', 0.04),
    ],
  };
}

const START = '2026-03-10T00:30:00Z';
const BASELINE = { logs_per_min: 60, noise: 0.06, traffic_scale: 1.25, utc_offset_h: -6 };

/** The third set: surges on seven services at three sizes, every other kind once, herrings, three calm scenarios. */
export function thirdScenarios(): Scenario[] {
  const topology = branchedShop();
  const r = seededRng(20_261_210);
  const apps = topology.services.filter((s) => s.type === 'service').map((s) => s.id);
  const out: Scenario[] = [];
  const make = (id: string, seed: number, faults: FaultIn[], herrings: HerringIn[]) =>
    scenarioOf({
      id,
      seed,
      start: START,
      duration: '60m',
      topology,
      baseline: BASELINE,
      faults,
      red_herrings: herrings,
      ...(herrings.length ? { tags: ['red-herring'] } : {}),
    });

  // surges: mobile-api, then six drawn among the services (not gateways) no earlier set surges
  const surgeable = topology.services.filter((s) => FAULTS.traffic_surge.targets.includes(s.type) && s.type !== 'gateway' && !SURGED_BEFORE.has(s.id) && s.id !== 'mobile-api');
  const targets = ['mobile-api', ...shuffled(surgeable, r).slice(0, 6).map((s) => s.id)];
  const sizes: { params: FaultIn['params']; duration?: string; tag: string }[] = [
    { params: {}, tag: '' },
    { params: { factor: 3 }, tag: '-x3' },
    { params: { factor: 5 }, duration: '20m', tag: '-x5-short' },
  ];
  targets.forEach((svc, i) => {
    const size = sizes[i % sizes.length];
    const path = surgePath(topology, svc);
    // every other surge: an innocent deploy 6 min before it on a caller the surge passes through
    const herring = i % 2 === 0 && path.length ? [{ kind: 'innocent_deploy' as const, service: path[Math.floor(r() * path.length)], at: '24m' }] : [];
    out.push(
      make(
        `third-traffic-surge-${svc}${size.tag}`,
        21_000 + i,
        [{ kind: 'traffic_surge', service: svc, at: '30m', params: size.params, ...(size.duration ? { duration: size.duration } : {}) }],
        herring,
      ),
    );
  });

  // every other kind once, on a service drawn among those it can take
  FAULT_KINDS.filter((k) => k !== 'traffic_surge').forEach((kind, k) => {
    const def = FAULTS[kind];
    const eligible = shuffled(
      topology.services.filter((s) => def.targets.includes(s.type) && (kind !== 'bad_node' || s.instances >= 2)),
      r,
    );
    const herringAt = out.length % 2 === 0;
    for (const svc of eligible) {
      const others = apps.filter((x) => x !== svc.id);
      const herring = herringAt ? [{ kind: 'innocent_deploy' as const, service: others[Math.floor(r() * others.length)], at: '24m' }] : [];
      try {
        out.push(make(`third-${kind.replace(/_/g, '-')}-${svc.id}`, 21_100 + k, [{ kind, service: svc.id, at: '30m', ...(kind === 'bad_node' ? { instance: `${svc.id}-1` } : {}) }], herring));
        break;
      } catch {
        // a placement the fault cannot take (no TLS on the service, no pool…): the next service
      }
    }
  });

  // calm: plain, an innocent deploy, a noisy service
  const pickApp = () => apps[Math.floor(r() * apps.length)];
  out.push(make('third-calm', 21_200, [], []));
  out.push(make('third-calm-innocent-deploy', 21_201, [], [{ kind: 'innocent_deploy', service: pickApp(), at: '28m' }]));
  out.push(make('third-calm-noisy-service', 21_202, [], [{ kind: 'noisy_service', service: pickApp(), at: '20m' }]));
  return out;
}

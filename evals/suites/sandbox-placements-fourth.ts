/**
 * A fourth held-out sandbox set (issue 14), written and committed before any change to how a
 * noisy service or a caller-side timeout is judged, and scored once with the defaults of that
 * commit; it is the final check of that work and nothing is tuned on it. (The third set,
 * sandbox-placements-third.ts, is development data for that work.)
 *
 * Written from a description of the problems, not from the cases that showed them:
 *
 * - Calm periods with a service that is noisy all the time (latency bursts, warnings, errors
 *   below any alert) — since before the baseline, since part-way through it, on two services at
 *   once, and next to an innocent deploy: nothing is broken, so no answer should be confident.
 * - A client timeout lowered on a caller (config_timeout): the caller fails while its callee
 *   stays healthy, on three callers drawn by seed.
 * - DNS failures (callers can no longer resolve a service) on three services drawn by seed.
 * - A few other kinds once each, drawn by seed; on every other fault scenario another service is
 *   noisy all along (a bystander a responder might suspect).
 * - Another shop and traffic: the varied shop drawn with a seed of its own, 0.9× traffic, 10 %
 *   noise, customers three hours ahead, an early-afternoon start; the fault at 30 of 60 min.
 */
import { seededRng, shuffled } from '../../core/rng.js';
import { FAULTS } from '../../sim/faults.js';
import type { FaultKind, Scenario, ScenarioInput } from '../../sim/schema.js';
import { scenarioOf } from '../../sim/test-helpers.js';
import { variedShop } from './sandbox-placements-unseen.js';

type FaultIn = NonNullable<ScenarioInput['faults']>[number];
type HerringIn = NonNullable<ScenarioInput['red_herrings']>[number];

const START = '2026-05-19T11:10:00Z';
const BASELINE = { logs_per_min: 60, noise: 0.1, traffic_scale: 0.9, utc_offset_h: 3 };

/** The fourth set: four calm scenarios with noisy services, three config timeouts, three DNS failures, three other kinds. */
export function fourthScenarios(): Scenario[] {
  const topology = variedShop(60_719);
  const r = seededRng(20_260_519);
  const apps = topology.services.filter((s) => s.type === 'service').map((s) => s.id);
  const out: Scenario[] = [];
  const make = (id: string, seed: number, faults: FaultIn[], herrings: HerringIn[]) =>
    scenarioOf({ id, seed, start: START, duration: '60m', topology, baseline: BASELINE, faults, red_herrings: herrings, ...(herrings.length ? { tags: ['red-herring'] } : {}) });
  const noisy = (service: string, at = '0m'): HerringIn => ({ kind: 'noisy_service', service, at });

  // calm, with noisy services: all along, from part-way through the baseline, two at once, beside a deploy
  const [n1, n2, n3, n4, n5] = shuffled(apps, r);
  out.push(make('fourth-calm-noisy-all-along', 31_200, [], [noisy(n1)]));
  out.push(make('fourth-calm-noisy-from-10m', 31_201, [], [noisy(n2, '10m')]));
  out.push(make('fourth-calm-two-noisy', 31_202, [], [noisy(n3), noisy(n4)]));
  out.push(make('fourth-calm-noisy-and-deploy', 31_203, [], [noisy(n5), { kind: 'innocent_deploy', service: n1, at: '27m' }]));

  /** Up to `n` placements of a kind on services drawn by seed (placements the fault refuses are skipped), each with a noisy bystander on every other one. */
  const place = (kind: FaultKind, n: number, seed: number) => {
    let made = 0;
    for (const svc of shuffled(topology.services.filter((s) => FAULTS[kind].targets.includes(s.type)), r)) {
      if (made >= n) break;
      const others = apps.filter((x) => x !== svc.id);
      const herrings = out.length % 2 === 0 ? [noisy(others[Math.floor(r() * others.length)])] : [];
      try {
        out.push(make(`fourth-${kind.replace(/_/g, '-')}-${svc.id}`, seed + made, [{ kind, service: svc.id, at: '30m', ...(kind === 'bad_node' ? { instance: `${svc.id}-1` } : {}) }], herrings));
        made++;
      } catch {
        // a placement the fault cannot take (calls nothing, nobody calls it, …): the next service
      }
    }
  };
  place('config_timeout', 3, 31_000);
  place('dns_failure', 3, 31_010);
  const others = shuffled(
    (Object.keys(FAULTS) as FaultKind[]).filter((k) => !['config_timeout', 'dns_failure', 'traffic_surge'].includes(k)),
    r,
  ).slice(0, 3);
  others.forEach((kind, k) => place(kind, 1, 31_100 + 10 * k));
  return out;
}

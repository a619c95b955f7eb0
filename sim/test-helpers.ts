/**
 * Helpers for the sandbox's tests and evals: short scenarios built in code, and the emitted
 * metric series collected by key.
 */
import type { SignalInput } from '../core/schemas.js';
import { rawTopologies } from './edge/library.js';
import { FAULTS } from './faults.js';
import { parseScenario } from './scenario.js';
import type { FaultKind, Scenario, ScenarioInput } from './schema.js';
import { World, type Chunk, type WorldOptions } from './world.js';

let topologies: Record<string, unknown> | undefined;

/** A scenario from a partial document (defaults: shop, 40 min on a weekday afternoon, no logs). */
export function scenarioOf(doc: Partial<ScenarioInput>): Scenario {
  topologies ??= rawTopologies();
  return parseScenario(
    {
      id: 'test',
      title: 'test',
      seed: 42,
      start: '2026-03-04T14:00:00Z',
      duration: '40m',
      ground_truth: (doc.faults ?? []).map((f, i) => {
        const def = FAULTS[f.kind as FaultKind];
        return { fault: f.id ?? `f${i + 1}`, kind: f.kind, root_cause_service: f.service ?? def.defaultService, change: def.change, remedy: def.remedyAction };
      }),
      ...doc,
      baseline: { logs_per_min: 0, deploys_per_day: 0, flag_changes_per_day: 0, ...(doc.baseline ?? {}) },
    },
    { topologies, source: 'test' },
  );
}

/** Metric points by `service|instance|key` (instance empty for service roll-ups). */
export class Series {
  readonly points = new Map<string, { t: number; v: number }[]>();
  add(signals: SignalInput[], filter?: (s: SignalInput) => boolean): void {
    let lastTs = '';
    let lastMs = 0;
    for (const s of signals) {
      if (s.kind !== 'metric' || typeof s.value !== 'number' || (filter && !filter(s))) continue;
      const k = `${s.labels?.service}|${s.labels?.instance ?? ''}|${s.key}`;
      let arr = this.points.get(k);
      if (!arr) this.points.set(k, (arr = []));
      if (s.ts !== lastTs) {
        lastTs = String(s.ts);
        lastMs = Date.parse(lastTs);
      }
      arr.push({ t: lastMs, v: s.value });
    }
  }
  get(service: string, key: string, instance = ''): { t: number; v: number }[] {
    return this.points.get(`${service}|${instance}|${key}`) ?? [];
  }
  /** Mean over [from, to). */
  mean(service: string, key: string, from: number, to: number, instance = ''): number {
    const xs = this.get(service, key, instance).filter((p) => p.t >= from && p.t < to);
    return xs.length ? xs.reduce((a, p) => a + p.v, 0) / xs.length : NaN;
  }
  max(service: string, key: string, from: number, to: number, instance = ''): number {
    const xs = this.get(service, key, instance).filter((p) => p.t >= from && p.t < to);
    return xs.length ? Math.max(...xs.map((p) => p.v)) : NaN;
  }
}

/** Runs a scenario to the end and collects its metric series (and, optionally, every chunk). */
export function runCollect(scenario: Scenario, opts: WorldOptions = {}, each?: (c: Chunk, w: World) => void): { world: World; series: Series } {
  const world = new World(scenario, opts);
  const series = new Series();
  while (!world.done) {
    const c = world.step();
    series.add(c.metrics);
    each?.(c, world);
  }
  return { world, series };
}

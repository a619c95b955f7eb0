/**
 * Scenario loading: schema validation, topology resolution, and the checks that need the
 * topology and the fault library (services exist, a fault can hit that kind of service, times
 * fall inside the scenario, the stated ground truth agrees with the fault library). Every
 * problem names its field: `faults[1].service: unknown service "chekout" (known: …)`.
 */
import { FAULTS } from './faults.js';
import { ScenarioSpec, SpecError, formatPath, parseTopology, type Scenario, type SpecIssue, type TopologySpec } from './schema.js';
import { parseDuration } from '../core/duration.js';

export interface ScenarioContext {
  /** Built-in topologies by name (e.g. "shop"). */
  topologies: Record<string, unknown>;
  /** Shown in error messages, e.g. the file path. */
  source?: string;
}

/** Validates a scenario document and resolves it; throws SpecError naming each bad field. */
export function parseScenario(data: unknown, ctx: ScenarioContext): Scenario {
  const source = ctx.source ?? 'scenario';
  const r = ScenarioSpec.safeParse(data);
  if (!r.success) throw new SpecError(source, r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  const spec = r.data;
  const issues: SpecIssue[] = [];

  let topology: TopologySpec;
  if (typeof spec.topology === 'string') {
    const raw = ctx.topologies[spec.topology];
    if (raw === undefined) throw new SpecError(source, [{ path: 'topology', message: `unknown topology "${spec.topology}" (known: ${Object.keys(ctx.topologies).join(', ')})` }]);
    topology = parseTopology(raw, `topology "${spec.topology}"`);
  } else topology = spec.topology;

  const services = new Map(topology.services.map((s) => [s.id, s]));
  const known = () => [...services.keys()].join(', ');
  const durationMs = parseDuration(spec.duration)!;
  const inside = (path: string, at: string) => {
    const ms = parseDuration(at)!;
    if (ms >= durationMs) issues.push({ path, message: `${at} is not before the end of the scenario (duration ${spec.duration})` });
  };

  const ids = new Set<string>();
  spec.faults.forEach((f, i) => {
    f.id ??= `f${i + 1}`;
    if (ids.has(f.id)) issues.push({ path: `faults[${i}].id`, message: `duplicate fault id "${f.id}"` });
    ids.add(f.id);
    const def = FAULTS[f.kind];
    const service = f.service ?? def.defaultService;
    const s = services.get(service);
    if (!s) {
      issues.push({ path: `faults[${i}].service`, message: `unknown service "${service}" (known: ${known()})` });
      return;
    }
    if (!def.targets.includes(s.type)) {
      issues.push({ path: `faults[${i}].service`, message: `a ${f.kind} fault cannot hit "${service}", a ${s.type} (it hits: ${def.targets.join(', ')})` });
      return;
    }
    inside(`faults[${i}].at`, f.at);
    const problem = def.check?.(topology, { ...f, service });
    if (problem) {
      const m = /^(params(?:\.[a-z_]+)?|instance): (.*)$/s.exec(problem);
      issues.push(m ? { path: `faults[${i}].${m[1]}`, message: m[2] } : { path: `faults[${i}]`, message: problem });
    }
  });
  spec.red_herrings.forEach((h, i) => {
    if (!services.has(h.service)) issues.push({ path: `red_herrings[${i}].service`, message: `unknown service "${h.service}" (known: ${known()})` });
    inside(`red_herrings[${i}].at`, h.at);
  });
  spec.remedies.forEach((r, i) => {
    if (!services.has(r.remedy.service)) issues.push({ path: `remedies[${i}].remedy.service`, message: `unknown service "${r.remedy.service}" (known: ${known()})` });
    inside(`remedies[${i}].at`, r.at);
  });

  // The stated ground truth must agree with what the fault library derives.
  const described = new Set<string>();
  spec.ground_truth.forEach((g, i) => {
    const f = spec.faults.find((x) => x.id === g.fault);
    if (!f) {
      issues.push({ path: `ground_truth[${i}].fault`, message: `no fault with id "${g.fault}" (faults: ${spec.faults.map((x) => x.id).join(', ') || 'none'})` });
      return;
    }
    described.add(g.fault);
    const def = FAULTS[f.kind];
    const expect = { kind: f.kind, root_cause_service: f.service ?? def.defaultService, change: def.change, remedy: def.remedyAction };
    for (const k of Object.keys(expect) as (keyof typeof expect)[]) {
      if (g[k] !== expect[k]) issues.push({ path: `ground_truth[${i}].${k}`, message: `is ${JSON.stringify(g[k])} but fault "${f.id}" (${f.kind}) implies ${JSON.stringify(expect[k])}` });
    }
  });
  spec.faults.forEach((f, i) => {
    if (!described.has(f.id!)) issues.push({ path: `faults[${i}]`, message: `fault "${f.id}" has no ground_truth entry` });
  });

  if (issues.length) throw new SpecError(source, issues);
  const startMs = Date.parse(spec.start);
  return { ...spec, topology, startMs, durationMs, stepMs: spec.step === '1m' ? 60_000 : 10_000 };
}

/** A calm, open-ended scenario over a topology: what `npm start` streams. */
export function calmScenario(topology: TopologySpec, startMs: number, seed = 1, overrides: Partial<Scenario['baseline']> = {}): Scenario {
  const spec = ScenarioSpec.parse({
    id: 'live-calm',
    title: 'Live sandbox: calm traffic',
    seed,
    start: new Date(startMs).toISOString(),
    duration: '3650d',
    topology,
    baseline: { logs_per_min: 1800, ...overrides },
    ground_truth: [],
  });
  return { ...spec, topology, startMs, durationMs: parseDuration(spec.duration)!, stepMs: 10_000 };
}

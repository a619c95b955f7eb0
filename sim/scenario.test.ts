/** Scenario files: schema errors that name the field, and the library itself. */
import { describe, expect, it } from 'vitest';
import { loadLibrary, rawTopologies } from './edge/library.js';
import { FAULTS } from './faults.js';
import { parseScenario } from './scenario.js';
import { FAULT_KINDS, SpecError, parseTopology } from './schema.js';

const topologies = rawTopologies();
const valid = () => ({
  id: 'x-test',
  title: 'x',
  seed: 1,
  start: '2026-03-03T10:00:00Z',
  duration: '30m',
  faults: [{ id: 'f1', kind: 'bad_deploy_errors', service: 'checkout', at: '10m' }],
  ground_truth: [{ fault: 'f1', kind: 'bad_deploy_errors', root_cause_service: 'checkout', change: 'deploy', remedy: 'rollback' }],
});

function issuesOf(doc: unknown): { path: string; message: string }[] {
  try {
    parseScenario(doc, { topologies, source: 'x.json' });
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).issues;
  }
  throw new Error('expected a SpecError');
}

describe('scenario schema errors name the field', () => {
  it('accepts a valid scenario', () => {
    expect(parseScenario(valid(), { topologies }).faults).toHaveLength(1);
  });

  const cases: [string, (d: ReturnType<typeof valid>) => unknown, string, RegExp][] = [
    ['unknown fault kind', (d) => ({ ...d, faults: [{ ...d.faults[0], kind: 'meteor_strike' }] }), 'faults[0].kind', /bad_deploy_errors/],
    ['misspelt service', (d) => ({ ...d, faults: [{ ...d.faults[0], service: 'chekout' }] }), 'faults[0].service', /unknown service "chekout" \(known: .*checkout/],
    ['service of the wrong type', (d) => ({ ...d, faults: [{ ...d.faults[0], service: 'postgres' }] }), 'faults[0].service', /cannot hit "postgres", a database/],
    ['bad duration', (d) => ({ ...d, faults: [{ ...d.faults[0], at: 'ten minutes' }] }), 'faults[0].at', /duration like "90s"/],
    ['fault after the end', (d) => ({ ...d, faults: [{ ...d.faults[0], at: '45m' }] }), 'faults[0].at', /not before the end of the scenario \(duration 30m\)/],
    ['bad start time', (d) => ({ ...d, start: 'yesterday' }), 'start', /datetime/i],
    ['missing seed', (d) => ({ ...d, seed: undefined }), 'seed', /number/],
    ['wrong remedy in the ground truth', (d) => ({ ...d, ground_truth: [{ ...d.ground_truth[0], remedy: 'restart' }] }), 'ground_truth[0].remedy', /implies "rollback"/],
    ['wrong root cause in the ground truth', (d) => ({ ...d, ground_truth: [{ ...d.ground_truth[0], root_cause_service: 'payments' }] }), 'ground_truth[0].root_cause_service', /implies "checkout"/],
    ['ground truth for an unknown fault', (d) => ({ ...d, ground_truth: [{ ...d.ground_truth[0], fault: 'f9' }] }), 'ground_truth[0].fault', /no fault with id "f9"/],
    ['fault without ground truth', (d) => ({ ...d, ground_truth: [] }), 'faults[0]', /no ground_truth entry/],
    ['unknown topology', (d) => ({ ...d, topology: 'bank' }), 'topology', /unknown topology "bank" \(known: shop\)/],
    ['index that does not exist', (d) => ({ ...d, faults: [{ id: 'f1', kind: 'slow_query', at: '5m', params: { table: 'orders', column: 'color' } }], ground_truth: [{ fault: 'f1', kind: 'slow_query', root_cause_service: 'postgres', change: null, remedy: 'add_index' }] }), 'faults[0].params', /no index "orders.color"/],
    ['pod that does not exist', (d) => ({ ...d, faults: [{ id: 'f1', kind: 'bad_node', service: 'search', instance: 'search-7', at: '5m' }], ground_truth: [{ fault: 'f1', kind: 'bad_node', root_cause_service: 'search', change: null, remedy: 'restart' }] }), 'faults[0].instance', /no pod "search-7"/],
    ['bad remedy in the timeline', (d) => ({ ...d, remedies: [{ at: '20m', remedy: { action: 'scale', service: 'checkout', replicas: 0 } }] }), 'remedies[0].remedy.replicas', /Too small/i],
    ['unknown red-herring service', (d) => ({ ...d, red_herrings: [{ kind: 'noisy_service', service: 'adz', at: '1m' }] }), 'red_herrings[0].service', /unknown service "adz"/],
  ];
  it.each(cases)('%s', (_name, mutate, path, message) => {
    const issues = issuesOf(mutate(valid()));
    const hit = issues.find((i) => i.path === path);
    expect(hit, `issues: ${JSON.stringify(issues)}`).toBeDefined();
    expect(hit!.message).toMatch(message);
  });

  it('puts the file and every field in the error message', () => {
    try {
      parseScenario({ ...valid(), seed: -1, faults: [{ ...valid().faults[0], service: 'nope' }] }, { topologies, source: 'scenarios/x.json' });
      throw new Error('no error');
    } catch (e) {
      expect((e as Error).message).toMatch(/^scenarios\/x\.json: /);
      expect((e as Error).message).toContain('seed:');
    }
  });

  it('rejects a topology with a cycle or an unknown edge end', () => {
    const shop = structuredClone(topologies.shop) as { edges: { from: string; to: string; share: number }[] };
    shop.edges.push({ from: 'postgres', to: 'frontend', share: 1 }, { from: 'cart', to: 'kafka', share: 1 });
    try {
      parseTopology(shop, 'shop.json');
      throw new Error('no error');
    } catch (e) {
      const issues = (e as SpecError).issues;
      expect(issues.find((i) => i.path === 'edges')?.message).toMatch(/cycle: .*postgres → frontend/);
      expect(issues.find((i) => i.path === `edges[${shop.edges.length - 1}].to`)?.message).toMatch(/unknown service "kafka"/);
    }
  });
});

describe('scenario library', () => {
  const { scenarios, errors } = loadLibrary();

  it('has at least 30 valid scenarios and no invalid file', () => {
    expect(errors).toEqual([]);
    expect(scenarios.length).toBeGreaterThanOrEqual(30);
  });

  it('covers every fault kind, calm scenarios and red herrings, over varied seeds, services and times', () => {
    const kinds = new Set(scenarios.flatMap((s) => s.faults.map((f) => f.kind)));
    expect([...FAULT_KINDS].filter((k) => !kinds.has(k))).toEqual([]);
    expect(scenarios.filter((s) => s.faults.length === 0 && s.red_herrings.length === 0).length).toBeGreaterThanOrEqual(3);
    const herrings = new Set(scenarios.flatMap((s) => s.red_herrings.map((h) => h.kind)));
    expect(herrings).toContain('innocent_deploy');
    expect(herrings).toContain('noisy_service');
    expect(new Set(scenarios.map((s) => s.seed)).size).toBe(scenarios.length);
    expect(new Set(scenarios.flatMap((s) => s.faults.map((f) => f.service ?? FAULTS[f.kind].defaultService))).size).toBeGreaterThanOrEqual(12);
    expect(new Set(scenarios.map((s) => new Date(s.startMs).getUTCHours())).size).toBeGreaterThanOrEqual(8);
    const week = scenarios.find((s) => s.id === 'calm-week')!;
    expect(week.durationMs).toBe(7 * 86_400_000);
  });
});

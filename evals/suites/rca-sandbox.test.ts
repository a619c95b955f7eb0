/** The sandbox RCA suite: window and labels of a generated case, and the scoring rules. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCaseFolder, runRca } from '../../app/commands/rca.js';
import { analyze } from '../../rca/analyze.js';
import { caseToInput, stripLabels } from '../../rca/cases.js';
import type { AnalysisResult, DraftHypothesis } from '../../rca/types.js';
import { exportScenario } from '../../sim/edge/export.js';
import type { GroundTruthDoc } from '../../sim/generate.js';
import { scenarioOf } from '../../sim/test-helpers.js';
import { FOLLOW_MIN, LEAD_IN_MIN, incidentStartOf, rcaSandboxSuite, sandboxCase, sandboxWindow, scoreCase, summarize, uncitedHypotheses, type SandboxCase } from './rca-sandbox.js';

const MIN = 60_000;
const exportDir = mkdtempSync(join(tmpdir(), 'warroom-rca-sandbox-'));
afterAll(() => rmSync(exportDir, { recursive: true, force: true }));

describe('rca-sandbox: generated cases', () => {
  it('starts the incident at the earliest fault, else in the middle of the scenario', () => {
    const two = scenarioOf({ id: 'two', duration: '60m', faults: [{ kind: 'memory_leak', at: '35m' }, { kind: 'flag_misconfig', at: '20m' }] });
    expect(incidentStartOf(two)).toBe(two.startMs + 20 * MIN);
    const calm = scenarioOf({ id: 'calm', duration: '90m', faults: [] });
    expect(incidentStartOf(calm)).toBe(calm.startMs + 45 * MIN);
  });

  it('cuts the window around the incident start, keeps labels out, and analyze finds the fault', () => {
    const sc = scenarioOf({ id: 'rca-sbx-test', duration: '50m', faults: [{ kind: 'bad_deploy_latency', service: 'catalog', at: '35m' }], baseline: { logs_per_min: 300 } });
    const c = sandboxCase(sc);
    const t = sc.startMs + 35 * MIN;
    expect(c.startMs).toBe(t);
    expect(c.input.incident.startedAt).toBe(t);
    expect(c.input.window).toEqual({ from: t, to: sc.startMs + 50 * MIN }); // T + 30 min is past the end: clipped
    expect(c.input.baseline).toEqual({ from: t - LEAD_IN_MIN * MIN, to: t });
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of c.input.metrics) for (const p of s.points) [lo, hi] = [Math.min(lo, p.ts as number), Math.max(hi, p.ts as number)];
    expect(lo).toBeGreaterThanOrEqual(t - LEAD_IN_MIN * MIN);
    expect(lo).toBeLessThan(t - 25 * MIN);
    expect(hi).toBeLessThanOrEqual(t + FOLLOW_MIN * MIN);
    // the deploy that caused it is among the changes; nothing in the input names the answer as such
    expect(c.input.changes?.some((s) => s.kind === 'deploy' && s.labels?.service === 'catalog')).toBe(true);
    expect(JSON.stringify(c.input)).not.toMatch(/root_cause|ground_truth|fault_type/);
    expect(c.truth.faults[0].root_cause_service).toBe('catalog');

    const r = analyze(c.input);
    const s = scoreCase(c, r);
    expect(s).toMatchObject({ ac1: true, ac3: true, uncited: 0, calm: false, calmConfident: false, herringBlamed: false, changeNamed: true });
  });

  it('analyses the case `warroom sim export` writes, cut to the window', async () => {
    // two faults, the second after the window: the export's labels must name the earliest one
    const sc = scenarioOf({ id: 'rca-sbx-export', duration: '80m', faults: [{ kind: 'bad_deploy_errors', service: 'payments', at: '25m' }, { kind: 'memory_leak', service: 'cart', at: '70m' }], baseline: { logs_per_min: 300 } });
    const c = sandboxCase(sc);
    await exportScenario(sc, exportDir);
    const folder = readCaseFolder(exportDir);
    const w = sandboxWindow(sc);
    const inside = (tsSeconds: number) => Math.round(tsSeconds * 1000) >= w.fromMs && Math.round(tsSeconds * 1000) < w.toMs;
    const cut = {
      caseJson: { ...folder.caseJson, window: { start_ts: w.fromMs / 1000, end_ts: w.toMs / 1000 } },
      metrics: folder.metrics.filter((r) => inside(r.ts)),
      logs: folder.logs!.filter((r) => inside(r.ts)),
      events: folder.events!.filter((e) => inside(Date.parse(e.ts as string) / 1000)),
      topology: folder.topology,
    };
    expect(c.input).toEqual(caseToInput(cut));
    // the same case summary but for the window and its counts
    const { window: _w, signals: _s, ...meta } = stripLabels(c.content.caseJson);
    const { window: _fw, signals: _fs, ...folderMeta } = folder.caseJson;
    expect(meta).toEqual(folderMeta);
    expect(c.content.caseJson).toMatchObject({ root_cause_service: 'payments', inject_ts: (sc.startMs + 25 * MIN) / 1000 });
  });
});

describe('rca-sandbox: requests that log with their trace id', () => {
  it('stopped steps point at the failing service, in memory and through the API alike (json, logfmt, Spring and Python trace fields survive ingest)', async () => {
    const sc = scenarioOf({
      id: 'rca-sbx-traced',
      duration: '50m',
      faults: [{ kind: 'bad_deploy_errors', service: 'checkout', at: '30m' }],
      baseline: { logs_per_min: 120, traces_per_min: 20, trace_logs: true },
    });
    const c = sandboxCase(sc, { instanceMetrics: 'off' });
    // lines of every format that carries trace context take part in requests
    const traced = new Set(c.content.logs.filter((l) => /trace_id/.test(l.message)).map((l) => l.service));
    expect([...traced].sort()).toEqual(expect.arrayContaining(['checkout', 'frontend', 'recommendations', 'search']));
    const stopped = c.input.logClusters!.find((l) => l.templateId === 'stopped-step:checkout')!;
    expect(stopped.countsDuring).toBeGreaterThan(stopped.countsBefore + 2);
    const r = analyze(c.input);
    expect(r.ranking[0].service).toBe('checkout');
    expect(r.ranking[0].parts.skippedSteps).toBeGreaterThan(0);

    // the same case as a folder, replayed through the public API by `warroom rca`
    const dir = join(exportDir, 'traced');
    mkdirSync(dir);
    const { caseJson, metrics, logs, events, spans, topology } = c.content;
    const jsonl = (xs: readonly unknown[]) => xs.map((x) => JSON.stringify(x)).join('\n') + '\n';
    writeFileSync(join(dir, 'case.json'), JSON.stringify(caseJson));
    writeFileSync(join(dir, 'metrics.csv'), `ts,service,metric,value\n${metrics.map((m) => `${m.ts},${m.service},${m.metric},${m.value}`).join('\n')}\n`);
    writeFileSync(join(dir, 'logs.jsonl'), jsonl(logs));
    writeFileSync(join(dir, 'events.jsonl'), jsonl(events));
    writeFileSync(join(dir, 'spans.jsonl'), jsonl(spans));
    writeFileSync(join(dir, 'topology.json'), JSON.stringify(topology));
    let out = '';
    expect(await runRca(dir, { out: (x) => (out += x), err: () => {} })).toBe(0);
    const report = JSON.parse(out) as { ranking: { service: string; score: number }[] };
    expect(report.ranking.map((x) => x.service)).toEqual(r.ranking.map((x) => x.service));
    // scores agree to the rounding of stored millisecond timestamps
    report.ranking.forEach((x, i) => expect(x.score).toBeCloseTo(r.ranking[i].score, 2));
  }, 60_000);
});

/** A minimal case and result for the scoring rules. */
function fake(
  faults: { service: string; start: string; changeId?: string }[],
  herrings: { service: string; changeId?: string }[],
  ranking: string[],
  hypotheses: Partial<DraftHypothesis>[],
  evidenceIds: string[] = ['e1', 'e2'],
): { c: SandboxCase; r: AnalysisResult } {
  const truth = {
    faults: faults.map((f, i) => ({ id: `f${i}`, kind: 'bad_deploy_errors', root_cause_service: f.service, start: f.start, change: f.changeId ? { id: f.changeId } : null })),
    red_herrings: herrings.map((h) => ({ kind: 'innocent_deploy', service: h.service, at: '', note: null, change: h.changeId ? { id: h.changeId } : null })),
  } as unknown as GroundTruthDoc;
  const c = { scenario: { id: 'x', tags: herrings.length ? ['red-herring'] : [] }, truth, input: {}, startMs: 0 } as unknown as SandboxCase;
  const r = {
    ranking: ranking.map((service, i) => ({ service, score: 1 - i / 10, parts: {} })),
    evidence: evidenceIds.map((id) => ({ id })),
    hypotheses: hypotheses.map((h, i) => ({ rank: i + 1, statement: '', confidence: 0.8, service: ranking[i], changeId: null, evidenceIds: ['e1'], counterEvidence: [], whyNot: [], ...h })),
    verdict: hypotheses.length ? 'confident' : 'no confident hypothesis',
  } as unknown as AnalysisResult;
  return { c, r };
}

describe('rca-sandbox: scoring', () => {
  it('AC@1 counts the earliest fault, AC@3 any fault', () => {
    const faults = [
      { service: 'cart', start: '2026-01-01T00:40:00Z' },
      { service: 'auth', start: '2026-01-01T00:10:00Z' },
    ];
    const first = fake(faults, [], ['auth', 'x', 'y'], []);
    expect(scoreCase(first.c, first.r)).toMatchObject({ ac1: true, ac3: true, rank: 1 });
    const second = fake(faults, [], ['cart', 'x', 'auth'], []);
    expect(scoreCase(second.c, second.r)).toMatchObject({ ac1: false, ac3: true, rank: 3 });
    const neither = fake(faults, [], ['x', 'y', 'z', 'cart'], []);
    expect(scoreCase(neither.c, neither.r)).toMatchObject({ ac1: false, ac3: false, rank: Infinity });
  });

  it('counts hypotheses without evidence or citing an unknown id', () => {
    const ok = fake([{ service: 'cart', start: '2026-01-01T00:00:00Z' }], [], ['cart', 'x'], [{ evidenceIds: ['e1'] }, { evidenceIds: ['e2', 'e1'] }]);
    expect(uncitedHypotheses(ok.r)).toBe(0);
    const bad = fake([{ service: 'cart', start: '2026-01-01T00:00:00Z' }], [], ['cart', 'x', 'y'], [{ evidenceIds: [] }, { evidenceIds: ['e9'] }, { evidenceIds: ['e1'] }]);
    expect(uncitedHypotheses(bad.r)).toBe(2);
  });

  it('checks that the top hypothesis names the change that caused the fault', () => {
    const named = fake([{ service: 'cart', start: '2026-01-01T00:00:00Z', changeId: 'd7' }], [], ['cart'], [{ changeId: 'd7' }]);
    expect(scoreCase(named.c, named.r).changeNamed).toBe(true);
    const unnamed = fake([{ service: 'cart', start: '2026-01-01T00:00:00Z', changeId: 'd7' }], [], ['cart'], [{ changeId: null }]);
    expect(scoreCase(unnamed.c, unnamed.r).changeNamed).toBe(false);
    const noChange = fake([{ service: 'cart', start: '2026-01-01T00:00:00Z' }], [], ['cart'], [{}]);
    expect(scoreCase(noChange.c, noChange.r).changeNamed).toBeNull();
    expect(summarize([scoreCase(named.c, named.r), scoreCase(unnamed.c, unnamed.r), scoreCase(noChange.c, noChange.r)])).toMatchObject({ change_caused: 2, change_named: 0.5 });
  });

  it('flags a confident verdict on a calm scenario and a herring at the top', () => {
    const calmOk = fake([], [], ['cart', 'auth'], []);
    expect(scoreCase(calmOk.c, calmOk.r)).toMatchObject({ calm: true, calmConfident: false, ac1: false });
    const calmBad = fake([], [], ['cart', 'auth'], [{}]);
    expect(scoreCase(calmBad.c, calmBad.r).calmConfident).toBe(true);

    const herringService = fake([{ service: 'payment-provider', start: '2026-01-01T00:00:00Z' }], [{ service: 'frontend', changeId: 'c1' }], ['frontend', 'payment-provider'], [{}]);
    expect(scoreCase(herringService.c, herringService.r).herringBlamed).toBe(true);
    const herringChange = fake([{ service: 'frontend', start: '2026-01-01T00:00:00Z' }], [{ service: 'frontend', changeId: 'c1' }], ['frontend'], [{ changeId: 'c1' }]);
    expect(scoreCase(herringChange.c, herringChange.r).herringBlamed).toBe(true); // right service, innocent change
    const notBlamed = fake([{ service: 'payment-provider', start: '2026-01-01T00:00:00Z' }], [{ service: 'frontend', changeId: 'c1' }], ['payment-provider', 'frontend'], [{}]);
    expect(scoreCase(notBlamed.c, notBlamed.r).herringBlamed).toBe(false);
  });

  it('summarizes over fault scenarios only and declares the issue thresholds', () => {
    const a = scoreCase(...(Object.values(fake([{ service: 'cart', start: '2026-01-01T00:00:00Z' }], [], ['cart'], [{}])) as [SandboxCase, AnalysisResult]));
    const b = scoreCase(...(Object.values(fake([{ service: 'cart', start: '2026-01-01T00:00:00Z' }], [], ['x', 'y', 'cart'], [])) as [SandboxCase, AnalysisResult]));
    const calm = scoreCase(...(Object.values(fake([], [], ['x'], [{}])) as [SandboxCase, AnalysisResult]));
    const m = summarize([a, b, calm]);
    expect(m).toMatchObject({ scenarios: 3, fault_scenarios: 2, ac1: 0.5, ac3: 1, calm_confident: 1, uncited: 0, change_caused: 0 });
    expect(rcaSandboxSuite.thresholds).toEqual([
      { metric: 'ac1', op: '>=', value: 0.9 },
      { metric: 'ac3', op: '>=', value: 0.98 },
      { metric: 'uncited', op: '==', value: 0 },
      { metric: 'calm_confident', op: '==', value: 0 },
      { metric: 'herrings_blamed', op: '==', value: 0 },
    ]);
  });
});

describe('rca: the combined suite', () => {
  it('prefixes metrics and thresholds with each suite name and tags rows', async () => {
    const { combineSuites, rcaSuite } = await import('./rca-sandbox.js');
    const one = { name: 'x-one', description: '', tier: 'quick' as const, thresholds: [{ metric: 'ac1', op: '>=' as const, value: 0.5 }], run: async () => ({ metrics: { ac1: 0.7 }, rows: [{ case: 'a' }], notes: ['n'] }) };
    const two = { name: 'two', description: '', tier: 'full' as const, thresholds: [{ metric: 'uncited', op: '==' as const, value: 0 }], run: async () => ({ metrics: { uncited: 1 }, rows: [{ case: 'b' }] }) };
    const both = combineSuites('both', 'd', [one, two]);
    expect(both.tier).toBe('full');
    expect(both.thresholds.map((t) => t.metric)).toEqual(['x_one_ac1', 'two_uncited']);
    const r = await both.run({});
    expect(r.metrics).toEqual({ x_one_ac1: 0.7, two_uncited: 1 });
    expect(r.rows).toEqual([{ suite: 'x-one', case: 'a' }, { suite: 'two', case: 'b' }]);
    expect(r.notes).toEqual(['x-one: n']);
    expect(rcaSuite.name).toBe('rca');
    expect(rcaSuite.thresholds.map((t) => t.metric)).toContain('rca_sandbox_ac1');
    expect(rcaSuite.thresholds.map((t) => t.metric)).toContain('rca_public_nezha_ob_ac1');
  });
});

/**
 * Stored analyses and the incident timeline through the use cases, on PGlite, with a real incident
 * flow: open → analyze (the real analysis over a small stored outage) → plan → approve → execute
 * with the dry-run runner → mitigate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import type { OrgStore } from '../core/ports/index.js';
import type { Scope } from '../core/schemas.js';
import { DEFAULT_SECRET_MASKS } from '../detectors/secrets.js';
import { dryRunRunner } from '../remediate/runners/dryrun.js';
import { openPgliteStore, type OpenedStore } from '../store/index.js';
import { OUTAGE_START, seedOutage } from '../test-support/outage.js';
import { memoryAnalysisCache } from './analysis-cache.js';
import { getAnalysis, getAnalysisById } from './analyses.js';
import { AnalyzeInput, type IncidentAnalysis, analyzeIncident } from './analyze.js';
import { decideFix, executeFix, planFix } from './fix.js';
import { changeIncidentStatus, openIncident } from './incidents.js';
import type { Principal } from './principal.js';
import { directSession, type UseCaseDeps } from './session.js';
import { TIMELINE_KINDS, incidentFixPlans, incidentTimeline } from './timeline.js';

let opened: OpenedStore;
let org: OrgStore;
let n = 0;
const clock = new ManualClock(Date.parse('2026-02-02T10:45:00Z'));
const deps: UseCaseDeps = {
  clock,
  newId: () => `id_${String(++n).padStart(4, '0')}`,
  masks: DEFAULT_SECRET_MASKS,
  runners: { dryrun: dryRunRunner },
  analysisCache: memoryAnalysisCache(),
};
const as = (userId: string, scopes: Scope[], orgId = 'o1') => {
  const p: Principal = { orgId, userId, scopes, via: 'chat', ref: `slack:U${userId}` };
  return directSession(p, opened.store.forOrg(orgId), deps, () => undefined);
};
const alice = () => as('alice', ['read', 'plan', 'approve']);
const bob = () => as('bob', ['read', 'approve']);
const reader = () => as('rita', ['read']);

let incidentId: string;
let quietId: string;
let analysed: IncidentAnalysis;
let planId: string;

beforeAll(async () => {
  opened = await openPgliteStore();
  await opened.store.createOrg({ id: 'o1', name: 'One' });
  await opened.store.createOrg({ id: 'o2', name: 'Two' });
  org = opened.store.forOrg('o1');
  await seedOutage(org);
  incidentId = (await openIncident(alice(), { title: 'Checkout is slow', service: 'frontend', severity: 'sev2', started_at: OUTAGE_START })).id;
  quietId = (await openIncident(alice(), { title: 'Nobody looked', service: 'catalog', severity: 'sev4', started_at: OUTAGE_START })).id;
  const at = (min: number) => new Date(Date.parse(OUTAGE_START) + min * 60_000).toISOString();
  await org.insertAnomalies([
    { id: 'an_cart_1', service: 'cart', series: 'latency_p95_ms', ts: at(1), value: 900, baseline: 40, score: 0.97, direction: 'up', detector: 'esd', signalId: null },
    { id: 'an_front_1', service: 'frontend', series: 'latency_p95_ms', ts: at(2), value: 1200, baseline: 120, score: 0.9, direction: 'up', detector: 'esd', signalId: null },
    { id: 'an_billing_1', service: 'billing', series: 'cpu', ts: at(3), value: 0.9, baseline: 0.2, score: 0.8, direction: 'up', detector: 'esd', signalId: null }, // a service the incident never touched
    { id: 'an_cart_old', service: 'cart', series: 'latency_p95_ms', ts: at(-180), value: 300, baseline: 40, score: 0.7, direction: 'up', detector: 'esd', signalId: null }, // long before the window
  ]);
  clock.advance(60_000);
  analysed = await analyzeIncident(alice(), incidentId, AnalyzeInput.parse({ window: '20m', anomalies: false }));
  clock.advance(60_000);
  planId = (await planFix(alice(), { incidentId, env: 'staging', runner: 'dryrun', namespace: 'shop' })).id;
  clock.advance(60_000);
  await decideFix(bob(), { planId, decision: 'approve', reason: 'looks right' });
  clock.advance(60_000);
  await executeFix(bob(), { planId });
  clock.advance(60_000);
  await changeIncidentStatus(alice(), incidentId, { status: 'mitigated', note: 'cart rolled back' });
}, 120_000);
afterAll(async () => {
  await opened.store.close();
  await opened.admin.close();
});

describe('stored analyses', () => {
  it('keeps the whole result: the latest analysis reads back with the same verdict, ranking, correlations, blast radius and rows', async () => {
    expect(analysed.result.verdict).toBe('confident');
    expect(analysed.result.ranking[0].service).toBe('cart');
    expect(analysed.analysisId).toMatch(/^an_[0-9a-f]{26}$/);
    const back = await getAnalysis(reader(), incidentId);
    expect(back.analysisId).toBe(analysed.analysisId);
    expect(back.result).toEqual(JSON.parse(JSON.stringify(analysed.result)));
    expect(back.counts).toEqual(analysed.counts);
    expect(back.window).toEqual(analysed.window);
    expect(back.hypotheses.map((h) => h.id)).toEqual(analysed.hypotheses.map((h) => h.id));
    expect(back.evidence.map((e) => e.id)).toEqual(analysed.evidence.map((e) => e.id));
    expect((await getAnalysisById(reader(), analysed.analysisId)).analysisId).toBe(analysed.analysisId);
  });

  it('stores a re-run on the same data once (the cache cleared: computed afresh), and never changes the incident status', async () => {
    const count = async () => Number((await opened.admin.exec('SELECT count(*) AS n FROM analyses WHERE org_id = $1', ['o1'])).rows[0].n);
    const before = await count();
    deps.analysisCache.clear();
    clock.advance(1000);
    const again = await analyzeIncident(alice(), incidentId, AnalyzeInput.parse({ window: '20m', anomalies: false }));
    expect(again.analysisId).toBe(analysed.analysisId);
    expect(await count()).toBe(before);
    expect((await getAnalysis(reader(), incidentId)).storedAt).toBe(clock.now().toISOString());
    expect((await org.getIncident(incidentId))?.status).toBe('mitigated');
  });

  it('answers not_found, with the way to analyse, for an incident never analysed; refuses another org and a principal without read', async () => {
    await expect(getAnalysis(reader(), quietId)).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining(`POST /v1/incidents/${quietId}/analyze`) });
    await expect(getAnalysis(as('eve', ['read'], 'o2'), incidentId)).rejects.toMatchObject({ code: 'not_found' });
    await expect(getAnalysisById(as('eve', ['read'], 'o2'), analysed.analysisId)).rejects.toMatchObject({ code: 'not_found' });
    await expect(getAnalysis(as('ci', ['ingest']), incidentId)).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('incident timeline', () => {
  it('merges the opening, anomalies, changes, evidence, hypotheses, analysis, plan, approval, commands and status change in time order', async () => {
    const t = await incidentTimeline(reader(), incidentId, { limit: 1000 });
    expect(t.omitted).toBe(0);
    expect(t.window).toEqual({ from: new Date(Date.parse(OUTAGE_START) - 3600_000).toISOString(), to: clock.now().toISOString() });
    const sorted = [...t.events].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    expect(t.events.map((e) => e.at)).toEqual(sorted.map((e) => e.at));
    expect(new Set(t.events.map((e) => e.kind))).toEqual(new Set(TIMELINE_KINDS));
    const ofKind = (k: string) => t.events.filter((e) => e.kind === k);
    expect(ofKind('opened')).toEqual([expect.objectContaining({ id: incidentId, service: 'frontend', summary: 'opened by user:alice: Checkout is slow (frontend, sev2)' })]);
    // anomalies of the incident's service and of the services the analysis named, in the window only
    expect(ofKind('anomaly').map((e) => e.id).sort()).toEqual(['an_cart_1', 'an_front_1']);
    expect(ofKind('change')).toEqual([expect.objectContaining({ id: 'chg-cart-1', service: 'cart', summary: 'deploy cart: Deployed cart 1.2.0' })]);
    expect(ofKind('evidence').map((e) => e.id)).toEqual(expect.arrayContaining(analysed.evidence.map((e) => e.id)));
    expect(ofKind('hypothesis').map((e) => e.id)).toEqual(analysed.hypotheses.map((h) => h.id));
    // each run is an event (the re-run above found the same result: the same stored analysis)
    expect(ofKind('analysis').map((e) => e.id)).toEqual([analysed.analysisId, analysed.analysisId]);
    expect(ofKind('analysis')[0].summary).toBe('analysed by user:alice: confident, top suspect cart (' + analysed.evidence.length + ' evidence rows)');
    expect(ofKind('plan')).toEqual([expect.objectContaining({ id: planId, summary: expect.stringMatching(/drafted by alice \(staging, dryrun, risk \w+, \d+ steps\); now dry_run$/) })]);
    expect(ofKind('approval')).toEqual([expect.objectContaining({ summary: `approved by bob: looks right (plan ${planId})` })]);
    expect(ofKind('command').length).toBeGreaterThan(0);
    expect(ofKind('command').every((e) => / simulated \(exit 0, dryrun\): /.test(e.summary))).toBe(true);
    expect(ofKind('status').map((e) => e.summary)).toContain('open → mitigated by user:alice: cart rolled back');
  });

  it('places evidence at when what it saw happened (a metric onset, a change), with when the analysis recorded it', async () => {
    const t = await incidentTimeline(reader(), incidentId, { limit: 1000 });
    const stored = new Map((await org.listEvidence(incidentId)).map((e) => [e.id, e]));
    const evidence = t.events.filter((e) => e.kind === 'evidence');
    const timed = evidence.filter((e) => ['metric_delta', 'change'].includes(stored.get(e.id)?.kind ?? ''));
    expect(timed.length).toBeGreaterThan(0);
    for (const e of timed) {
      const row = stored.get(e.id)!;
      const observed = new Date(Date.parse(String(row.data.onset ?? row.data.ts))).toISOString();
      expect(e).toMatchObject({ at: observed, recordedAt: row.createdAt });
    }
    // recorded after the outage (the store stamps rows with its own clock): what it saw comes before the fix's commands
    const firstCommand = t.events.find((e) => e.kind === 'command')!;
    expect(timed.every((e) => e.at < firstCommand.at && e.recordedAt! >= e.at)).toBe(true);
    // rows about a period keep their recording time and carry no second one
    for (const e of evidence.filter((x) => !timed.includes(x))) {
      expect(e.at).toBe(stored.get(e.id)!.createdAt);
      expect(e).not.toHaveProperty('recordedAt');
    }
  });

  it('keeps what people did first when the limit cuts: anomalies go before decisions do', async () => {
    const all = await incidentTimeline(reader(), incidentId, { limit: 1000 });
    const people = all.events.filter((e) => ['opened', 'status', 'plan', 'approval', 'command', 'analysis', 'hypothesis'].includes(e.kind));
    const t = await incidentTimeline(reader(), incidentId, { limit: people.length });
    expect(t.events.map((e) => e.id)).toEqual(people.map((e) => e.id));
    expect(t.omitted).toBe(all.events.length - people.length);
    expect((await incidentTimeline(reader(), incidentId, { limit: 1 })).events.map((e) => e.kind)).toEqual(['opened']);
  });

  it('lists the fix plans with their approvals and commands; another org and a principal without read see nothing', async () => {
    const r = await incidentFixPlans(reader(), incidentId);
    expect(r.plans.map((p) => [p.plan.id, p.plan.status, p.approvals.map((a) => a.approver)])).toEqual([[planId, 'dry_run', ['bob']]]);
    // drafted from the catalog (roll back cart's deploy): stored with the minutes the catalog gives it to show its effect
    expect(r.plans[0].plan).toMatchObject({ steps: [expect.objectContaining({ action: 'rollback', target: 'cart' })], expectWithinMinutes: 10 });
    expect(r.plans[0].commands.map((c) => c.status)).toEqual(r.plans[0].plan.steps.map(() => 'simulated'));
    expect((await incidentFixPlans(reader(), quietId)).plans).toEqual([]);
    await expect(incidentTimeline(as('eve', ['read'], 'o2'), incidentId)).rejects.toMatchObject({ code: 'not_found' });
    await expect(incidentFixPlans(as('eve', ['read'], 'o2'), incidentId)).rejects.toMatchObject({ code: 'not_found' });
    await expect(incidentTimeline(as('ci', ['ingest']), incidentId)).rejects.toMatchObject({ code: 'forbidden' });
  });
});

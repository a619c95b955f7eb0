/** The drafted fix targets the confident top suspect of the latest analysis, not the service the incident was opened on. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Seeded, seed } from '../test-support/tool-fixtures.js';
import { openIncident } from './incidents.js';
import { draftFixPlan } from './fix-draft.js';

let s: Seeded;
beforeAll(async () => {
  s = await seed();
});
afterAll(async () => s.close());

describe('draftFixPlan', () => {
  it("undoes the top suspect's deploy when the latest analysis is confident, else acts on the incident's service", async () => {
    const started = '2026-03-01T09:30:00.000Z';
    const inc = await openIncident(s.session(['read', 'plan']), { title: 'shop errors', service: 'edge-gateway', severity: 'sev2', started_at: started });
    const stored = await s.org.insertSignals([
      { id: 'sig-deploy-payments', orgId: 'o1', source: 'ci', kind: 'deploy', ts: '2026-03-01T09:20:00.000Z', key: 'payments', value: null, text: null, labels: { service: 'payments', version: '1.43.0' }, meta: {} },
    ]);
    expect(stored.inserted).toBe(1);
    // no analysis yet: the incident's own service, which had no deploy
    expect((await draftFixPlan(s.session(), { incidentId: inc.id })).draft.title).toBe('Restart edge-gateway');
    await s.org.saveAnalysis({ id: 'an-1', incidentId: inc.id, window: { from: '2026-03-01T08:30:00.000Z', to: '2026-03-01T10:00:00.000Z' }, verdict: 'confident', result: { ranking: [{ service: 'payments' }, { service: 'edge-gateway' }] }, counts: {}, createdAt: '2026-03-01T10:00:00.000Z' });
    const d = await draftFixPlan(s.session(), { incidentId: inc.id });
    expect(d.draft.title).toBe('Roll back payments (deploy 1.43.0 preceded the incident)');
    expect(d.undoes?.id).toBe('sig-deploy-payments');
    expect(d.searched.service).toBe('payments');
    // a later analysis with no confident verdict: back to the incident's service
    await s.org.saveAnalysis({ id: 'an-2', incidentId: inc.id, window: { from: '2026-03-01T08:30:00.000Z', to: '2026-03-01T10:01:00.000Z' }, verdict: 'no confident hypothesis', result: { ranking: [{ service: 'payments' }] }, counts: {}, createdAt: '2026-03-01T10:05:00.000Z' });
    expect((await draftFixPlan(s.session(), { incidentId: inc.id })).draft.title).toBe('Restart edge-gateway');
  });

  it('counts a deploy at the very instant the incident started (detectors date an incident at the onset)', async () => {
    const started = '2026-03-01T09:40:00.000Z';
    const inc = await openIncident(s.session(['read', 'plan']), { title: 'cart errors', service: 'cart', severity: 'sev2', started_at: started });
    await s.org.insertSignals([{ id: 'sig-deploy-cart', orgId: 'o1', source: 'ci', kind: 'deploy', ts: started, key: 'cart', value: null, text: null, labels: { service: 'cart', version: '3.1.0' }, meta: {} }]);
    const d = await draftFixPlan(s.session(), { incidentId: inc.id });
    expect(d.draft.title).toBe('Roll back cart (deploy 3.1.0 preceded the incident)');
    expect(d.undoes?.id).toBe('sig-deploy-cart');
  });
});

describe('draftFixPlan from the fix catalog (a confident, complete analysis)', () => {
  /** A stored analysis result naming `service` with `change` blamed, in the shape rca/analyze.ts stores. */
  const result = (service: string, changeId: string | null, extra: Record<string, unknown> = {}) => ({
    hypotheses: [{ rank: 1, statement: `${service} is the cause`, confidence: 0.8, service, changeId, evidenceIds: ['ev-1'], counterEvidence: [], whyNot: [] }],
    correlations: changeId ? [{ changeId, service, kind: 'config', key: 'timeout_ms.payments', ts: 0, leadMinutes: 2, leadFrom: 'onset', factors: {}, likelihood: 0.9 }] : [],
    services: [],
    logClusters: [],
    metricDeltas: [],
    ranking: [{ service }],
    ...extra,
  });

  it('reverts the blamed config key to the value its change event recorded, with the undo and the why', async () => {
    const inc = await openIncident(s.session(['read', 'plan']), { title: 'checkout timeouts', service: 'checkout', severity: 'sev2', started_at: '2026-03-02T09:30:00.000Z' });
    await s.org.insertSignals([
      { id: 'sig-cfg', orgId: 'o1', source: 'gitops', kind: 'event', ts: '2026-03-02T09:28:00.000Z', key: 'config_change', value: null, text: null, labels: { service: 'checkout' }, meta: { change_id: 'chg-cfg-1', key: 'timeout_ms.payments', from: 6000, to: 300 } },
    ]);
    await s.org.saveAnalysis({ id: 'an-cfg', incidentId: inc.id, window: { from: '2026-03-02T09:00:00.000Z', to: '2026-03-02T10:00:00.000Z' }, verdict: 'confident', result: result('checkout', 'chg-cfg-1'), counts: {}, createdAt: '2026-03-02T10:00:00.000Z' });
    const d = await draftFixPlan(s.session(), { incidentId: inc.id, namespace: 'shop' });
    expect(d.draft.title).toBe('Revert timeout_ms.payments on checkout to 6000');
    expect(d.draft.steps[0]).toMatchObject({ action: 'config_revert', target: 'checkout', params: { key: 'timeout_ms.payments' } });
    expect(d.draft.rollback?.[0].command).toContain('"timeout_ms.payments":"300"');
    expect(d.choice?.why).toMatch(/blames the config change timeout_ms\.payments \(6000 → 300\)/);
  });

  it('takes its numbers from the live state reader: no reader, no scale-out (a restart, and why)', async () => {
    const inc = await openIncident(s.session(['read', 'plan']), { title: 'search overloaded', service: 'search', severity: 'sev2', started_at: '2026-03-03T09:30:00.000Z' });
    const logs = [{ service: 'search', score: 0.8, novelTemplates: 1, errorRateBefore: 0, errorRateDuring: 0.3, top: [{ templateId: 't1', template: 'rejecting request: server overloaded (inflight=<:NUM:> limit=200)', exemplar: null, before: 0, during: 400, novel: true, level: 'warn' }], references: [], skipped: 0, slowCalls: 0 }];
    await s.org.saveAnalysis({ id: 'an-surge', incidentId: inc.id, window: { from: '2026-03-03T09:00:00.000Z', to: '2026-03-03T10:00:00.000Z' }, verdict: 'confident', result: result('search', null, { logClusters: logs }), counts: {}, createdAt: '2026-03-03T10:00:00.000Z' });
    const blind = await draftFixPlan(s.session(), { incidentId: inc.id });
    expect(blind.draft.title).toBe('Restart search');
    expect(blind.choice?.why).toMatch(/cannot be built without the current replica count/);
    const seeing = { ...s.session(), deps: { ...s.session().deps, liveState: async (_org: string, svc: string) => (svc === 'search' ? { replicas: 4, memoryMb: 1024, diskGb: 20, version: '5.0.0', flags: {}, config: {}, callers: [], external: false } : null) } };
    const d = await draftFixPlan(seeing, { incidentId: inc.id });
    expect(d.draft.steps).toEqual([{ action: 'scale', target: 'search', params: { namespace: 'default', replicas: 8, from_replicas: 4 }, command: 'kubectl scale deployment/search --replicas=8 -n default' }]);
  });
});

describe('draftFixPlan when the analysis is not confident', () => {
  it("follows the top-ranked suspect only when its own signals name a specific fix; a bare restart stays the thin planner's", async () => {
    const inc = await openIncident(s.session(['read', 'plan']), { title: 'orders errors', service: 'orders', severity: 'sev3', started_at: '2026-03-04T09:30:00.000Z' });
    const logs = [{ service: 'message-queue', score: 1, novelTemplates: 1, errorRateBefore: 0, errorRateDuring: 0.4, top: [{ templateId: 't1', template: '[error] write failed: No space left on device (path=/var/lib/mq)', exemplar: null, before: 0, during: 300, novel: true, level: 'error' }], references: [], skipped: 0, slowCalls: 0 }];
    const result = { hypotheses: [], correlations: [], services: [], metricDeltas: [], logClusters: logs, ranking: [{ service: 'message-queue' }, { service: 'orders' }] };
    await s.org.saveAnalysis({ id: 'an-unsure', incidentId: inc.id, window: { from: '2026-03-04T09:00:00.000Z', to: '2026-03-04T10:00:00.000Z' }, verdict: 'no confident hypothesis', result, counts: {}, createdAt: '2026-03-04T10:00:00.000Z' });
    const live = async () => ({ replicas: 3, memoryMb: 1024, diskGb: 100, version: '3.12', flags: {}, config: {}, callers: [], external: false });
    const session = { ...s.session(), deps: { ...s.session().deps, liveState: live } };
    const d = await draftFixPlan(session, { incidentId: inc.id, namespace: 'shop' });
    expect(d.draft.steps[0]).toMatchObject({ action: 'expand_disk', target: 'message-queue', params: { disk_gb: 200 } });
    expect(d.draft.why).toMatch(/^The analysis is not confident; this follows its top-ranked suspect message-queue/);
    // nothing specific to do without the volume's size, and the analysis points away from orders:
    // no restart of orders on a guess — it says there is no confident fix, and where to look
    await expect(draftFixPlan(s.session(), { incidentId: inc.id })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/^No confident fix: .*ranks message-queue above orders/) });
    // a deploy of the incident's own service is still undone (the thin planner's rollback)
    await s.org.insertSignals([{ id: 'sig-deploy-orders', orgId: 'o1', source: 'ci', kind: 'deploy', ts: '2026-03-04T09:25:00.000Z', key: 'orders', value: null, text: null, labels: { service: 'orders', version: '7.1.0' }, meta: {} }]);
    expect((await draftFixPlan(s.session(), { incidentId: inc.id })).draft.title).toBe('Roll back orders (deploy 7.1.0 preceded the incident)');
  });

  it('restarts the incident\'s own service when the unsure analysis ranks that service first (the evidence points at it)', async () => {
    const inc = await openIncident(s.session(['read', 'plan']), { title: 'cart errors', service: 'cart', severity: 'sev3', started_at: '2026-03-04T11:30:00.000Z' });
    const result = { hypotheses: [], correlations: [], services: [], metricDeltas: [], logClusters: [], ranking: [{ service: 'cart' }, { service: 'orders' }] };
    await s.org.saveAnalysis({ id: 'an-unsure-cart', incidentId: inc.id, window: { from: '2026-03-04T11:00:00.000Z', to: '2026-03-04T12:00:00.000Z' }, verdict: 'no confident hypothesis', result, counts: {}, createdAt: '2026-03-04T12:00:00.000Z' });
    expect((await draftFixPlan(s.session(), { incidentId: inc.id })).draft.title).toBe('Restart cart');
  });
});

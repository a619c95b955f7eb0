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

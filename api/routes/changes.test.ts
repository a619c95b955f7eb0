/** GET /v1/changes over HTTP on the embedded store: what changed, in a range, by service. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test-support/analyze-harness.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi('pglite');
  const at = (m: number) => `2026-03-01T10:${String(m).padStart(2, '0')}:00Z`;
  const r = await api.client().post('/v1/signals/ingest', [
    { source: 'ci', kind: 'deploy', ts: at(1), key: 'checkout', text: 'deploy checkout 2.14.0', labels: { service: 'checkout', version: '2.14.0' }, meta: { change_id: 'chg-1' } },
    { source: 'flags', kind: 'flag', ts: at(2), key: 'new-pricing', labels: { service: 'cart', flag: 'new-pricing' } },
    { source: 'k8s', kind: 'event', ts: at(3), key: 'BackOff', text: 'Back-off restarting failed container', labels: { service: 'checkout' } },
    { source: 'otel', kind: 'event', ts: at(4), key: 'config_change', labels: { service: 'checkout' }, meta: { span_id: 'ab12' } },
    { source: 'prom', kind: 'metric', ts: at(5), key: 'http_error_rate', value: 0.2, labels: { service: 'checkout' } },
  ]);
  expect(r.status).toBe(202);
});
afterAll(() => api?.stop());

describe('GET /v1/changes', () => {
  it('lists deploys and flags of the range, oldest first, with the change id and what changed; no warnings, spans or metrics', async () => {
    const r = await api.client().get('/v1/changes?from=2026-03-01T10:00:00Z&to=2026-03-01T11:00:00Z');
    expect(r.status).toBe(200);
    expect(r.body.changes.map((c: { kind: string; key: string; change_id: string }) => [c.kind, c.key, c.change_id])).toEqual([
      ['deploy', 'checkout@2.14.0', 'chg-1'],
      ['flag', 'new-pricing', expect.any(String)],
    ]);
  });

  it('narrows to a service, and names a bad parameter', async () => {
    const r = await api.client().get('/v1/changes?from=2026-03-01T10:00:00Z&to=2026-03-01T11:00:00Z&service=cart');
    expect(r.body.changes.map((c: { key: string }) => c.key)).toEqual(['new-pricing']);
    const bad = await api.client().get('/v1/changes?from=yesterday');
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body.errors)).toContain('from');
  });

  it('is in the OpenAPI document', async () => {
    const doc = await api.client().get('/v1/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/changes', '/v1/changes/{id}']));
  });
});

describe('GET /v1/changes/{id}', () => {
  const listed = async () => (await api.client().get('/v1/changes?from=2026-03-01T10:00:00Z&to=2026-03-01T11:00:00Z')).body.changes as { id: string; key: string }[];

  it('reads one change by its stored id, as the list shows it', async () => {
    const [deploy] = await listed();
    const r = await api.client().get(`/v1/changes/${encodeURIComponent(deploy.id)}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(deploy);
  });

  it('answers 404 (problem+json) for an unknown id, a signal that is not a change, and another org\'s change', async () => {
    const all = await api.org.listSignals({ from: '2026-03-01T10:00:00Z', to: '2026-03-01T11:00:00Z' });
    const warning = all.find((x) => x.key === 'BackOff')!;
    const metric = all.find((x) => x.kind === 'metric')!;
    await api.opened.store.createOrg({ id: 'other', name: 'Other' });
    const foreign = { id: 'sig_other_deploy', orgId: 'other', source: 'ci', kind: 'deploy' as const, ts: '2026-03-01T10:01:00.000Z', key: 'checkout', value: null, text: null, labels: { service: 'checkout' }, meta: {} };
    expect((await api.opened.store.forOrg('other').insertSignals([foreign])).inserted).toBe(1);
    for (const id of ['sig_no_such', warning.id, metric.id, foreign.id]) {
      const r = await api.client().get(`/v1/changes/${encodeURIComponent(id)}`);
      expect(r.status, id).toBe(404);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(r.body.detail).toBe(`No change ${id}.`);
    }
  });
});

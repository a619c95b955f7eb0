/** GET /v1/metrics/series, /v1/anomalies(/:id) and /v1/log-templates(/:id) over HTTP on the embedded store. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test-support/analyze-harness.js';

let api: TestApi;
const at = (s: number) => new Date(Date.UTC(2026, 2, 1, 10) + s * 1000).toISOString();
beforeAll(async () => {
  api = await startTestApi('pglite');
  const points = Array.from({ length: 12 }, (_, i) => ({ source: 'prom', kind: 'metric', ts: at(i * 10), key: 'latency_p95_ms', value: 100 + i, labels: { service: 'checkout' } }));
  const r = await api.client().post('/v1/signals/ingest', [
    ...points,
    { source: 'prom', kind: 'metric', ts: at(5), key: 'restarts_total', value: 1, labels: { service: 'checkout', instance: 'checkout-1' } },
  ]);
  expect(r.status).toBe(202);
  const a = { service: 'checkout', series: 'latency_p95_ms', value: 900, baseline: 300, direction: 'up' as const, detector: 'slo-guard', signalId: null };
  await api.org.insertAnomalies([
    { ...a, id: 'an_old', ts: at(10), score: 0.5 },
    { ...a, id: 'an_new', ts: at(60), score: 0.95 },
    { ...a, id: 'an_other', ts: at(30), score: 0.7, service: 'search' },
  ]);
  await api.org.upsertLogTemplates([
    { id: 'lt_a', service: 'checkout', template: 'payment declined for order <:NUM:>', count: 7, firstSeen: at(0), lastSeen: at(50), levels: { error: 7 }, exemplars: ['payment declined for order <:NUM:> token=ghp_abcdefghijklmnopqrstuvwxyz0123456789'], novel: true },
    { id: 'lt_b', service: 'checkout', template: 'GET /cart <:NUM:>', count: 70, firstSeen: at(0), lastSeen: at(40), levels: { info: 70 }, exemplars: [], novel: false },
  ]);
});
afterAll(() => api?.stop());

describe('GET /v1/metrics/series', () => {
  it('returns the series downsampled to max_points with its step', async () => {
    const r = await api.client().get(`/v1/metrics/series?service=checkout&metric=latency_p95_ms&from=${at(0)}&to=${at(120)}&max_points=4`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ service: 'checkout', metric: 'latency_p95_ms', instance: null, step_seconds: 30 });
    expect(r.body.points).toEqual([
      { t: at(0), min: 100, avg: 101, max: 102, n: 3 },
      { t: at(30), min: 103, avg: 104, max: 105, n: 3 },
      { t: at(60), min: 106, avg: 107, max: 108, n: 3 },
      { t: at(90), min: 109, avg: 110, max: 111, n: 3 },
    ]);
  });

  it('answers an unknown metric with a 404 naming the metrics the service has; a per-instance metric needs its instance', async () => {
    const r = await api.client().get(`/v1/metrics/series?service=checkout&metric=nope&from=${at(0)}&to=${at(120)}`);
    expect(r.status).toBe(404);
    expect(r.body.detail).toContain('latency_p95_ms');
    expect(r.body.metrics).toEqual(['latency_p95_ms', 'restarts_total']);
    const pod = await api.client().get(`/v1/metrics/series?service=checkout&metric=restarts_total&from=${at(0)}&to=${at(120)}`);
    expect(pod.status).toBe(404);
    expect(pod.body.instances).toEqual(['checkout-1']);
    const ok = await api.client().get(`/v1/metrics/series?service=checkout&metric=restarts_total&instance=checkout-1&from=${at(0)}&to=${at(120)}`);
    expect(ok.body.points).toHaveLength(1);
    expect((await api.client().get('/v1/metrics/series?service=checkout')).status).toBe(422);
  });
});

describe('GET /v1/anomalies', () => {
  it('lists newest first, by service and range, bounded by limit; one by id; 404 for an unknown id', async () => {
    const r = await api.client().get('/v1/anomalies?service=checkout');
    expect(r.status).toBe(200);
    expect(r.body.anomalies.map((a: { id: string }) => a.id)).toEqual(['an_new', 'an_old']);
    expect(r.body.anomalies[0]).toMatchObject({ signal_id: null, severity: expect.stringMatching(/^sev[1-4]$/), summary: expect.stringContaining('checkout') });
    expect((await api.client().get('/v1/anomalies?limit=1')).body.anomalies.map((a: { id: string }) => a.id)).toEqual(['an_new']);
    expect((await api.client().get(`/v1/anomalies?from=${at(20)}&to=${at(50)}`)).body.anomalies.map((a: { id: string }) => a.id)).toEqual(['an_other']);
    const one = await api.client().get('/v1/anomalies/an_old');
    expect(one.body).toMatchObject({ id: 'an_old', service: 'checkout', ts: at(10) });
    expect((await api.client().get('/v1/anomalies/an_missing')).status).toBe(404);
  });
});

describe('GET /v1/log-templates', () => {
  it('searches by text and service, most recently seen first, masks secrets in exemplars; one by id; 404 for an unknown id', async () => {
    const all = await api.client().get('/v1/log-templates?service=checkout');
    expect(all.body.templates.map((t: { id: string }) => t.id)).toEqual(['lt_a', 'lt_b']);
    const r = await api.client().get('/v1/log-templates?q=DECLINED');
    expect(r.body.templates).toHaveLength(1);
    expect(r.body.templates[0]).toMatchObject({ id: 'lt_a', count: 7, first_seen: at(0), last_seen: at(50), levels: { error: 7 }, novel: true });
    expect(JSON.stringify(r.body)).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    expect((await api.client().get('/v1/log-templates/lt_b')).body).toMatchObject({ id: 'lt_b', template: 'GET /cart <:NUM:>' });
    expect((await api.client().get('/v1/log-templates/lt_missing')).status).toBe(404);
  });
});

it('lists the routes in the OpenAPI document', async () => {
  const doc = await api.client().get('/v1/openapi.json');
  const paths = Object.keys(doc.body.paths);
  for (const p of ['/v1/metrics/series', '/v1/anomalies', '/v1/anomalies/{id}', '/v1/log-templates', '/v1/log-templates/{id}']) expect(paths).toContain(p);
});

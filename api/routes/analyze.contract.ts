/**
 * POST /v1/incidents/{id}/analyze over HTTP, as one suite run on each engine (analyze.test.ts on
 * PGlite, analyze.int.test.ts on Postgres): a small synthetic outage ingested through the public
 * API, then analysis, determinism, stored evidence and hypotheses, abstention and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, httpClient, startEmbedded, type Embedded, type Engine, type HttpClient } from '../../app/embedded.js';
import { DEFAULT_ORG } from '../../app/config.js';
import type { InprocBus } from '../../bus/inproc.js';


// 40 minutes at 30 s: calm for 20 min, then cart gets slow (after a deploy) and its callers follow.
const T0 = Date.parse('2026-02-02T10:00:00.000Z');
export const INJECT = T0 + 20 * 60_000;
const END = T0 + 40 * 60_000;

/** The outage as ingestable signals. */
export function outageSignals(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let t = T0; t <= END; t += 30_000) {
    const after = t >= INJECT;
    const w = ((t / 30_000) % 7) * 0.1;
    const m = (service: string, key: string, value: number, instance?: string) =>
      out.push({ source: 'test', kind: 'metric', ts: t, key, value, labels: instance ? { service, instance } : { service } });
    m('cart', 'latency_p95_ms', after ? 900 + w * 10 : 40 + w, 'cart-0');
    m('cart', 'latency_p95_ms', after ? 880 + w * 10 : 41 + w, 'cart-1');
    m('cart', 'error_ratio', after ? 0.2 + w / 100 : 0.001 + w / 1000);
    m('frontend', 'latency_p95_ms', after ? 1200 + w * 10 : 120 + w);
    m('frontend', 'client_latency_p95_ms', after ? 950 + w * 10 : 45 + w);
    m('catalog', 'latency_p95_ms', 30 + w);
    for (let k = 0; k < 2; k++) out.push({ source: 'test', kind: 'log', ts: t + k * 1000, key: 'app', text: `INFO served request ${k} in ${10 + k} ms`, labels: { service: 'frontend' } });
    if (after) out.push({ source: 'test', kind: 'log', ts: t + 5000, key: 'app', text: `ERROR redis timeout after ${500 + (t % 13)} ms`, labels: { service: 'cart' } });
  }
  out.push({ id: 'chg-cart-1', source: 'argocd', kind: 'deploy', ts: INJECT - 60_000, key: 'cart', text: 'Deployed cart 1.2.0', labels: { service: 'cart' }, meta: { change_id: 'chg-cart-1' } });
  return out;
}

export const TOPOLOGY = {
  nodes: [
    { id: 'frontend', type: 'service', attributes: { entry_point: true } },
    { id: 'cart', type: 'service', attributes: {} },
    { id: 'catalog', type: 'service', attributes: {} },
  ],
  edges: [
    { from: 'frontend', to: 'cart', attributes: {} },
    { from: 'frontend', to: 'catalog', attributes: {} },
  ],
};

export function analyzeContract(engine: Engine): void {
  describe(`POST /v1/incidents/{id}/analyze on ${engine}`, () => {
    let e: Embedded;
    let c: HttpClient;
    let incidentId: string;

    beforeAll(async () => {
      e = await startEmbedded(engine);
      c = e.client();
      expect((await c.put('/v1/topology', TOPOLOGY)).status).toBe(200);
      const signals = outageSignals();
      for (let i = 0; i < signals.length; i += 500) {
        const r = await c.post('/v1/signals/ingest', { signals: signals.slice(i, i + 500) });
        expect(r.status).toBe(202);
        expect(r.body.rejected).toEqual([]);
      }
      const inc = await c.post('/v1/incidents/open', { title: 'Checkout is slow', service: 'frontend', started_at: INJECT });
      expect(inc.status).toBe(201);
      incidentId = inc.body.id;
      // the detection pipeline works through the batches in the background: let its anomalies settle
      const bus = e.w.bus();
      if (bus.kind === 'inproc') await (bus as InprocBus).idle();
      const org = e.w.store().forOrg(DEFAULT_ORG);
      let last = -1;
      let stable = 0;
      await eventually(
        async () => {
          const n = (await org.listAnomalies({ limit: 100_000 })).length;
          stable = n === last ? stable + 1 : 0;
          last = n;
          return stable >= 10 && (await e.w.store().pendingOutbox(1)).length === 0 ? true : undefined;
        },
        30_000,
        'the pipeline to settle',
      );
    });
    afterAll(async () => {
      await e?.stop();
    });

    const analyze = (body: unknown, id = incidentId, client = c) => client.post(`/v1/incidents/${id}/analyze`, body);

    it('ranks the slow service first, stores cited evidence and hypotheses, and audits the run', async () => {
      const r = await analyze({ window: '20m' });
      expect(r.status).toBe(200);
      const b = r.body;
      expect(b.incident_id).toBe(incidentId);
      expect(b.window).toEqual({
        from: new Date(T0).toISOString(),
        to: new Date(END + 5000).toISOString(), // the newest stored signal: cart's last error line
        started_at: new Date(INJECT).toISOString(),
        baseline_from: new Date(T0).toISOString(),
        baseline_to: new Date(INJECT).toISOString(),
      });
      expect(b.signals).toMatchObject({ metric_points: 6 * 81, log_lines: 2 * 81 + 41, changes: 1, topology: true });
      expect(b.verdict).toBe('confident');
      expect(b.ranking[0].service).toBe('cart');
      expect(b.ranking.map((x: { service: string }) => x.service).sort()).toEqual(['cart', 'catalog', 'frontend']);
      expect(b.hypotheses.length).toBeGreaterThan(0);
      expect(b.hypotheses[0]).toMatchObject({ rank: 1, service: 'cart' });
      expect(b.clusters.some((x: { service: string }) => x.service === 'cart')).toBe(true);
      expect(b.anomalies.some((x: { service: string; metric: string }) => x.service === 'cart' && x.metric === 'latency_p95_ms')).toBe(true);
      expect(b.correlations.map((x: { change_id: string }) => x.change_id)).toContain('chg-cart-1');
      expect(b.blast_radius.root).toBe('cart');
      expect(b.blast_radius.entry_points).toEqual(['frontend']);
      // evidence ids are the stored ones, and every hypothesis cites some of them
      const ids = new Set(b.evidence.map((x: { id: string }) => x.id));
      expect(ids.size).toBe(b.evidence.length);
      for (const id of ids) expect(id).toMatch(/^ev_[0-9a-f]{26}$/);
      for (const h of b.hypotheses) {
        expect(h.id).toMatch(/^hy_[0-9a-f]{26}$/);
        expect(h.evidence_ids.length).toBeGreaterThan(0);
        for (const id of h.evidence_ids) expect(ids.has(id)).toBe(true);
      }
      const stored = await c.get(`/v1/incidents/${incidentId}/evidence`);
      expect(stored.status).toBe(200);
      const storedIds = new Set(stored.body.evidence.map((x: { id: string }) => x.id));
      for (const id of ids) expect(storedIds.has(id)).toBe(true);
      expect(stored.body.hypotheses.map((h: { id: string }) => h.id)).toEqual(b.hypotheses.map((h: { id: string }) => h.id));
      const audit = await c.get('/v1/audit?limit=1000');
      const entry = audit.body.entries.find((x: { action: string; target: string }) => x.action === 'incident.analyzed' && x.target === `incident:${incidentId}`);
      expect(entry).toBeDefined();
      expect(entry.payload).toMatchObject({ verdict: 'confident', top: { service: 'cart' }, evidence: b.evidence.length });
    });

    it('gives the same body on a re-run and stores nothing twice', async () => {
      const before = await c.get(`/v1/incidents/${incidentId}/evidence`);
      const a = await analyze({ window: '20m' });
      const cached = await analyze({ window: '20m' });
      e.w.analysisCache.clear(); // the same body computed afresh, not only served from the cache
      const again = await analyze({ window: '20m' });
      expect(a.status).toBe(200);
      expect(cached.body).toEqual(a.body);
      expect(again.body).toEqual(a.body);
      expect(JSON.stringify(again.body)).toBe(JSON.stringify(a.body));
      const after = await c.get(`/v1/incidents/${incidentId}/evidence`);
      expect(after.body.evidence.length).toBe(before.body.evidence.length);
      expect(after.body.hypotheses.length).toBe(before.body.hypotheses.length);
      // the same period given as from/to is the same analysis
      e.w.analysisCache.clear();
      const explicit = await analyze({ from: new Date(T0).toISOString(), to: a.body.window.to });
      expect(explicit.status).toBe(200);
      expect(explicit.body).toEqual(a.body);
    });

    it('answers "no confident hypothesis" on calm data and stores no hypothesis', async () => {
      const calm = await c.post('/v1/incidents/open', { title: 'False alarm', service: 'frontend', started_at: T0 + 10 * 60_000 });
      const r = await analyze({ from: T0, to: INJECT - 30_000 }, calm.body.id);
      expect(r.status).toBe(200);
      expect(r.body.verdict).toBe('no confident hypothesis');
      expect(r.body.hypotheses).toEqual([]);
      const stored = await c.get(`/v1/incidents/${calm.body.id}/evidence`);
      expect(stored.body.hypotheses).toEqual([]);
    });

    it('refuses an unknown incident, a bad window and a key without the plan scope', async () => {
      const missing = await analyze({ window: '1h' }, 'no-such-incident');
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
      for (const [body, path] of [
        [{ window: 'soon' }, 'window'],
        [{ window: '0m' }, 'window'],
        [{ window: '3d' }, 'window'],
        [{ window: '1h', from: T0 }, 'window'],
        [{ from: INJECT, to: T0 }, 'to'],
        [{ from: 'yesterday' }, 'from'],
        [{ window: '1h', colour: 'red' }, '(body)'],
        [{ from: T0, to: T0 + 60_000 }, 'to'], // ends before the incident started
      ] as const) {
        const r = await analyze(body);
        expect(r.status, JSON.stringify(body)).toBe(422);
        expect(r.body.type).toBe('urn:warroom:problem:invalid_input');
        expect(r.body.errors.map((x: { path: string }) => x.path), JSON.stringify(body)).toContain(path);
      }
      const torn = await c.post(`/v1/incidents/${incidentId}/analyze`, '{"window": "1h"');
      expect(torn.status).toBe(400);
      expect(torn.headers.get('content-type')).toContain('application/problem+json');
      const key = await c.post('/v1/api-keys', { name: 'reader', user: { id: 'reader', name: 'Reader', role: 'viewer' }, scopes: ['read'] });
      const reader = httpClient(e.w.url, key.body.key as string);
      expect((await analyze({ window: '1h' }, incidentId, reader)).status).toBe(403);
    });

    it('re-reads the data when a signal arrives in the window, even a late one', async () => {
      const a = await analyze({ window: '20m' });
      const late = await c.post('/v1/signals/ingest', { signals: [{ source: 'test', kind: 'log', ts: INJECT + 90_000, key: 'app', text: 'ERROR redis timeout after 777 ms', labels: { service: 'cart' } }] });
      expect(late.status).toBe(202);
      const b = await analyze({ window: '20m' });
      expect(b.status).toBe(200);
      expect(b.body.signals.log_lines).toBe(a.body.signals.log_lines + 1);
      const cartErrors = (x: typeof a) => x.body.clusters.find((l: { service: string }) => l.service === 'cart').top.reduce((n: number, t: { during: number }) => n + t.during, 0);
      expect(cartErrors(b)).toBe(cartErrors(a) + 1);
    });

    it('is documented in the OpenAPI document', async () => {
      const doc = await httpClient(e.w.url).get('/v1/openapi.json');
      const op = doc.body.paths['/v1/incidents/{id}/analyze'].post;
      expect(Object.keys(op.requestBody.content['application/json'].schema.properties)).toEqual(expect.arrayContaining(['window', 'from', 'to', 'baseline', 'candidates']));
      expect(Object.keys(op.responses['200'].content['application/json'].schema.properties)).toEqual(
        expect.arrayContaining(['ranking', 'hypotheses', 'evidence', 'clusters', 'anomalies', 'correlations', 'blast_radius', 'verdict']),
      );
      expect(op.responses).toHaveProperty(['404']);
    });
  });
}

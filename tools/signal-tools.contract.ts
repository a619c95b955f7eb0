/**
 * query_metric, list_anomalies and search_log_templates on stored data (PGlite), called through
 * the registry as the model would: masked, bounded, every citation resolvable, other orgs unseen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Signal } from '../core/schemas.js';
import { PLANTED, type Seeded, seed } from '../test-support/tool-fixtures.js';
import { resolveCitations } from './citations.js';
import { READ_ONLY_TOOLS } from './index.js';
import { createRegistry } from './registry.js';
import type { ToolResult } from './types.js';

/** Runs on both engines: signal-tools.test.ts (PGlite) and signal-tools.int.test.ts (Postgres). */
export function signalToolsContract(engine: 'pglite' | 'postgres'): void {
  describe(`on ${engine}`, () => {
    let s: Seeded;
    const reg = createRegistry(READ_ONLY_TOOLS);
    const MIN = 60_000;
    const T = (hh: number, mm: number) => Date.UTC(2026, 2, 1, hh, mm);
    let n = 0;
    const point = (org: string, t: number, key: string, value: number, service = 'checkout'): Signal => ({
      id: `sig_${org}_${n++}`,
      orgId: org,
      source: 'prom',
      kind: 'metric',
      ts: new Date(t).toISOString(),
      key,
      value,
      text: null,
      labels: { service },
      meta: {},
    });
    const anomaly = (id: string, t: number, score: number, service = 'checkout') => ({
      id,
      service,
      series: 'http_error_rate',
      ts: new Date(t).toISOString(),
      value: 0.2,
      baseline: 0.01,
      score,
      direction: 'up' as const,
      detector: 'slo-guard',
      signalId: null,
    });
    const template = (id: string, over: Record<string, unknown> = {}) => ({
      id,
      service: 'checkout',
      template: 'payment declined for order <:NUM:>',
      count: 40,
      firstSeen: new Date(T(9, 46)).toISOString(),
      lastSeen: new Date(T(9, 58)).toISOString(),
      levels: { error: 40 },
      exemplars: [`payment declined for order <:NUM:> db password=${PLANTED.log}`],
      novel: true,
      ...over,
    });

    beforeAll(async () => {
      s = await seed(engine);
      // the checkout incident started 09:45; the clock says 10:00: its window is 08:45–10:00
      const o1: Signal[] = [];
      for (let t = T(8, 45); t < T(10, 0); t += MIN) o1.push(point('o1', t, 'http_error_rate', t < T(9, 45) ? 0.01 : 0.2), point('o1', t, 'latency_p95_ms', 120));
      await s.org.insertSignals(o1);
      await s.opened.store.forOrg('o2').insertSignals([point('o2', T(9, 50), 'http_error_rate', 99), point('o2', T(9, 50), 'queue_depth', 5)]);
      await s.org.insertAnomalies([
        ...Array.from({ length: 30 }, (_, i) => anomaly(`an_o1_${String(i).padStart(2, '0')}`, T(9, 45) + i * 20_000, 0.9)),
        anomaly('an_o1_early', T(7, 0), 0.9),
      ]);
      await s.opened.store.forOrg('o2').insertAnomalies([anomaly('an_o2_1', T(9, 50), 0.9)]);
      await s.org.upsertLogTemplates([
        template('lt_o1_declined'),
        template('lt_o1_served', { template: 'GET /cart <:NUM:> 200', count: 900, firstSeen: new Date(T(1, 0)).toISOString(), levels: { info: 900 }, exemplars: ['GET /cart <:NUM:> 200'], novel: false }),
      ]);
      await s.opened.store.forOrg('o2').upsertLogTemplates([template('lt_o2_declined', { template: 'payment declined in org two' })]);
    });
    afterAll(async () => s?.close());

    const call = (name: string, args: unknown, org = 'o1') => reg.call(name, args, { session: s.session(['read'], org) });
    const resolves = async (r: ToolResult, org = 'o1') => {
      const ok = await resolveCitations({ session: s.session(['read'], org) }, r.citations);
      expect(r.citations.length).toBeGreaterThan(0);
      expect([...ok].sort()).toEqual(r.citations.map((c) => c.id).sort());
    };

    describe('query_metric', () => {
      it("reads the incident's window, downsampled, with the mean before and after the start; its citation resolves", async () => {
        const r = await call('query_metric', { service: 'checkout', metric: 'http_error_rate', incidentId: s.checkout, maxPoints: 10 });
        expect(r.status).toBe('ok');
        const d = r.data as { from: string; to: string; stepSeconds: number; points: { n: number; max: number }[]; summary: Record<string, unknown> };
        expect(d.from).toBe('2026-03-01T08:45:00.000Z');
        expect(d.to).toBe('2026-03-01T10:00:00.000Z');
        expect(d.points.length).toBeLessThanOrEqual(10);
        expect(d.stepSeconds).toBe(450);
        expect(d.points.reduce((a, p) => a + p.n, 0)).toBe(75);
        expect(d.summary).toEqual({ min: 0.01, max: 0.2, mean: expect.any(Number), last: 0.2, before: { mean: 0.01 }, after: { mean: 0.2 } });
        expect(JSON.stringify(d)).not.toContain('99'); // org two's point at 09:50
        await resolves(r);
        // a metric citation resolves for an org with a point of that series in its range: org two has
        // none of checkout's latency
        const latency = await call('query_metric', { service: 'checkout', metric: 'latency_p95_ms', incidentId: s.checkout });
        await resolves(latency);
        expect(await resolveCitations({ session: s.session(['read'], 'o2') }, latency.citations)).toEqual(new Set());
        // a forged id for a real series does not resolve
        expect(await resolveCitations({ session: s.session() }, [{ ...latency.citations[0], id: 'met_forged' }])).toEqual(new Set());
      });

      it('answers an unknown metric with an error naming the metrics the service has', async () => {
        const r = await call('query_metric', { service: 'checkout', metric: 'error_rate', incidentId: s.checkout });
        expect(r.status).toBe('error');
        expect(r.error).toContain('http_error_rate');
        expect(r.error).toContain('latency_p95_ms');
        expect(r.error).not.toContain('queue_depth'); // org two's metric
        const none = await call('query_metric', { service: 'nosuch', metric: 'http_error_rate', from: '2026-03-01T09:00:00Z', to: '2026-03-01T10:00:00Z' });
        expect(none.error).toMatch(/nosuch sent no metrics/);
      });
    });

    describe('list_anomalies', () => {
      it("lists the incident window's anomalies newest first, bounded by limit, each citation resolving; another org's are unseen", async () => {
        const r = await call('list_anomalies', { incidentId: s.checkout, limit: 5 });
        expect(r.status).toBe('ok');
        const list = (r.data as { anomalies: { id: string; at: string; summary: string; severity: string }[] }).anomalies;
        expect(list.map((a) => a.id)).toEqual(['an_o1_29', 'an_o1_28', 'an_o1_27', 'an_o1_26', 'an_o1_25']);
        expect(list[0]).toMatchObject({ service: 'checkout', series: 'http_error_rate', detector: 'slo-guard', severity: expect.stringMatching(/^sev/), summary: expect.stringContaining('checkout') });
        await resolves(r);
        const all = await call('list_anomalies', { service: 'checkout', limit: 100 });
        const ids = (all.data as { anomalies: { id: string }[] }).anomalies.map((a) => a.id);
        expect(ids).toHaveLength(31);
        expect(ids).toContain('an_o1_early'); // no incident, no range: all of them
        expect(ids).not.toContain('an_o2_1');
        expect(Buffer.byteLength(JSON.stringify(all.data))).toBeLessThanOrEqual(16_000);
        const theirs = await call('list_anomalies', { limit: 100 }, 'o2');
        expect((theirs.data as { anomalies: { id: string }[] }).anomalies.map((a) => a.id)).toEqual(['an_o2_1']);
      });

      it('names the recent incidents for an unknown incident id', async () => {
        const r = await call('list_anomalies', { incidentId: '01JNOSUCHINCIDENT000000000' });
        expect(r.status).toBe('error');
        expect(r.error).toContain(s.checkout);
      });
    });

    describe('search_log_templates', () => {
      it('finds templates by text, level and novelty around an incident; a secret in an exemplar is masked; citations resolve', async () => {
        const r = await call('search_log_templates', { incidentId: s.checkout, level: 'error', novelOnly: true });
        expect(r.status).toBe('ok');
        const t = (r.data as { templates: { id: string; novel: boolean; exemplars: string[]; levels: Record<string, number> }[] }).templates;
        expect(t.map((x) => x.id)).toEqual(['lt_o1_declined']);
        expect(t[0]).toMatchObject({ novel: true, levels: { error: 40 } });
        expect(t[0].exemplars).toHaveLength(1);
        expect(JSON.stringify(r)).not.toContain(PLANTED.log);
        await resolves(r);
        const served = await call('search_log_templates', { text: 'get /CART', incidentId: s.checkout });
        expect((served.data as { templates: { id: string; novel: boolean }[] }).templates).toEqual([expect.objectContaining({ id: 'lt_o1_served', novel: false })]);
        const all = await call('search_log_templates', { text: 'declined', limit: 50 });
        expect((all.data as { templates: { id: string }[] }).templates.map((x) => x.id)).toEqual(['lt_o1_declined']);
        const theirs = await call('search_log_templates', { text: 'declined' }, 'o2');
        expect((theirs.data as { templates: { id: string }[] }).templates.map((x) => x.id)).toEqual(['lt_o2_declined']);
        expect(await resolveCitations({ session: s.session(['read'], 'o2') }, r.citations)).toEqual(new Set());
      });

      it('names the valid levels for a bad one, and says no_data when nothing matches', async () => {
        const bad = await call('search_log_templates', { level: 'fatal' });
        expect(bad.status).toBe('error');
        expect(bad.error).toMatch(/error, warn, info, debug/);
        expect((await call('search_log_templates', { text: 'nothing like this' })).status).toBe('no_data');
      });
    });
  });
}

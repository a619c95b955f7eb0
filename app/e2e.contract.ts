/**
 * The API over HTTP, end to end, as one suite run on each engine (PGlite and Postgres): auth
 * and scopes, tenancy, bad input, idempotency, topology, connectors, and the thin path from an
 * error-rate spike to an audited dry-run fix (which reports `dry_run`, never `executed`).
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, httpClient, startEmbedded, type Embedded, type Engine, type HttpClient } from './embedded.js';
import { DEFAULT_ORG } from './config.js';

const MAX_BODY = 256 * 1024;

/** Runs the suite on one database engine, with the in-process bus or NATS JetStream. */
export function apiContract(engine: Engine, bus: 'inproc' | 'nats' = 'inproc', env: Record<string, string> = {}): void {
  describe(`API over HTTP on ${engine} with the ${bus} bus`, () => {
    const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
    const streamPrefix = `E2E_${randomBytes(4).toString('hex').toUpperCase()}`;
    let e: Embedded;
    let c: HttpClient;
    const logLines: Record<string, unknown>[] = [];

    beforeAll(async () => {
      const sink = new Writable({
        write(chunk, _enc, cb) {
          for (const l of String(chunk).split('\n')) if (l.trim()) logLines.push(JSON.parse(l));
          cb();
        },
      });
      const busEnv: Record<string, string> = bus === 'nats' ? { NATS_URL: natsUrl, NATS_STREAM_PREFIX: streamPrefix } : {};
      e = await startEmbedded(engine, { WARROOM_MAX_BODY_BYTES: String(MAX_BODY), WARROOM_MAX_BATCH: '2000', LOG_LEVEL: 'info', ...busEnv, ...env }, undefined, { logDestination: sink });
      c = e.client();
    });
    afterAll(async () => {
      await e?.stop();
      if (bus === 'nats') {
        const nc = await connect({ servers: natsUrl });
        const jsm = await jetstreamManager(nc);
        for (const s of [streamPrefix, `${streamPrefix}_DLQ`]) await jsm.streams.delete(s).catch(() => false);
        await nc.close();
      }
    });

    const newKey = async (user: string, scopes: string[], client = c) => {
      const r = await client.post('/v1/api-keys', { name: `${user} key`, user: { id: user, name: user, role: 'sre' }, scopes });
      expect(r.status).toBe(201);
      return httpClient(e.w.url, r.body.key as string);
    };

    it('serves health, readiness, metrics and the OpenAPI document without a key', async () => {
      const anon = httpClient(e.w.url);
      expect((await anon.get('/healthz')).status).toBe(200);
      const ready = await anon.get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.checks).toEqual({ store: 'ok', bus: 'ok' });
      const metrics = await anon.get('/metrics');
      expect(metrics.status).toBe(200);
      expect(String(metrics.body)).toContain('warroom_http_requests_total');
      const doc = await anon.get('/v1/openapi.json');
      expect(doc.body.openapi).toBe('3.1.0');
      for (const p of ['/v1/signals/ingest', '/v1/topology', '/v1/connectors', '/v1/incidents/open', '/v1/incidents', '/v1/incidents/{id}', '/v1/incidents/{id}/evidence', '/v1/fix/plan', '/v1/fix/approve', '/v1/fix/execute', '/v1/orgs']) {
        expect(doc.body.paths, p).toHaveProperty([p]);
      }
      const ingest = doc.body.paths['/v1/signals/ingest'].post;
      // Two body forms: {signals: [...]} and the seed's bare array of the same signals.
      const [wrapped, bare] = ingest.requestBody.content['application/json'].schema.anyOf;
      expect(wrapped.properties.signals.items.properties.kind.enum).toEqual(['log', 'metric', 'event', 'deploy', 'flag']);
      expect(bare.type).toBe('array');
      expect(bare.items.properties.kind.enum).toEqual(['log', 'metric', 'event', 'deploy', 'flag']);
      expect(ingest.responses['422'].content).toHaveProperty(['application/problem+json']);
    });

    it('echoes X-Request-ID, generates a ULID when absent, and logs it on the request lines', async () => {
      const given = await c.get('/v1/incidents', { 'x-request-id': 'req-abc-123' });
      expect(given.headers.get('x-request-id')).toBe('req-abc-123');
      const generated = await c.get('/v1/incidents');
      expect(generated.headers.get('x-request-id')).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      const lines = logLines.filter((l) => l.request_id === 'req-abc-123');
      expect(lines.length).toBeGreaterThan(0);
    });

    it('never logs the API key', async () => {
      await c.get('/v1/incidents');
      expect(JSON.stringify(logLines)).not.toContain(e.apiKey);
    });

    it.each([
      ['no key', undefined, 401],
      ['a wrong key', 'wr_not_a_real_key_at_all_xxxxxxxx', 401],
    ])('answers %s with 401 problem+json', async (_n, key, status) => {
      const r = await httpClient(e.w.url, key).get('/v1/incidents');
      expect(r.status).toBe(status);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body).toMatchObject({ type: 'urn:warroom:problem:unauthenticated', status, request_id: expect.any(String) });
    });

    it('answers a missing scope with 403 and names the scope', async () => {
      const reader = await newKey('reader', ['read']);
      const r = await reader.post('/v1/signals/ingest', { signals: [{ source: 's', kind: 'log', ts: 0, key: 'k', text: 'x' }] });
      expect(r.status).toBe(403);
      expect(r.body.required_scope).toBe('ingest');
      const platform = httpClient(e.w.url, e.adminKey);
      expect((await platform.get('/v1/incidents')).status).toBe(403);
      expect((await c.post('/v1/orgs', { name: 'x' })).status).toBe(403);
    });

    it('rejects malformed JSON with 400, a non-JSON body with 415, an oversized body with 413 and the limit', async () => {
      const bad = await c.raw('/v1/signals/ingest', { method: 'POST', headers: { authorization: `Bearer ${e.apiKey}`, 'content-type': 'application/json' }, body: '{"signals": [' });
      expect(bad.status).toBe(400);
      expect(bad.body.type).toBe('urn:warroom:problem:bad_request');
      const text = await c.raw('/v1/incidents/open', { method: 'POST', headers: { authorization: `Bearer ${e.apiKey}`, 'content-type': 'text/plain' }, body: '{"title":"t","service":"s"}' });
      expect(text.status).toBe(415);
      const big = await c.post('/v1/signals/ingest', { signals: [{ source: 's', kind: 'log', ts: 0, key: 'k', text: 'x'.repeat(MAX_BODY) }] });
      expect(big.status).toBe(413);
      expect(big.body.limit_bytes).toBe(MAX_BODY);
      const many = await c.post('/v1/signals/ingest', { signals: Array.from({ length: 2001 }, () => ({})) });
      expect(many.status).toBe(413);
      expect(many.body.max_batch).toBe(2000);
    });

    it('keeps the valid items of a batch and reports each invalid one by index', async () => {
      const signals = [
        { source: 'prom', kind: 'metric', ts: '2026-01-01T00:00:00Z', key: 'cpu', value: 0.5, labels: { service: 'cart' } },
        { source: 'prom', kind: 'metric', ts: '2026-01-01T00:00:00Z', key: 'cpu', value: 'high' },
        { source: 'app', kind: 'log', ts: 1767225600000, key: 'cart', text: 'ok' },
        { source: 'app', kind: 'trace', ts: 0, key: 'x' },
        { source: 'app', kind: 'log', ts: 'not a time', key: 'x' },
        { source: 'app', kind: 'metric', ts: 0, key: 'x' },
      ];
      const r = await c.post('/v1/signals/ingest', { signals });
      expect(r.status).toBe(202);
      expect(r.body.accepted).toBe(2);
      expect(r.body.rejected.map((x: { index: number }) => x.index)).toEqual([1, 3, 4, 5]);
      expect(r.body.rejected[0].errors[0].path).toBe('value');
      expect(r.body.rejected[1].errors[0].path).toBe('kind');
      const all = await c.post('/v1/signals/ingest', { signals: [signals[1], signals[3]] });
      expect(all.status).toBe(422);
      expect(all.body.errors.map((x: { index: number }) => x.index)).toEqual([0, 1]);
    });

    it('masks secrets and truncates huge text before storing', async () => {
      const r = await c.post('/v1/signals/ingest', {
        signals: [
          { id: 'sec-1', source: 'app', kind: 'log', ts: 0, key: 'auth', text: 'login failed password=Sup3rS3cret! for bob', meta: { token: 'abc123xyz' } },
          { id: 'big-1', source: 'app', kind: 'log', ts: 0, key: 'auth', text: 'y'.repeat(100_000) },
        ],
      });
      expect(r.status).toBe(202);
      const stored = await e.w.store().forOrg(DEFAULT_ORG).listSignals({ kind: 'log', limit: 1000 });
      const sec = stored.find((s) => s.id === 'sec-1')!;
      expect(sec.text).not.toContain('Sup3rS3cret!');
      expect(sec.meta.token).toBe('<:SECRET:>');
      const big = stored.find((s) => s.id === 'big-1')!;
      expect(big.text!.length).toBeLessThan(70_000);
      expect(big.text).toMatch(/truncated \d+ chars\]$/);
    });

    it('replays an idempotent POST, refuses the key with another body, and never duplicates', async () => {
      const body = { signals: [{ source: 'app', kind: 'log', ts: 0, key: 'idem', text: 'once', labels: { service: 'idem-svc' } }] };
      const h = { 'idempotency-key': 'batch-0001' };
      const first = await c.post('/v1/signals/ingest', body, h);
      const again = await c.post('/v1/signals/ingest', body, h);
      expect(first.status).toBe(202);
      expect(again.status).toBe(202);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const other = await c.post('/v1/signals/ingest', { signals: [{ ...body.signals[0], text: 'twice' }] }, h);
      expect(other.status).toBe(422);
      expect(other.body.type).toBe('urn:warroom:problem:idempotency_mismatch');
      const racing = await Promise.all(Array.from({ length: 5 }, () => c.post('/v1/signals/ingest', { signals: [{ ...body.signals[0], text: 'race' }] }, { 'idempotency-key': 'batch-0002' })));
      expect(racing.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
      const stored = (await e.w.store().forOrg(DEFAULT_ORG).listSignals({ kind: 'log', limit: 10_000 })).filter((s) => s.key === 'idem');
      expect(stored.map((s) => s.text).sort()).toEqual(['once', 'race']);
    });

    it('stores the topology with versions and names an unknown edge end', async () => {
      const bad = await c.put('/v1/topology', { nodes: [{ id: 'a', type: 'service' }], edges: [{ from: 'a', to: 'ghost' }] });
      expect(bad.status).toBe(422);
      expect(bad.body.errors).toEqual([{ path: 'edges.0.to', message: 'unknown node "ghost"' }]);
      const t = { nodes: [{ id: 'frontend', type: 'service' }, { id: 'checkout', type: 'service', attributes: { tier: 1 } }], edges: [{ from: 'frontend', to: 'checkout' }] };
      const v1 = await c.put('/v1/topology', t);
      const v2 = await c.put('/v1/topology', t);
      expect(v1.status).toBe(200);
      expect(v2.body.version).toBe(v1.body.version + 1);
      expect((await c.get('/v1/topology')).body.edges).toEqual([{ from: 'frontend', to: 'checkout', attributes: {} }]);
    });

    it('registers connectors and masks their secrets when read back', async () => {
      const r = await c.post('/v1/connectors', { kind: 'prometheus', name: 'prom', config: { url: 'http://prom:9090', token: 'tok-very-secret' } });
      expect(r.status).toBe(201);
      expect(r.body.config).toEqual({ url: 'http://prom:9090', token: '<:SECRET:>' });
      const list = await c.get('/v1/connectors');
      expect(JSON.stringify(list.body)).not.toContain('tok-very-secret');
    });

    it('keeps orgs apart: another org cannot see or touch this org\'s data', async () => {
      const platform = httpClient(e.w.url, e.adminKey);
      const created = await platform.post('/v1/orgs', { name: 'Other Co', id: `other-${engine}` });
      expect(created.status).toBe(201);
      expect(created.body.admin_key).toMatch(/^wr_/);
      expect((await platform.post('/v1/orgs', { name: 'dup', id: `other-${engine}` })).status).toBe(409);
      const other = httpClient(e.w.url, created.body.admin_key);
      const mine = await c.post('/v1/incidents/open', { title: 'mine', service: 'cart' });
      expect(mine.status).toBe(201);
      expect((await other.get(`/v1/incidents/${mine.body.id}`)).status).toBe(404);
      expect((await other.get(`/v1/incidents/${mine.body.id}/evidence`)).status).toBe(404);
      expect((await other.get('/v1/incidents')).body.incidents).toEqual([]);
      expect((await other.get('/v1/topology')).status).toBe(404);
      expect((await other.get('/v1/connectors')).body.connectors).toEqual([]);
      const plan = await other.post('/v1/fix/plan', { incident_id: mine.body.id });
      expect(plan.status).toBe(404);
      // the same Idempotency-Key in two orgs are two different keys
      const body = { signals: [{ source: 'a', kind: 'log', ts: 0, key: 'k', text: 'x' }] };
      expect((await c.post('/v1/signals/ingest', body, { 'idempotency-key': 'shared-key' })).status).toBe(202);
      const theirs = await other.post('/v1/signals/ingest', { signals: [{ ...body.signals[0], text: 'y' }] }, { 'idempotency-key': 'shared-key' });
      expect(theirs.status).toBe(202);
      expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    });

    it('revokes an API key: it stops authenticating at once, a second revoke is 404, another org cannot', async () => {
      const r = await c.post('/v1/api-keys', { name: 'leaked key', user: { id: 'leaky', name: 'Leaky', role: 'sre' }, scopes: ['read'] });
      const leaked = httpClient(e.w.url, r.body.key as string);
      expect((await leaked.get('/v1/incidents')).status).toBe(200); // now cached as valid
      const other = await httpClient(e.w.url, e.adminKey).post('/v1/orgs', { name: 'Revoker', id: `revoker-${engine}` });
      expect((await httpClient(e.w.url, other.body.admin_key).post(`/v1/api-keys/${r.body.id}/revoke`, {})).status).toBe(404);
      expect((await leaked.get('/v1/incidents')).status).toBe(200);
      expect((await c.post(`/v1/api-keys/${r.body.id}/revoke`, {})).body).toEqual({ id: r.body.id, revoked: true });
      expect((await leaked.get('/v1/incidents')).status).toBe(401);
      expect((await c.post(`/v1/api-keys/${r.body.id}/revoke`, {})).status).toBe(404);
      const audit = (await c.get('/v1/audit?limit=1000')).body.entries.filter((x: { action: string }) => x.action === 'apikey.revoked');
      expect(audit.map((x: { target: string }) => x.target)).toContain(`apikey:${r.body.id}`);
    });

    it('moves an incident through mitigated and resolved to closed, audited; closed is final', async () => {
      const inc = await c.post('/v1/incidents/open', { title: 'status walk', service: `status-${engine}` });
      const to = (status: string, note?: string) => c.post(`/v1/incidents/${inc.body.id}/status`, { status, ...(note ? { note } : {}) });
      expect((await to('mitigated')).body).toMatchObject({ status: 'mitigated', resolved_at: null });
      const resolved = await to('resolved', 'rolled back; token=abc123secret');
      expect(resolved.status).toBe(200);
      expect(resolved.body.resolved_at).toEqual(expect.any(String));
      expect((await c.get('/v1/incidents?status=open&limit=500')).body.incidents.map((i: { id: string }) => i.id)).not.toContain(inc.body.id);
      expect((await to('open')).body).toMatchObject({ status: 'open', resolved_at: null }); // reopened
      expect((await to('closed')).body.status).toBe('closed');
      expect((await to('closed')).status).toBe(200); // already there: no change, no error
      const reopen = await to('open');
      expect(reopen.status).toBe(409);
      expect(reopen.body.detail).toMatch(/closed is final/);
      expect((await c.post('/v1/incidents/nope/status', { status: 'resolved' })).status).toBe(404);
      expect((await to('done')).status).toBe(422);
      const audit = (await c.get('/v1/audit?limit=1000')).body.entries.filter((x: { action: string; target: string }) => x.action === 'incident.status' && x.target === `incident:${inc.body.id}`);
      expect(audit.map((x: { payload: { from: string; to: string } }) => `${x.payload.from}→${x.payload.to}`)).toEqual(['open→mitigated', 'mitigated→resolved', 'resolved→open', 'open→closed']);
      expect(JSON.stringify(audit)).not.toContain('abc123secret');
    });

    it('says at start-up where the detectors run', () => {
      const want = env.WARROOM_DETECTION_THREAD === 'worker' ? 'detection: on a worker thread' : /^detection: on (a worker thread|the main thread)$/;
      expect(logLines.map((l) => l.msg).find((m) => typeof m === 'string' && m.startsWith('detection:'))).toMatch(want);
    });

    it('walks the thin path: spike → incident with evidence → plan → four-eyes approval → dry-run execute → audit', async () => {
      const t0 = Date.UTC(2026, 2, 1, 10, 0, 0);
      const signals = [];
      for (let m = 0; m < 10; m++) {
        for (const svc of ['payments', 'catalog']) {
          const spike = svc === 'payments' && m >= 6;
          signals.push({ source: 'prometheus', kind: 'metric', ts: t0 + m * 60_000, key: 'http_error_rate', value: spike ? 0.35 : 0.01, labels: { service: svc } });
        }
      }
      signals.push({ source: 'github', kind: 'deploy', ts: t0 + 5 * 60_000, key: 'payments', text: 'deploy v2.3.1', labels: { service: 'payments', version: 'v2.3.1' } });
      const ing = await c.post('/v1/signals/ingest', { signals });
      expect(ing.status).toBe(202);
      expect(ing.body.accepted).toBe(signals.length);

      const inc = await eventually(async () => {
        const r = await c.get('/v1/incidents?status=open');
        return r.body.incidents.find((i: { service: string; opened_by: string }) => i.service === 'payments' && i.opened_by === 'detector');
      }, 20_000, 'auto-opened incident');
      expect(inc.started_at).toBe(new Date(t0 + 6 * 60_000).toISOString());
      // Published by this process, the batch reached detection in memory, not read back from the store.
      expect(String((await httpClient(e.w.url).get('/metrics')).body)).toMatch(/warroom_detect_batches_total\{source="handoff"\} [1-9]/);
      // Four breaching minutes of one series in one 5-minute bucket: one evidence row (storm control).
      const ev = await eventually(async () => {
        const r = await c.get(`/v1/incidents/${inc.id}/evidence`);
        return r.body.evidence.length >= 1 ? r.body.evidence : undefined;
      }, 10_000, 'evidence');
      expect(ev).toHaveLength(1);
      expect(ev[0].summary).toContain('past its SLO threshold');
      expect(ev[0]).toMatchObject({ kind: 'anomaly', incident_id: inc.id, data: { value: 0.35 } });
      const all = (await c.get('/v1/incidents?limit=500')).body.incidents;
      expect(all.filter((i: { service: string }) => i.service === 'catalog')).toEqual([]);

      const alice = await newKey('alice', ['read', 'plan', 'approve']);
      const bob = await newKey('bob', ['read', 'approve']);
      const plan = await alice.post('/v1/fix/plan', { incident_id: inc.id, env: 'prod', runner: 'dryrun', namespace: 'shop' });
      expect(plan.status).toBe(201);
      expect(plan.body).toMatchObject({ status: 'pending_approval', requested_by: 'alice', steps: [{ action: 'rollback', target: 'payments', command: 'kubectl rollout undo deployment/payments -n shop' }] });
      expect((await bob.post('/v1/fix/plan', { incident_id: inc.id })).status).toBe(403);
      expect((await alice.post('/v1/fix/execute', { plan_id: plan.body.id })).status).toBe(409);
      const self = await alice.post('/v1/fix/approve', { plan_id: plan.body.id });
      expect(self.status).toBe(403);
      expect(self.body.detail).toMatch(/Four-eyes/);
      const ok = await bob.post('/v1/fix/approve', { plan_id: plan.body.id });
      expect(ok.status).toBe(200);
      expect(ok.body.plan.status).toBe('approved');
      expect((await bob.post('/v1/fix/approve', { plan_id: plan.body.id })).status).toBe(409);
      expect((await bob.post('/v1/fix/execute', { plan_id: plan.body.id, runner: 'kubernetes' })).status).toBe(422);
      // the worker runs it; Prefer: wait has the request answer its outcome
      const ex = await bob.post('/v1/fix/execute', { plan_id: plan.body.id, runner: 'dryrun' }, { 'idempotency-key': 'exec-1', prefer: 'wait=30' });
      expect(ex.status).toBe(200);
      // a dry run changes nothing, and says so: never "executed" / "succeeded"
      expect(ex.body.plan.status).toBe('dry_run');
      expect(ex.body.commands).toHaveLength(1);
      expect(ex.body.commands[0]).toMatchObject({ runner: 'dryrun', exit_code: 0, status: 'simulated', command: 'kubectl rollout undo deployment/payments -n shop' });
      expect(ex.body.commands[0].output).toMatch(/DRY RUN/);
      // a retry under the key replays the start (202), and starts nothing
      const replay = await bob.post('/v1/fix/execute', { plan_id: plan.body.id, runner: 'dryrun' }, { 'idempotency-key': 'exec-1' });
      expect(replay.status).toBe(202);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body).toEqual({ plan: expect.objectContaining({ id: plan.body.id, status: 'executing' }), status_url: `/v1/fix/plans/${plan.body.id}` });
      const again = await bob.post('/v1/fix/execute', { plan_id: plan.body.id });
      expect(again.status).toBe(409);
      expect(again.body.detail).toMatch(/The plan is dry_run now;/);
      const stored = await c.get(`/v1/fix/plans/${plan.body.id}`);
      expect(stored.body.commands).toHaveLength(1);
      expect(stored.body.approvals.map((a: { approver: string }) => a.approver)).toEqual(['bob']);

      const audit = await c.get('/v1/audit?limit=1000');
      const actions = audit.body.entries.map((x: { action: string; target: string }) => `${x.action} ${x.target}`);
      expect(actions).toContain(`incident.opened incident:${inc.id}`);
      expect(actions).toContain(`evidence.added incident:${inc.id}`);
      expect(actions).toContain(`fix.planned plan:${plan.body.id}`);
      expect(actions).toContain(`fix.approved plan:${plan.body.id}`);
      expect(actions).toContain(`command.simulated command:${ex.body.commands[0].id}`);
      expect(actions).toContain(`fix.dry_run plan:${plan.body.id}`);
      expect(actions).not.toContain(`fix.executed plan:${plan.body.id}`);
      const verify = await c.get('/v1/audit/verify');
      expect(verify.body).toMatchObject({ ok: true, problems: [] });
    });
  });
}

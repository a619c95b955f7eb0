/**
 * The transaction boundaries of POST /v1/incidents/{id}/analyze (a `transaction: 'manual'`
 * route), as one suite run on each engine (analyze.tx.test.ts on PGlite, analyze.tx.int.test.ts
 * on Postgres): the analysis computes with no transaction open, between one read transaction
 * and one short write transaction, so an ingest request goes through meanwhile; writes that land
 * between the read and the write (a concurrent run, evidence added, the incident removed) leave
 * the answer and the stored rows right; and an Idempotency-Key replays the stored answer.
 *
 * The analysis is the real one, wrapped: it records how many transactions are open when it
 * starts and can be held at a gate after computing (its result is then known to the test).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../app/embedded.js';
import { analyze } from '../../rca/analyze.js';
import type { AnalysisResult } from '../../rca/types.js';
import { connect } from 'node:net';
import { analysisEvidenceRow } from '../../usecases/analyze.js';
import { INJECT, outageSignals, TOPOLOGY } from './analyze.contract.js';
import { gate, startTestApi, TEST_ORG, type TestApi } from '../../test-support/analyze-harness.js';

const BODY = { window: '20m' };
/** A signal far outside every window analysed here (it changes no analysis). */
const unrelatedSignal = (n: number) => ({ source: 'test', kind: 'metric', ts: '2020-01-01T00:00:00.000Z', key: 'other', value: n, labels: { service: 'elsewhere' } });
const sleep = (ms: number) => new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms));
/** Waits for `p`, failing after `ms` (a call stuck behind a transaction fails fast instead of hanging the suite). */
async function within<T>(p: Promise<T>, what: string, ms = 10_000): Promise<T> {
  const out = await Promise.race([p, sleep(ms)]);
  if (out === 'timeout') throw new Error(`timed out after ${ms} ms waiting for ${what}`);
  return out as T;
}

export function analyzeTxContract(engine: Engine): void {
  describe(`POST /v1/incidents/{id}/analyze transaction boundaries on ${engine}`, () => {
    let api: TestApi;
    /** Open transactions when each analysis started, and the results computed. */
    let openAtAnalysis: number[] = [];
    let results: AnalysisResult[] = [];
    /** Set by a test: analyses wait here after computing. */
    let hold: Promise<void> | null = null;
    let onEnter: (() => void) | null = null;

    const analyzeHeld = async (input: Parameters<typeof analyze>[0]): Promise<AnalysisResult> => {
      openAtAnalysis.push(api.spy.open);
      api.spy.note('analyze');
      const result = analyze(input);
      results.push(result);
      onEnter?.();
      if (hold) await hold;
      return result;
    };
    /** Holds the next `n` analyses; resolves `inside` once all of them computed and wait. */
    const holdAnalyses = (n: number) => {
      const g = gate();
      hold = g.wait();
      let count = 0;
      const inside = new Promise<void>((r) => (onEnter = () => ++count === n && r()));
      return { inside, release: g.open };
    };

    const newIncident = async (title: string): Promise<string> => {
      const r = await api.client().post('/v1/incidents/open', { title, service: 'frontend', started_at: INJECT });
      expect(r.status).toBe(201);
      api.spy.reset(); // the spy sees the transactions of the call under test only
      return r.body.id as string;
    };
    const analyzeCall = (id: string, body: unknown = BODY, headers: Record<string, string> = {}) => api.client().post(`/v1/incidents/${id}/analyze`, body, headers);
    const storedEvidence = async (id: string) => (await api.org.listEvidence(id)).map((e) => e.id);
    const analyzedAudits = async (id: string) => (await api.org.listAudit({ limit: 10_000 })).filter((e) => e.action === 'incident.analyzed' && e.target === `incident:${id}`);
    const publishedFor = (id: string) => api.published.filter((m) => m.subject === 'incident.updated' && (m.payload as { incidentId?: string; change?: string }).incidentId === id && (m.payload as { change?: string }).change === 'analysis');

    beforeAll(async () => {
      api = await startTestApi(engine, { analyze: analyzeHeld });
      const c = api.client();
      expect((await c.put('/v1/topology', TOPOLOGY)).status).toBe(200);
      const signals = outageSignals();
      for (let i = 0; i < signals.length; i += 500) expect((await c.post('/v1/signals/ingest', { signals: signals.slice(i, i + 500) })).status).toBe(202);
    });
    afterAll(async () => {
      await api?.stop();
    });
    beforeEach(() => {
      api.deps.analysisCache.clear();
      openAtAnalysis = [];
      results = [];
      hold = null;
      onEnter = null;
      api.spy.reset();
    });

    it('takes no body at all as {} (every field is optional): the default one-hour look-back', async () => {
      const id = await newIncident('no body');
      const r = await api.client().raw(`/v1/incidents/${id}/analyze`, { method: 'POST', headers: { authorization: `Bearer ${api.apiKey}` } });
      expect(r.status).toBe(200);
      const body = r.body as { window: { from: string; started_at: string } };
      expect(Date.parse(body.window.started_at) - Date.parse(body.window.from)).toBe(3600_000);
      // as curl -X POST sends it: no Content-Length, no Transfer-Encoding, no body at all
      const bare = await rawPost(api.url, `/v1/incidents/${id}/analyze`, api.apiKey);
      expect(bare.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
      // a body that is there must still be JSON (it is parsed as JSON whatever its type: 400)
      const text = await api.client().raw(`/v1/incidents/${id}/analyze`, { method: 'POST', headers: { authorization: `Bearer ${api.apiKey}`, 'content-type': 'text/plain' }, body: 'window=1h' });
      expect(text.status).toBe(400);
    });

    it('computes with no transaction open: one read transaction, the analysis, one write transaction', async () => {
      const id = await newIncident('boundaries');
      const r = await analyzeCall(id);
      expect(r.status).toBe(200);
      expect(r.body.verdict).toBe('confident');
      expect(r.body.hypotheses.length).toBeGreaterThan(0);
      expect(openAtAnalysis).toEqual([0]);
      // stored evidence data speaks snake_case like the rest of the API, at every depth
      const keys = (v: unknown): string[] => (Array.isArray(v) ? v.flatMap(keys) : v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => [k, ...keys(x)]) : []);
      const camel = r.body.evidence.flatMap((e: { data: unknown }) => keys(e.data)).filter((k: string) => /^[a-z][a-z0-9]*[A-Z]/.test(k));
      expect(camel).toEqual([]);
      expect(api.spy.events).toEqual(['tx+ transaction', 'tx- transaction', 'analyze', 'tx+ transaction', 'tx- transaction', 'publish incident.updated']);
      // a re-run on unchanged data: the cached analysis, the same answer, nothing new stored or published
      api.spy.reset();
      const again = await analyzeCall(id);
      expect(again.body).toEqual(r.body);
      expect(api.spy.events).toEqual(['tx+ transaction', 'tx- transaction', 'tx+ transaction', 'tx- transaction']);
      const audits = await analyzedAudits(id);
      expect(audits.map((a) => a.payload.new_evidence)).toEqual([r.body.evidence.length, 0]);
      expect(audits.map((a) => a.payload.new_hypotheses)).toEqual([r.body.hypotheses.length, 0]);
    });

    it('answers an ingest request while the analysis computes', async () => {
      const id = await newIncident('ingest meanwhile');
      const { inside, release } = holdAnalyses(1);
      const pending = analyzeCall(id);
      try {
        await within(inside, 'the analysis to compute');
        const ingest = api.client().post('/v1/signals/ingest', { signals: [unrelatedSignal(1)] });
        const first = await Promise.race([ingest, sleep(10_000)]);
        expect(first, 'the ingest request waited for the analysis').not.toBe('timeout');
        expect(first === 'timeout' ? 0 : first.status).toBe(202);
      } finally {
        release();
      }
      expect((await pending).status).toBe(200);
    });

    it('runs no write transaction and no analysis for an unknown incident or a bad window', async () => {
      const id = await newIncident('bad window');
      const missing = await analyzeCall('no-such-incident');
      expect(missing.status).toBe(404);
      const bad = await analyzeCall(id, { from: '2026-02-02T10:00:00.000Z', to: '2026-02-02T10:01:00.000Z' });
      expect(bad.status).toBe(422);
      expect(api.spy.txs.map((t) => [t.kind, t.ok])).toEqual([
        ['transaction', false],
        ['transaction', false],
      ]);
      expect(openAtAnalysis).toEqual([]);
    });

    it('stores the rows of two concurrent runs once, and both answer the same', async () => {
      const id = await newIncident('concurrent runs');
      const { inside, release } = holdAnalyses(2);
      const a = analyzeCall(id);
      const b = analyzeCall(id);
      try {
        await within(inside, 'both analyses to compute'); // both read and computed before either writes
      } finally {
        release();
      }
      const [ra, rb] = await Promise.all([a, b]);
      expect([ra.status, rb.status]).toEqual([200, 200]);
      expect(rb.body).toEqual(ra.body);
      expect((await storedEvidence(id)).sort()).toEqual(ra.body.evidence.map((e: { id: string }) => e.id).sort());
      expect((await api.org.listHypotheses(id)).map((h) => h.id)).toEqual(ra.body.hypotheses.map((h: { id: string }) => h.id));
      const audits = await analyzedAudits(id);
      expect(audits).toHaveLength(2);
      expect(audits.reduce((n, x) => n + Number(x.payload.new_evidence), 0)).toBe(ra.body.evidence.length);
      expect(audits.reduce((n, x) => n + Number(x.payload.new_hypotheses), 0)).toBe(ra.body.hypotheses.length);
      expect(publishedFor(id)).toHaveLength(1);
    });

    it('stores the hypotheses once when two concurrent runs find all their evidence stored by another writer', async () => {
      // Postgres: both write transactions skip the stored evidence without waiting, both find no
      // hypothesis, and the second insert of the same hypothesis fails on its key once the first
      // commits; that write transaction is retried and then finds the hypotheses stored.
      const id = await newIncident('concurrent runs, evidence stored');
      const { inside, release } = holdAnalyses(2);
      const a = analyzeCall(id);
      const b = analyzeCall(id);
      try {
        await within(inside, 'both analyses to compute');
        const rows = results[0].evidence.map((e) => analysisEvidenceRow(id, e));
        await within(api.org.addEvidence(rows, { skipExisting: true }), 'the other writer');
      } finally {
        release();
      }
      const [ra, rb] = await Promise.all([a, b]);
      expect([ra.status, rb.status]).toEqual([200, 200]);
      expect(rb.body).toEqual(ra.body);
      expect(ra.body.hypotheses.length).toBeGreaterThan(0);
      expect((await api.org.listHypotheses(id)).map((h) => h.id)).toEqual(ra.body.hypotheses.map((h: { id: string }) => h.id));
      const audits = await analyzedAudits(id);
      expect(audits.map((x) => x.payload.new_evidence)).toEqual([0, 0]);
      expect(audits.reduce((n, x) => n + Number(x.payload.new_hypotheses), 0)).toBe(ra.body.hypotheses.length);
      expect(publishedFor(id)).toHaveLength(1);
    });

    it('keeps evidence another writer added between the read and the write, and stores the rest', async () => {
      const id = await newIncident('evidence meanwhile');
      const { inside, release } = holdAnalyses(1);
      const pending = analyzeCall(id);
      let early: string[];
      try {
        await within(inside, 'the analysis to compute');
        // another writer stores half of this analysis' evidence (same content, so the same ids) and a note of its own
        const half = results[0].evidence.filter((_, i) => i % 2 === 0);
        const rows = half.map((e) => analysisEvidenceRow(id, e));
        early = [...new Set(rows.map((r) => r.id))];
        await within(
          api.org.transaction(async (tx) => {
            await tx.addEvidence(rows, { skipExisting: true });
            await tx.addEvidence([{ id: `ev_note_${id}`, incidentId: id, kind: 'note', summary: 'a responder note', ref: null, data: {} }]);
          }),
          'the other writer',
        );
      } finally {
        release();
      }
      const r = await pending;
      expect(r.status).toBe(200);
      const ids: string[] = r.body.evidence.map((e: { id: string }) => e.id);
      expect(ids).toEqual(expect.arrayContaining(early));
      expect((await storedEvidence(id)).sort()).toEqual([...ids, `ev_note_${id}`].sort());
      for (const h of r.body.hypotheses) for (const e of h.evidence_ids) expect(ids).toContain(e);
      const [audit] = await analyzedAudits(id);
      expect(audit.payload).toMatchObject({ evidence: ids.length, new_evidence: ids.length - early.length, new_hypotheses: r.body.hypotheses.length });
      // the answer is the one a run without the other writer gives
      api.deps.analysisCache.clear();
      const again = await analyzeCall(id);
      expect(again.body).toEqual(r.body);
    });

    it('answers 404 and stores nothing when the incident is removed while the analysis computes', async () => {
      const id = await newIncident('removed meanwhile');
      const { inside, release } = holdAnalyses(1);
      const pending = analyzeCall(id);
      try {
        await within(inside, 'the analysis to compute');
        await within(api.opened.admin.exec('DELETE FROM incidents WHERE org_id = $1 AND id = $2', [TEST_ORG, id]), 'the removal');
      } finally {
        release();
      }
      const r = await pending;
      expect(r.status).toBe(404);
      expect(await storedEvidence(id)).toEqual([]);
      expect(await analyzedAudits(id)).toEqual([]);
      expect(publishedFor(id)).toEqual([]);
    });

    it('with an Idempotency-Key: the write transaction is the idempotent one, and a retry replays the answer without analysing', async () => {
      const id = await newIncident('idempotent');
      const key = { 'idempotency-key': `analyze-${id}` };
      const first = await analyzeCall(id, BODY, key);
      expect(first.status).toBe(200);
      expect(openAtAnalysis).toEqual([0]);
      // the key reserved (nothing stored yet), the reads, the analysis, then the writes with the stored answer
      expect(api.spy.txs.map((t) => [t.kind, t.ok])).toEqual([
        ['reserveIdempotencyKey', true],
        ['transaction', true],
        ['idempotent', true],
      ]);
      expect(api.spy.events.indexOf('analyze')).toBeGreaterThan(api.spy.txs[1].end!);
      expect(api.spy.events.indexOf('analyze')).toBeLessThan(api.spy.txs[2].start);
      api.spy.reset();
      const again = await analyzeCall(id, BODY, key);
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(openAtAnalysis).toHaveLength(1); // not analysed again
      expect(api.spy.txs.map((t) => t.kind)).toEqual(['reserveIdempotencyKey']);
      expect(await analyzedAudits(id)).toHaveLength(1);
      const other = await analyzeCall(id, { window: '30m' }, key);
      expect(other.status).toBe(422);
      expect(other.body.type).toBe('urn:warroom:problem:idempotency_mismatch');

      // two requests with one new key: the second waits for the first's answer and never analyses
      const id2 = await newIncident('idempotent race');
      const key2 = { 'idempotency-key': `analyze-${id2}` };
      const { inside, release } = holdAnalyses(1);
      const before = openAtAnalysis.length;
      const a = analyzeCall(id2, BODY, key2);
      let b: ReturnType<typeof analyzeCall> | undefined;
      try {
        await within(inside, 'the first analysis to compute');
        b = analyzeCall(id2, BODY, key2);
        // the second request found the key held, and polls
        await within(until(() => api.spy.txs.filter((t) => t.kind === 'reserveIdempotencyKey').length >= 3), 'the duplicate to wait');
      } finally {
        release();
      }
      const [ra, rb] = await Promise.all([a, b!]);
      expect(openAtAnalysis.length - before).toBe(1);
      expect([ra.status, rb.status]).toEqual([200, 200]);
      expect(rb.body).toEqual(ra.body);
      expect([ra.headers.get('idempotent-replayed'), rb.headers.get('idempotent-replayed')].filter((x) => x === 'true')).toHaveLength(1);
      expect(await analyzedAudits(id2)).toHaveLength(1);
      expect(publishedFor(id2)).toHaveLength(1);
    });
  });
}

/** Resolves once `cond` holds (polled). */
const until = (cond: () => boolean): Promise<void> =>
  new Promise((resolve) => {
    const t = setInterval(() => cond() && (clearInterval(t), resolve()), 20);
  });

/** A POST with no body and no length header, written to the socket as curl sends it (the socket stays open until the server closes it); resolves with the raw response. */
function rawPost(base: string, path: string, key: string): Promise<string> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(u.port), u.hostname, () => sock.write(`POST ${path} HTTP/1.1\r\nHost: ${u.host}\r\nAuthorization: Bearer ${key}\r\nConnection: close\r\n\r\n`));
    let out = '';
    sock.on('data', (d) => (out += d.toString()));
    sock.on('end', () => resolve(out));
    sock.on('error', reject);
  });
}

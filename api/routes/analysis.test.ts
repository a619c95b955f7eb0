/**
 * GET /v1/incidents/{id}/analysis, /timeline and /fix-plans over HTTP on PGlite: the analysis is
 * read back from the store — also by a new process on the same data directory, after a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient, type HttpClient } from '../../app/embedded.js';
import { SCOPES } from '../../core/schemas.js';
import { dryRunRunner } from '../../remediate/runners/dryrun.js';
import { openPgliteStore, type OpenedStore } from '../../store/index.js';
import { testApiDeps } from '../../test-support/api-deps.js';
import { OUTAGE_START, seedOutage } from '../../test-support/outage.js';
import { issueKey } from '../../usecases/keys.js';
import { createApi } from '../server.js';

const KEY = 'wr_test_analysis_0123456789abcdef';
const READ_KEY = 'wr_test_analysis_reader_0123456789';

interface Instance {
  opened: OpenedStore;
  server: Server;
  c: HttpClient;
  reader: HttpClient;
  stop(): Promise<void>;
}

/** One process: a store on the data directory and the API over it. */
async function start(dataDir: string): Promise<Instance> {
  const opened = await openPgliteStore({ dataDir });
  const server = createServer(createApi(testApiDeps({ store: () => opened.store, runners: { dryrun: dryRunRunner } })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    opened,
    server,
    c: httpClient(url, KEY),
    reader: httpClient(url, READ_KEY),
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await opened.store.close();
      await opened.admin.close();
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'warroom-analysis-'));
let first: Instance | undefined;
let incidentId: string;
let quietId: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
let analysed: any;

beforeAll(async () => {
  first = await start(dir);
  await first.opened.store.createOrg({ id: 'default', name: 'Default' });
  const org = first.opened.store.forOrg('default');
  await issueKey(org, { keyId: 'k_admin', keyName: 'test', user: { id: 'admin', name: 'Admin', role: 'admin' }, scopes: [...SCOPES] }, 'platform', KEY);
  await issueKey(org, { keyId: 'k_read', keyName: 'reader', user: { id: 'rita', name: 'Rita', role: 'viewer' }, scopes: ['read'] }, 'platform', READ_KEY);
  await seedOutage(org);
  incidentId = (await first.c.post('/v1/incidents/open', { title: 'Checkout is slow', service: 'frontend', started_at: OUTAGE_START })).body.id;
  quietId = (await first.c.post('/v1/incidents/open', { title: 'Nobody looked', service: 'catalog', started_at: OUTAGE_START })).body.id;
  const r = await first.c.post(`/v1/incidents/${incidentId}/analyze`, { window: '20m' });
  expect(r.status).toBe(200);
  analysed = r.body;
}, 180_000);
afterAll(async () => {
  await first?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /v1/incidents/{id}/analysis', () => {
  it('answers the latest stored analysis in the view POST …/analyze answered with, plus when it was stored', async () => {
    expect(analysed.analysis_id).toMatch(/^an_[0-9a-f]{26}$/);
    const r = await first!.c.get(`/v1/incidents/${incidentId}/analysis`);
    expect(r.status).toBe(200);
    const { stored_at, ...rest } = r.body;
    expect(rest).toEqual(analysed);
    expect(Number.isNaN(Date.parse(stored_at))).toBe(false);
    // a reader may read it
    expect((await first!.reader.get(`/v1/incidents/${incidentId}/analysis`)).status).toBe(200);
    expect((await first!.reader.post(`/v1/incidents/${incidentId}/analyze`, {})).status).toBe(403);
  });

  it('answers 404 with the way to analyse for an incident never analysed, and for an unknown incident', async () => {
    const r = await first!.c.get(`/v1/incidents/${quietId}/analysis`);
    expect(r.status).toBe(404);
    expect(r.body.detail).toContain(`POST /v1/incidents/${quietId}/analyze`);
    expect(r.body.hint).toBe(`POST /v1/incidents/${quietId}/analyze`);
    expect((await first!.c.get('/v1/incidents/01JNOSUCHINCIDENT000000000/analysis')).status).toBe(404);
  });

  it('serves the timeline and the fix plans of the incident', async () => {
    const plan = await first!.c.post('/v1/fix/plan', { incident_id: incidentId, env: 'staging', runner: 'dryrun', namespace: 'shop' });
    expect(plan.status).toBe(201);
    expect(plan.body).toMatchObject({ analysis_id: analysed.analysis_id, expect_within_minutes: 10 }); // the catalog's rollback of the blamed deploy
    const t = await first!.c.get(`/v1/incidents/${incidentId}/timeline?limit=500`);
    expect(t.status).toBe(200);
    const kinds = t.body.events.map((e: { kind: string }) => e.kind);
    expect(kinds[0]).toBe('change'); // the deploy came before the incident was opened
    expect(kinds).toEqual(expect.arrayContaining(['opened', 'evidence', 'hypothesis', 'analysis', 'plan']));
    expect(t.body.events.find((e: { kind: string }) => e.kind === 'analysis').id).toBe(analysed.analysis_id);
    // evidence with a time of its own (a metric's onset) sits there, with the time it was recorded, in snake_case
    const moved = t.body.events.filter((e: { recorded_at?: string }) => e.recorded_at !== undefined);
    expect(moved.length).toBeGreaterThan(0);
    expect(moved.every((e: { kind: string; at: string; recorded_at: string; recordedAt?: string }) => e.kind === 'evidence' && e.at < e.recorded_at && e.recordedAt === undefined)).toBe(true);
    expect((await first!.c.get(`/v1/incidents/${incidentId}/timeline?limit=0`)).status).toBe(422);
    const p = await first!.c.get(`/v1/incidents/${incidentId}/fix-plans`);
    expect(p.status).toBe(200);
    expect(p.body.plans.map((x: { plan: { id: string; status: string } }) => [x.plan.id, x.plan.status])).toEqual([[plan.body.id, 'pending_approval']]);
    expect((await first!.c.get('/v1/incidents/01JNOSUCHINCIDENT000000000/fix-plans')).status).toBe(404);
  });

  it('reads the same analysis after a restart: a new process on the same data directory, nothing recomputed', async () => {
    await first!.stop();
    first = undefined;
    const second = await start(dir);
    try {
      const r = await second.c.get(`/v1/incidents/${incidentId}/analysis`);
      expect(r.status).toBe(200);
      expect(r.body.verdict).toBe(analysed.verdict);
      expect(r.body.ranking).toEqual(analysed.ranking);
      const { stored_at: _at, ...rest } = r.body;
      expect(rest).toEqual(analysed);
    } finally {
      first = second;
    }
  }, 120_000);
});

/**
 * The knowledge-base HTTP API as a client uses it, run on each engine (kb.test.ts: PGlite,
 * kb.int.test.ts: Postgres): upload of every format, replacement, masking, limits, tenancy,
 * incident-informed search, the folder connector and the OpenAPI document.
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedder } from '../../core/ports/index.js';
import { localEmbedder } from '../../kb/embed.js';
import { makePdf } from '../../test-support/pdf-fixture.js';
import { type KbApi, startKbApi } from '../../test-support/kb-harness.js';

const RUNBOOKS: Record<string, string> = {
  'runbooks/KubePodCrashLooping.md': `# KubePodCrashLooping

## Meaning

A pod is crash looping: its container keeps exiting and Kubernetes restarts it with a back-off.

## Diagnosis

Check the previous container's logs with kubectl logs --previous and look for the exit code.

## Mitigation

Roll back the last deployment if it started after a rollout.
`,
  'runbooks/NodeDiskFull.md': `# NodeDiskFull

## Meaning

The root filesystem of a node is almost full.

## Mitigation

Remove unused container images and rotate the logs under /var/log.
`,
  'runbooks/CertificateExpiry.md': `# CertificateExpiry

## Meaning

A TLS certificate expires within seven days.

## Mitigation

Renew it with cert-manager.
`,
};

export function kbHttpContract(engine: 'pglite' | 'postgres'): void {
  describe(`knowledge-base HTTP API (${engine})`, () => {
    let api: KbApi;
    const dirs: string[] = [];

    beforeAll(async () => {
      api = await startKbApi(engine, { kbLimits: { maxBytes: 200_000, maxChars: 200_000 }, maxBodyBytes: 400_000 });
      for (const [path, content] of Object.entries(RUNBOOKS)) {
        const r = await api.client().post('/v1/docs/upload', { content, path });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
      }
    });
    afterAll(async () => {
      await api?.stop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    it('uploads Markdown: 201 with what was indexed; the same again is unchanged; new content replaces', async () => {
      const c = api.client();
      const path = 'runbooks/Scratch.md';
      const first = await c.post('/v1/docs/upload', { content: '# Scratch\n\n## One\n\nfirst version about zanzibar', path });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ title: 'Scratch', path, mime: 'text/markdown', status: 'created', chunks: 1, embedded: 1, secrets_masked: false });
      expect(first.body.model).toMatch(/^local-hash/);
      const again = await c.post('/v1/docs/upload', { content: '# Scratch\n\n## One\n\nfirst version about zanzibar', path });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ doc_id: first.body.doc_id, status: 'unchanged' });
      const next = await c.post('/v1/docs/upload', { content: '# Scratch\n\n## Two\n\nsecond version about timbuktu', path });
      expect(next.body).toMatchObject({ doc_id: first.body.doc_id, status: 'replaced', chunks: 1 });
      // The old words are gone from the index (the vector side always returns neighbours, so look at full-text ranks).
      const old = (await c.get('/v1/search?q=zanzibar')).body.hits.find((h: { doc_id: string }) => h.doc_id === first.body.doc_id);
      expect(old?.ranks.lexical).toBeUndefined();
      const hit = (await c.get('/v1/search?q=timbuktu&k=1')).body.hits[0];
      expect(hit).toMatchObject({ doc_id: first.body.doc_id, heading_path: ['Scratch', 'Two'], heading: 'Scratch > Two' });
      const doc = await c.get(`/v1/docs/${first.body.doc_id}`);
      expect(doc.body).toMatchObject({ id: first.body.doc_id, title: 'Scratch', source: 'upload', path, chunks: 1 });
      expect((await c.get('/v1/docs?source=upload')).body.documents.length).toBeGreaterThanOrEqual(4);
    });

    it('search: ranked documents, each with a citation (doc, title, heading path, lines, snippet, score)', async () => {
      const r = await api.client().get(`/v1/search?q=${encodeURIComponent('Pod default/orders-7f9 (server) is in waiting state, reason CrashLoopBackOff')}&k=3`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ k: 3, exact_vectors: engine === 'postgres', incident: null });
      expect(r.body.hits.length).toBeGreaterThan(0);
      expect(r.body.hits.length).toBeLessThanOrEqual(3);
      const top = r.body.hits[0];
      expect(top).toMatchObject({ rank: 1, title: 'KubePodCrashLooping', path: 'runbooks/KubePodCrashLooping.md' });
      expect(top.heading_path[0]).toBe('KubePodCrashLooping');
      expect(top.line_start).toBeGreaterThanOrEqual(1);
      expect(top.line_end).toBeGreaterThanOrEqual(top.line_start);
      const lines = RUNBOOKS['runbooks/KubePodCrashLooping.md'].split('\n').slice(top.line_start - 1, top.line_end).join(' ');
      for (const w of top.snippet.split(' ').slice(0, 5)) expect(lines).toContain(w);
      expect(top.score).toBeGreaterThan(0);
      expect(top.score).toBeLessThanOrEqual(1);
      for (let i = 1; i < r.body.hits.length; i++) expect(r.body.hits[i - 1].score).toBeGreaterThanOrEqual(r.body.hits[i].score);
      expect(new Set(r.body.hits.map((h: { doc_id: string }) => h.doc_id)).size).toBe(r.body.hits.length); // one hit per document
    });

    it('uploads HTML and PDF (base64) and cites them', async () => {
      const c = api.client();
      const html = '<html><head><title>Queue backlog</title></head><body><h1>QueueBacklog</h1><h2>Mitigation</h2><p>Scale the <b>consumers</b> of the kafka topic.</p></body></html>';
      const h = await c.post('/v1/docs/upload', { content: html, path: 'wiki/queue.html' });
      expect(h.body).toMatchObject({ status: 'created', mime: 'text/html', title: 'Queue backlog' });
      const pdf = makePdf(['Etcd defragmentation', 'Run etcdctl defrag on each member', 'one member at a time'], 'Etcd Runbook');
      const p = await c.post('/v1/docs/upload', { content_base64: pdf.toString('base64'), mime: 'application/pdf' });
      expect(p.status).toBe(201);
      expect(p.body).toMatchObject({ mime: 'application/pdf', title: 'Etcd Runbook', path: null });
      const hk = (await c.get('/v1/search?q=kafka%20consumers&k=1')).body.hits[0];
      expect(hk).toMatchObject({ title: 'Queue backlog', heading_path: ['QueueBacklog', 'Mitigation'] });
      const hp = (await c.get('/v1/search?q=etcdctl%20defrag&k=1')).body.hits[0];
      expect(hp).toMatchObject({ title: 'Etcd Runbook', heading_path: ['page 1'], line_start: 1, line_end: 3 });
    });

    it('masks secrets at index time: they are neither stored nor returned', async () => {
      const c = api.client();
      const content = '# DB access\n\nConnect with password=hunter2-secret and header Authorization: Bearer abcdefghijklmnop123.\n\nURL postgres://app:s3cr3tpw@db:5432/app';
      const r = await c.post('/v1/docs/upload', { content, path: 'runbooks/db.md' });
      expect(r.body).toMatchObject({ status: 'created', secrets_masked: true });
      const s = await c.get('/v1/search?q=connect%20password%20header&k=1');
      expect(JSON.stringify(s.body)).not.toMatch(/hunter2|abcdefghijklmnop123|s3cr3tpw/);
      const { rows } = await api.opened.admin.exec("SELECT string_agg(text, ' ') AS t, string_agg(tsv::text, ' ') AS v FROM chunks WHERE doc_id = $1", [r.body.doc_id]);
      expect(String(rows[0].t)).toContain('<:SECRET:>');
      expect(`${rows[0].t} ${rows[0].v}`).not.toMatch(/hunter2|abcdefghijklmnop123|s3cr3tpw/);
    });

    it('refuses bad uploads with clear problem+json errors', async () => {
      const c = api.client();
      const big = await c.post('/v1/docs/upload', { content: 'x'.repeat(250_000), path: 'big.md' });
      expect(big.status).toBe(413);
      expect(big.headers.get('content-type')).toMatch(/problem\+json/);
      expect(big.body).toMatchObject({ type: 'urn:warroom:problem:payload_too_large', limit_bytes: 200_000 });
      expect(big.body.detail).toMatch(/250000 bytes; the limit is 200000 bytes/);
      const body = await c.post('/v1/docs/upload', { content: 'x'.repeat(500_000) });
      expect(body.status).toBe(413);
      const both = await c.post('/v1/docs/upload', { content: 'a', content_base64: 'YQ==' });
      expect(both.status).toBe(422);
      expect(both.body.errors[0]).toMatchObject({ path: 'content', message: 'send exactly one of content and content_base64' });
      expect((await c.post('/v1/docs/upload', { content: 'x', mime: 'image/png' })).body.detail).toMatch(/Unsupported document type/);
      expect((await c.post('/v1/docs/upload', { content_base64: '%%%' })).status).toBe(422);
      expect((await c.post('/v1/docs/upload', { content_base64: Buffer.from('%PDF-1.4 junk').toString('base64') })).body.detail).toMatch(/PDF could not be read/);
      expect((await c.get('/v1/search')).status).toBe(422);
      expect((await c.get('/v1/search?q=x&k=0')).status).toBe(422);
      expect((await c.get('/v1/search?incident_id=nope')).status).toBe(404);
    });

    it('needs the ingest scope to upload and read to search; replays an Idempotency-Key', async () => {
      const reader = await api.keyWith(['read']);
      expect((await api.client(reader).post('/v1/docs/upload', { content: '# x', path: 'x.md' })).status).toBe(403);
      expect((await api.client(reader).get('/v1/search?q=disk')).status).toBe(200);
      const ingester = await api.keyWith(['ingest']);
      const h = { 'idempotency-key': 'upload-1' };
      const a = await api.client(ingester).post('/v1/docs/upload', { content: '# Idem\n\nonce', path: 'idem.md' }, h);
      const b = await api.client(ingester).post('/v1/docs/upload', { content: '# Idem\n\nonce', path: 'idem.md' }, h);
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(b.headers.get('idempotent-replayed')).toBe('true');
    });

    it('every org sees only its own documents', async () => {
      const created = await api.client(api.adminKey).post('/v1/orgs', { name: 'Other' });
      expect(created.status).toBe(201);
      const other = api.client(created.body.admin_key);
      await other.post('/v1/docs/upload', { content: '# Private\n\nOnly org two knows about the flux capacitor.', path: 'p.md' });
      expect((await api.client().get('/v1/search?q=flux%20capacitor')).body.hits.map((h: { title: string }) => h.title)).not.toContain('Private');
      const mine = await other.get('/v1/search?q=crash%20looping%20pod%20disk%20certificate&k=10');
      expect(mine.body.hits.map((h: { title: string }) => h.title)).toEqual(['Private']);
      const docId = (await api.client().get('/v1/docs')).body.documents[0].id;
      expect((await other.get(`/v1/docs/${docId}`)).status).toBe(404);
    });

    it("with incident_id, the incident's service, alert names and error templates make the query", async () => {
      const c = api.client();
      const inc = await c.post('/v1/incidents/open', { title: 'orders down', service: 'orders', started_at: '2026-01-01T10:00:00Z' });
      expect(inc.status).toBe(201);
      const ingest = await c.post('/v1/signals/ingest', {
        signals: [{ source: 'alertmanager', kind: 'event', ts: '2026-01-01T10:01:00Z', key: 'alert', text: 'firing', labels: { service: 'orders', alertname: 'KubePodCrashLooping' } }],
      });
      expect(ingest.status).toBe(202);
      const r = await c.get(`/v1/search?incident_id=${inc.body.id}&k=2`);
      expect(r.status).toBe(200);
      expect(r.body.incident).toMatchObject({ id: inc.body.id, service: 'orders', alerts: ['KubePodCrashLooping'] });
      expect(r.body.query).toContain('KubePodCrashLooping');
      expect(r.body.hits[0].title).toBe('KubePodCrashLooping');
      const narrowed = await c.get(`/v1/search?incident_id=${inc.body.id}&q=${encodeURIComponent('disk full')}&k=1`);
      expect(narrowed.body.query.split('\n')[0]).toBe('disk full');
    });

    it('syncs a folder connector: new files indexed, unchanged skipped, deleted files removed', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'warroom-kb-'));
      dirs.push(dir);
      writeFileSync(join(dir, 'a.md'), '# FolderA\n\nalpha runbook about quokkas');
      writeFileSync(join(dir, 'b.txt'), 'plain text runbook about wombats');
      writeFileSync(join(dir, 'image.png'), 'not indexed');
      const c = api.client();
      const conn = await c.post('/v1/connectors', { kind: 'folder', name: 'runbooks', config: { path: dir } });
      expect(conn.status).toBe(201);
      const s1 = await c.post('/v1/docs/sync', { connector_id: conn.body.id });
      expect(s1.body).toMatchObject({ files: 2, created: 2, unchanged: 0, removed: 0, failed: [] });
      unlinkSync(join(dir, 'b.txt'));
      writeFileSync(join(dir, 'c.md'), '\u0000binary');
      const s2 = await c.post('/v1/docs/sync', { connector_id: conn.body.id });
      expect(s2.body).toMatchObject({ files: 2, created: 0, unchanged: 1, removed: 1 });
      expect(s2.body.failed).toEqual([{ path: 'c.md', error: expect.stringMatching(/binary/) }]);
      expect((await c.get('/v1/search?q=wombats')).body.hits.map((h: { path: string }) => h.path)).not.toContain('b.txt');
      expect((await c.get('/v1/search?q=quokkas&k=1')).body.hits[0].path).toBe('a.md');
      const notFolder = await c.post('/v1/connectors', { kind: 'webhook', name: 'w', config: {} });
      expect((await c.post('/v1/docs/sync', { connector_id: notFolder.body.id })).status).toBe(422);
    });

    it('is described in the OpenAPI document', async () => {
      const doc = (await api.client().get('/v1/openapi.json')).body;
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/docs/upload', '/v1/search', '/v1/docs', '/v1/docs/{id}', '/v1/docs/sync']));
      expect(doc.paths['/v1/search'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['q', 'incident_id', 'k']));
    });

    /** An API whose embedder stops at its first call until released (a slow remote embedder). */
    async function gatedApi() {
      const local = localEmbedder();
      let entered!: () => void;
      const inEmbed = new Promise<void>((r) => (entered = r));
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const slow: Embedder = { model: local.model, dim: local.dim, maxBatch: local.maxBatch, embed: async (t) => (entered(), await gate, local.embed(t)) };
      return { api: await startKbApi(engine, { embedder: slow }), inEmbed, release };
    }
    /** An ingest request while the embedder is held: 202, or 'blocked' if a transaction holds the database. */
    const ingestMeanwhile = (g: KbApi) =>
      Promise.race([
        g.client().post('/v1/signals/ingest', { signals: [{ source: 't', kind: 'log', ts: 0, key: 'k', text: 'meanwhile' }] }),
        new Promise<{ status: string }>((r) => setTimeout(() => r({ status: 'blocked' }), 10_000)),
      ]);

    it('uploads with no transaction open while embedding: other writes go through meanwhile', async () => {
      const g = await gatedApi();
      try {
        const upload = g.api.client().post('/v1/docs/upload', { content: '# Gated\n\nA runbook about pangolins and their care.', path: 'gated.md' });
        await g.inEmbed;
        expect((await ingestMeanwhile(g.api)).status).toBe(202);
        g.release();
        expect((await upload).status).toBe(201);
        expect((await g.api.client().get('/v1/audit?limit=100')).body.entries.map((x: { action: string }) => x.action)).toContain('kb.document.indexed');
      } finally {
        g.release();
        await g.api.stop();
      }
    });

    it('syncs a folder with no transaction open while embedding', async () => {
      const g = await gatedApi();
      const dir = mkdtempSync(join(tmpdir(), 'warroom-kb-'));
      dirs.push(dir);
      writeFileSync(join(dir, 'slow.md'), '# Slow\n\nA runbook about tardigrades.');
      try {
        const conn = await g.api.client().post('/v1/connectors', { kind: 'folder', name: 'slow', config: { path: dir } });
        const sync = g.api.client().post('/v1/docs/sync', { connector_id: conn.body.id });
        await g.inEmbed;
        expect((await ingestMeanwhile(g.api)).status).toBe(202);
        g.release();
        expect((await sync).body).toMatchObject({ files: 1, created: 1 });
        expect((await g.api.client().get('/v1/audit?limit=100')).body.entries.map((x: { action: string }) => x.action)).toContain('kb.folder.synced');
      } finally {
        g.release();
        await g.api.stop();
      }
    });
  });
}


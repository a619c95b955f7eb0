/**
 * The `KbStore` port: documents replaced whole with their chunks, term statistics kept exact,
 * hybrid search per org. Run on PGlite with pgvector and HNSW (store/kb.test.ts) and on the
 * Postgres server (store/kb.int.test.ts), which here lacks pgvector and so runs exact search
 * over real[].
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AdminStore, KbChunkInput, KbDocumentInput, KbEmbedding, OrgStore, Store } from '../../core/ports/index.js';
import { chunkDocument } from '../../kb/chunk.js';
import { localEmbedder } from '../../kb/embed.js';
import { lexicalTerms } from '../../kb/query.js';
import { embeddingInput, lexicalFields } from '../../kb/service.js';
import { splitIdentifiers } from '../../kb/text.js';
import type { Db } from '../sql.js';
import { type StoreOpener, uid } from './fixtures.js';

const DOCS: Record<string, string> = {
  disk: '# NodeDiskFull\n\n## Meaning\n\nThe root filesystem of a node is almost full.\n\n## Mitigation\n\nDelete old container images and rotate the logs under /var/log.',
  crash: '# KubePodCrashLooping\n\n## Meaning\n\nA pod keeps restarting: its container exits and the kubelet backs off.\n\n## Diagnosis\n\nRead the logs of the previous container with kubectl logs --previous.',
  cert: '# CertificateExpiry\n\n## Meaning\n\nA TLS certificate expires within seven days.\n\n## Mitigation\n\nRenew it with cert-manager and restart the ingress.',
  reload: '# AlertmanagerFailedReload\n\n## Meaning\n\nAlertmanager failed to reload its configuration file.\n\n## Mitigation\n\nCheck alertmanager.yaml with amtool check-config.',
};

const local = localEmbedder();
const other = localEmbedder({ dim: 384 });

async function docInput(key: string, text = DOCS[key], embedder = local): Promise<{ doc: KbDocumentInput; chunks: KbChunkInput[] }> {
  const parsed = chunkDocument(text, 'markdown', { minChars: 0 });
  const title = parsed.title ?? key;
  const vs = await embedder.embed(parsed.chunks.map((c) => embeddingInput(title, c.headingPath, c.text)));
  return {
    doc: { id: `doc_${key}`, title, source: 'test', uri: `runbooks/${key}.md`, mime: 'text/markdown', contentHash: `h_${key}_${text.length}`, bytes: text.length, meta: { embed_model: embedder.model } },
    chunks: parsed.chunks.map((c, i) => ({
      id: `doc_${key}#${i}`,
      ord: i,
      text: c.text,
      headingPath: c.headingPath,
      lineStart: c.lineStart,
      lineEnd: c.lineEnd,
      contentHash: c.contentHash,
      ...lexicalFields(title, c.headingPath),
      lexicalBody: splitIdentifiers(c.text),
      embedding: { model: embedder.model, dim: embedder.dim, vector: vs[i] },
    })),
  };
}

async function put(o: OrgStore, key: string, text?: string, embedder = local) {
  const { doc, chunks } = await docInput(key, text, embedder);
  return o.kbPutDocument(doc, chunks);
}

async function query(text: string, embedder = local): Promise<{ terms: string[]; vector: KbEmbedding }> {
  const [v] = await embedder.embed([text]);
  return { terms: lexicalTerms(text), vector: { model: embedder.model, dim: embedder.dim, vector: v } };
}

export function kbStoreContract(name: string, open: StoreOpener): void {
  describe(`KbStore contract: ${name}`, () => {
    let store: Store;
    let admin: AdminStore;
    let db: Db;
    const orgA = uid('kba');
    const orgB = uid('kbb');
    let A: OrgStore;
    let B: OrgStore;

    beforeAll(async () => {
      ({ store, admin, db } = await open());
      await store.createOrg({ id: orgA, name: 'KB A' });
      await store.createOrg({ id: orgB, name: 'KB B' });
      A = store.forOrg(orgA);
      B = store.forOrg(orgB);
      for (const k of Object.keys(DOCS)) await put(A, k);
    });

    const termRows = async (org: string) =>
      Object.fromEntries((await admin.exec('SELECT lexeme, df FROM kb_terms WHERE org_id = $1', [org])).rows.map((r) => [String(r.lexeme), Number(r.df)]));

    it('stores documents with their chunks, citations and embedding labels', async () => {
      const d = await A.kbGetDocument('doc_crash');
      expect(d).toMatchObject({ id: 'doc_crash', orgId: orgA, title: 'KubePodCrashLooping', uri: 'runbooks/crash.md', mime: 'text/markdown', chunkCount: 2 });
      expect(d!.createdAt).toMatch(/Z$/);
      expect((await A.kbListDocuments()).map((x) => x.id)).toEqual(['doc_cert', 'doc_crash', 'doc_disk', 'doc_reload']);
      expect((await A.kbListDocuments({ source: 'nope' })).length).toBe(0);
      const { rows } = await admin.exec('SELECT id, heading_path, line_start, line_end, embed_model, embed_dim FROM chunks WHERE org_id = $1 AND doc_id = $2 ORDER BY ord', [orgA, 'doc_crash']);
      expect(rows).toEqual([
        { id: 'doc_crash#0', heading_path: ['KubePodCrashLooping', 'Meaning'], line_start: 1, line_end: 5, embed_model: local.model, embed_dim: 1536 },
        { id: 'doc_crash#1', heading_path: ['KubePodCrashLooping', 'Diagnosis'], line_start: 7, line_end: 9, embed_model: local.model, embed_dim: 1536 },
      ]);
      expect(await A.kbStats()).toEqual({ documents: 4, chunks: 8, byModel: { [local.model]: 8 } });
    });

    it('full text: an OR of a sentence\'s words, BM25-ranked, title words count most; vectors: nearest first', async () => {
      const q = await query('The pod is crash looping, its container keeps restarting. What to do?');
      const r = await A.kbSearch({ ...q, limit: 10 });
      expect(r.exact).toBe(!store.hasVector);
      expect(r.lexical[0]).toMatchObject({ docId: 'doc_crash', title: 'KubePodCrashLooping', uri: 'runbooks/crash.md' });
      expect(r.lexical[0].headingPath[0]).toBe('KubePodCrashLooping');
      for (let i = 1; i < r.lexical.length; i++) expect(r.lexical[i - 1].score).toBeGreaterThanOrEqual(r.lexical[i].score);
      expect(r.vector[0].docId).toBe('doc_crash');
      expect(r.vector[0].score).toBeGreaterThan(0.1);
      for (let i = 1; i < r.vector.length; i++) expect(r.vector[i - 1].score).toBeGreaterThanOrEqual(r.vector[i].score - 1e-6);
      const camel = await A.kbSearch({ terms: lexicalTerms('alertmanager failed reload'), vector: null, limit: 3 });
      expect(camel.lexical[0].docId).toBe('doc_reload'); // the title AlertmanagerFailedReload is split
      expect(await A.kbSearch({ terms: ['zzzunknownword'], vector: null, limit: 5 })).toEqual({ lexical: [], vector: [], exact: !store.hasVector });
      expect((await A.kbSearch({ terms: lexicalTerms('the of and'), vector: null, limit: 5 })).lexical).toEqual([]); // only stop words
      // "down" and "not" are indexed (they name alert states): no stop list in the index.
      expect((await A.kbSearch({ terms: ['keeps'], vector: null, limit: 5 })).lexical[0].docId).toBe('doc_crash');
    });

    it('every org sees only its own documents, chunks, statistics and hits', async () => {
      await put(B, 'disk', '# OtherOrgDisk\n\nA private runbook about disks in org B only, mentioning zebrafish.');
      expect((await B.kbListDocuments()).map((d) => d.id)).toEqual(['doc_disk']);
      expect((await A.kbGetDocument('doc_disk'))!.title).toBe('NodeDiskFull');
      expect(await B.kbGetDocument('doc_crash')).toBeNull();
      const q = await query('zebrafish disks');
      expect((await A.kbSearch({ terms: ['zebrafish'], vector: null, limit: 10 })).lexical).toEqual([]);
      const hitsB = await B.kbSearch({ ...q, limit: 10 });
      expect(new Set([...hitsB.lexical, ...hitsB.vector].map((h) => h.title))).toEqual(new Set(['OtherOrgDisk']));
      const seen = await db.tenant(orgB, async (s) => {
        const out: string[] = [];
        for (const t of ['docs', 'chunks', 'kb_terms']) for (const r of await s.query(`SELECT DISTINCT org_id FROM ${t}`)) out.push(String(r.org_id));
        return out;
      });
      expect(new Set(seen)).toEqual(new Set([orgB]));
      // The definer function only ever reads the org the transaction set.
      const viaFn = await db.tenant(orgB, (s) => s.query("SELECT chunk_id FROM warroom_kb_lexical(ARRAY['crash','pod','alertmanager'], 10, 1.2, 0.75, 3, 1, 1000)"));
      expect(viaFn).toEqual([]);
      expect(await db.tenant(null, (s) => s.query("SELECT chunk_id FROM warroom_kb_lexical(ARRAY['crash'], 10, 1.2, 0.75, 3, 1, 1000)"))).toEqual([]);
    });

    it('re-putting a document replaces all its chunks and its share of the term statistics', async () => {
      const before = await termRows(orgA);
      expect(before['#chunks']).toBe(8);
      const r = await put(A, 'cert', '# CertificateExpiry\n\nRotate the wildcard certificate with certbot.');
      expect(r.status).toBe('replaced');
      expect(r.document.chunkCount).toBe(1);
      const { rows } = await admin.exec('SELECT id, text FROM chunks WHERE org_id = $1 AND doc_id = $2', [orgA, 'doc_cert']);
      expect(rows).toEqual([{ id: 'doc_cert#0', text: '# CertificateExpiry\n\nRotate the wildcard certificate with certbot.' }]);
      const after = await termRows(orgA);
      expect(after['#chunks']).toBe(7);
      expect(after.ingress).toBeUndefined(); // only the old version mentioned the ingress
      expect(after.certbot).toBe(1);
      expect((await A.kbSearch({ terms: ['ingress'], vector: null, limit: 5 })).lexical).toEqual([]);
      expect((await A.kbSearch({ terms: ['certbot'], vector: null, limit: 5 })).lexical.map((h) => h.chunkId)).toEqual(['doc_cert#0']);
      // The statistics always match the chunks.
      const { rows: n } = await admin.exec('SELECT count(*) AS n, sum(length(tsv)) AS len FROM chunks WHERE org_id = $1', [orgA]);
      expect([after['#chunks'], after['#length']]).toEqual([Number(n[0].n), Number(n[0].len)]);
    });

    it('concurrent writers in one org keep the statistics exact, and a reader never sees half a replacement', async () => {
      const texts = (v: number) => Array.from({ length: 6 }, (_, i) => `## Part ${i}\n\nversion ${v} of the concurrency runbook, part ${i}, word${v}x${i}`).join('\n\n');
      const writes = [1, 2, 3, 4].map((v) => put(A, 'conc', `# ConcurrencyRunbook\n\n${texts(v)}`));
      const reads = Array.from({ length: 8 }, async () => {
        const rows = await db.tenant(orgA, (s) => s.query<{ text: string }>("SELECT text FROM chunks WHERE org_id = $1 AND doc_id = 'doc_conc'", [orgA]));
        return new Set(rows.map((r) => /version (\d)/.exec(r.text)?.[1]).filter(Boolean)).size;
      });
      await Promise.all(writes);
      for (const versions of await Promise.all(reads)) expect(versions).toBeLessThanOrEqual(1);
      await Promise.all(['c1', 'c2', 'c3'].map((k) => put(A, k, `# Doc ${k}\n\nshared words and a unique word uniq${k}`)));
      const stats = await termRows(orgA);
      const { rows } = await admin.exec(
        `SELECT u.lexeme, count(*) AS n FROM chunks c, unnest(c.tsv) u WHERE c.org_id = $1 GROUP BY u.lexeme`,
        [orgA],
      );
      for (const r of rows) expect({ l: r.lexeme, df: stats[String(r.lexeme)] }).toEqual({ l: r.lexeme, df: Number(r.n) });
      expect(stats['#chunks']).toBe(Number((await admin.exec('SELECT count(*) AS n FROM chunks WHERE org_id = $1', [orgA])).rows[0].n));
    });

    it('deleting a document removes its chunks and statistics', async () => {
      expect(await A.kbDeleteDocument('doc_c3')).toBe(true);
      expect(await A.kbDeleteDocument('doc_c3')).toBe(false);
      expect(await A.kbGetDocument('doc_c3')).toBeNull();
      expect((await termRows(orgA)).uniqc3).toBeUndefined();
      expect((await A.kbSearch({ terms: ['uniqc3'], vector: null, limit: 5 })).lexical).toEqual([]);
    });

    it('vectors of another model are never compared; re-embedding moves chunks to the active model', async () => {
      await put(A, 'old', '# LegacyQueueBacklog\n\nThe message queue backlog grows without bound.', other);
      const qLocal = await query('message queue backlog grows');
      const r1 = await A.kbSearch({ ...qLocal, limit: 50 });
      expect(r1.vector.map((h) => h.docId)).not.toContain('doc_old');
      expect(r1.lexical[0].docId).toBe('doc_old'); // full text still finds it
      const qOther = await query('message queue backlog grows', other);
      expect((await A.kbSearch({ terms: [], vector: qOther.vector, limit: 50 })).vector.map((h) => h.docId)).toEqual(['doc_old']);
      const todo = await A.kbChunksToEmbed(local.model, 100);
      expect(todo.map((c) => c.id)).toEqual(['doc_old#0']);
      expect(todo[0]).toMatchObject({ docTitle: 'LegacyQueueBacklog', headingPath: ['LegacyQueueBacklog'] });
      const [v] = await local.embed([embeddingInput(todo[0].docTitle, todo[0].headingPath, todo[0].text)]);
      expect(await A.kbSetEmbeddings([{ id: 'doc_old#0', embedding: { model: local.model, dim: local.dim, vector: v } }])).toBe(1);
      expect(await A.kbChunksToEmbed(local.model, 100)).toEqual([]);
      expect((await A.kbSearch({ ...qLocal, limit: 5 })).vector[0].docId).toBe('doc_old');
      expect((await A.kbStats()).byModel).toEqual({ [local.model]: (await A.kbStats()).chunks });
    });

    it('returns stored vectors by content hash for reuse (padded dimensions cut back to native)', async () => {
      await put(A, 'small', '# SmallDim\n\nA runbook embedded at 384 dimensions.', other);
      const { chunks } = await docInput('small', '# SmallDim\n\nA runbook embedded at 384 dimensions.', other);
      const got = await A.kbEmbeddingsByHash(other.model, [chunks[0].contentHash, 'nope']);
      expect([...got.keys()]).toEqual([chunks[0].contentHash]);
      const e = got.get(chunks[0].contentHash)!;
      expect(e.dim).toBe(384);
      expect(e.vector).toHaveLength(384);
      const want = chunks[0].embedding!.vector;
      for (let i = 0; i < 384; i += 17) expect(e.vector[i]).toBeCloseTo(want[i], 5);
      expect((await A.kbEmbeddingsByHash(local.model, [chunks[0].contentHash])).size).toBe(0);
      expect((await B.kbEmbeddingsByHash(other.model, [chunks[0].contentHash])).size).toBe(0);
    });

    it('refuses what the schema forbids: a bad line range, a vector too long, a duplicate chunk', async () => {
      const { doc, chunks } = await docInput('bad', DOCS.disk);
      await expect(A.kbPutDocument({ ...doc, id: 'doc_bad1' }, [{ ...chunks[0], id: 'x#0', lineStart: 5, lineEnd: 2 }])).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(A.kbPutDocument({ ...doc, id: 'doc_bad2' }, [{ ...chunks[0], id: 'y#0', embedding: { model: 'm', dim: 1537, vector: new Array(1537).fill(0) } }])).rejects.toThrow(/1537 dimensions/);
      await expect(A.kbPutDocument({ ...doc, id: 'doc_bad3' }, [chunks[0], { ...chunks[0], id: 'z#1', ord: 1 }])).rejects.toMatchObject({ code: 'conflict' });
      expect(await A.kbGetDocument('doc_bad1')).toBeNull(); // nothing half-written
      expect(await A.kbGetDocument('doc_bad3')).toBeNull();
    });

    it("gathers an incident's context: error templates, alert names, anomaly series", async () => {
      const inc = await A.openIncident({ id: uid('inc'), title: 'payments 5xx', service: 'payments', severity: 'sev2', startedAt: '2024-05-01T10:00:00.000Z', openedAt: '2024-05-01T10:01:00.000Z', openedBy: 'detector' });
      await admin.exec(
        `INSERT INTO log_templates (org_id, id, service, template, count, first_seen, last_seen) VALUES
         ($1, 't1', 'payments', 'ERROR connection refused to <*>', 50, '2024-05-01T09:00:00Z', '2024-05-01T10:05:00Z'),
         ($1, 't2', 'payments', 'INFO request served in <*> ms', 900, '2024-05-01T09:00:00Z', '2024-05-01T10:05:00Z'),
         ($1, 't3', 'payments', 'ERROR disk quota exceeded', 5, '2024-04-01T09:00:00Z', '2024-04-01T10:05:00Z'),
         ($1, 't4', 'search', 'ERROR shard failed', 70, '2024-05-01T09:00:00Z', '2024-05-01T10:05:00Z')`,
        [orgA],
      );
      await A.insertSignals([
        { id: uid('s'), orgId: orgA, source: 'alertmanager', kind: 'event', ts: '2024-05-01T10:02:00.000Z', key: 'alert', value: null, text: 'firing', labels: { service: 'payments', alertname: 'KubePodCrashLooping' }, meta: {} },
      ]);
      await A.insertAnomalies([{ id: uid('an'), service: 'payments', series: 'http_5xx_rate', ts: '2024-05-01T10:03:00.000Z', value: 0.3, baseline: 0.01, score: 9, direction: 'up', detector: 't', signalId: null }]);
      await A.addEvidence([{ id: uid('ev'), incidentId: inc.id, kind: 'log_cluster', summary: 'cluster of 40 lines', ref: null, data: { template: 'ERROR TLS handshake timeout <*>' } }]);
      const ctx = await A.kbIncidentContext(inc.id);
      expect(ctx!.incident.id).toBe(inc.id);
      expect(ctx!.templates).toEqual(['ERROR TLS handshake timeout <*>', 'ERROR connection refused to <*>']);
      expect(ctx!.alerts).toEqual(['KubePodCrashLooping', 'http_5xx_rate']);
      expect(await A.kbIncidentContext('nope')).toBeNull();
      expect(await B.kbIncidentContext(inc.id)).toBeNull();
    });
  });
}

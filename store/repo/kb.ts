/**
 * Knowledge base: documents, their chunks (replaced together), embeddings labelled with their
 * model, and the two candidate lists hybrid search fuses.
 *
 * Vectors: with pgvector, `embedding vector(1536)` (native vectors zero-padded; cosine is
 * unchanged) searched through the HNSW cosine index; without it, `embedding_arr real[]` holding
 * the native vector, compared exhaustively in SQL. Either way only chunks whose `embed_model`
 * is the query's are compared.
 *
 * Full text: `tsv` is built here from the title and headings (weight A) and the body (weight D).
 * The query is an OR of the terms (an AND of a sentence's words matches almost nothing),
 * ranked with BM25 by warroom_kb_lexical() (see migration 010) from per-org document
 * frequencies that this module keeps in kb_terms as documents come and go. `ts_rank` lacks the
 * inverse document frequency that tells a rare, telling word from a common one, and
 * `ts_rank_cd` with default normalisation favours long chunks.
 */
import type { Incident } from '../../core/schemas.js';
import type { KbChunkHit, KbChunkInput, KbDocument, KbDocumentInput, KbEmbedding, KbIncidentContext, KbSearchCandidates, KbSearchRequest } from '../../core/ports/index.js';
import { type Row, type SqlSession, cleanText, iso, json, jsonOut, num, strOrNull } from '../sql.js';
import { getIncident } from './incidents.js';

/** Chunks per INSERT statement (each carries a 1536-number vector as text). */
const CHUNK_BATCH = 100;
const STORED_DIM = 1536;

/** BM25 parameters (Robertson & Zaragoza, "The Probabilistic Relevance Framework", 2009) and the weight of a title/heading match. */
export const BM25 = {
  k1: 1.2,
  b: 0.75,
  /** Term frequency credited to a lexeme in the title or headings (body: 1). */
  headWeight: 3,
  /**
   * Title coverage: the score is multiplied by 1 + titleCoverage × (share of the title's words
   * that the query contains), which separates near-duplicate alerts such as
   * AlertmanagerFailedToSendAlerts and AlertmanagerClusterFailedToSendAlerts.
   */
  titleCoverage: 1,
  /** Postings read from the GIN index to find candidates (rarest lexemes first). */
  candidateBudget: 300,
} as const;

/** Text search configuration: english stemming without a stop list ("down", "not" and "no" name alert states). */
export const TS_CONFIG = 'public.warroom_english';

/** Advisory lock class (two-int form) serialising knowledge-base writes per org; see migrate.ts for the others. */
export const LOCK_CLASS_KB = 0x77720003;

const DOC_COLS = 'org_id, id, title, source, uri, mime, content_hash, bytes, meta, chunk_count, created_at, updated_at';

export const toKbDocument = (r: Row): KbDocument => ({
  orgId: String(r.org_id),
  id: String(r.id),
  title: String(r.title),
  source: String(r.source),
  uri: strOrNull(r.uri),
  mime: String(r.mime),
  contentHash: String(r.content_hash),
  bytes: num(r.bytes),
  meta: jsonOut<Record<string, unknown>>(r.meta, {}),
  chunkCount: num(r.chunk_count),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

/** A float as short text; float4 storage keeps about 7 significant digits anyway. */
const f = (x: number): string => (x === 0 ? '0' : Number.isFinite(x) ? String(Math.fround(x)) : '0');

/** Vector text for the stored column: pgvector `[…]` padded to 1536, or a real[] literal `{…}`. */
export function vectorLiteral(v: number[], hasVector: boolean): string {
  if (v.length > STORED_DIM) throw new RangeError(`embedding has ${v.length} dimensions; at most ${STORED_DIM} can be stored`);
  const body = v.map(f).join(',');
  if (!hasVector) return `{${body}}`;
  const pad = STORED_DIM - v.length;
  return `[${body}${pad > 0 ? `${v.length ? ',' : ''}${new Array(pad).fill('0').join(',')}` : ''}]`;
}

/** Parses a stored vector (pgvector text, real[] from either driver) back to numbers. */
function parseVector(v: unknown, dim: number): number[] {
  let out: number[];
  if (Array.isArray(v)) out = v.map(Number);
  else if (typeof v === 'string') out = v.replace(/^[[{]|[\]}]$/g, '').split(',').filter((x) => x !== '').map(Number);
  else if (v && typeof v === 'object' && 'length' in (v as object)) out = Array.from(v as ArrayLike<number>);
  else out = [];
  return out.slice(0, dim);
}

/** Serialises this org's knowledge-base writes until commit (the term statistics are shared rows). */
async function lockKb(s: SqlSession, orgId: string): Promise<void> {
  await s.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS_KB, orgId]);
}

/**
 * Adds (sign 1) or removes (sign -1) a document's chunks to/from the org's term statistics:
 * per lexeme the number of chunks holding it, plus the totals '#chunks' and '#length'.
 */
async function countTerms(s: SqlSession, orgId: string, docId: string, sign: 1 | -1): Promise<void> {
  await s.query(
    `INSERT INTO kb_terms (org_id, lexeme, df)
     SELECT $1, x.lexeme, $3::int * x.n FROM (
       SELECT u.lexeme, count(*) AS n FROM chunks c, unnest(c.tsv) AS u WHERE c.org_id = $1 AND c.doc_id = $2 GROUP BY u.lexeme
       UNION ALL SELECT '#chunks', count(*) FROM chunks c WHERE c.org_id = $1 AND c.doc_id = $2
       UNION ALL SELECT '#length', coalesce(sum(length(c.tsv)), 0) FROM chunks c WHERE c.org_id = $1 AND c.doc_id = $2
     ) x
     ORDER BY x.lexeme
     ON CONFLICT (org_id, lexeme) DO UPDATE SET df = kb_terms.df + EXCLUDED.df`,
    [orgId, docId, sign],
  );
  if (sign < 0) await s.query("DELETE FROM kb_terms WHERE org_id = $1 AND df <= 0 AND lexeme NOT LIKE '#%'", [orgId]);
}

/** Marks the org's vectors as changed (exact search reloads its in-memory copy). */
async function bumpGeneration(s: SqlSession, orgId: string): Promise<void> {
  await s.query(
    `INSERT INTO kb_terms (org_id, lexeme, df) VALUES ($1, '#generation', 1)
     ON CONFLICT (org_id, lexeme) DO UPDATE SET df = kb_terms.df + 1`,
    [orgId],
  );
}

/** Deletes a document's chunks and their share of the term statistics. */
async function dropChunks(s: SqlSession, orgId: string, docId: string): Promise<void> {
  await countTerms(s, orgId, docId, -1);
  await s.query('DELETE FROM chunks WHERE org_id = $1 AND doc_id = $2', [orgId, docId]);
}

export async function putDocument(
  s: SqlSession,
  orgId: string,
  hasVector: boolean,
  doc: KbDocumentInput,
  chunks: KbChunkInput[],
): Promise<{ document: KbDocument; status: 'created' | 'replaced' }> {
  await lockKb(s, orgId);
  const [r] = await s.query(
    `INSERT INTO docs (org_id, id, title, source, uri, mime, content_hash, bytes, meta, chunk_count)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)
     ON CONFLICT (org_id, id) DO UPDATE SET
       title = EXCLUDED.title, source = EXCLUDED.source, uri = EXCLUDED.uri, mime = EXCLUDED.mime,
       content_hash = EXCLUDED.content_hash, bytes = EXCLUDED.bytes, meta = EXCLUDED.meta,
       chunk_count = EXCLUDED.chunk_count, updated_at = clock_timestamp()
     RETURNING ${DOC_COLS}, (xmax = 0) AS inserted`,
    [orgId, doc.id, cleanText(doc.title), doc.source, doc.uri, doc.mime, doc.contentHash, doc.bytes, json(doc.meta), chunks.length],
  );
  const inserted = r.inserted === true;
  if (!inserted) await dropChunks(s, orgId, doc.id);
  const col = hasVector ? 'embedding' : 'embedding_arr';
  const cast = hasVector ? 'vector' : 'real[]';
  const sql = `
    INSERT INTO chunks (org_id, id, doc_id, ord, text, heading_path, line_start, line_end, content_hash, embed_model, embed_dim, tsv, title_terms, ${col})
    SELECT $1, t.id, $2, t.ord, t.text, ARRAY(SELECT json_array_elements_text(t.heading_path)), t.line_start, t.line_end, t.content_hash,
           t.embed_model, t.embed_dim,
           setweight(to_tsvector('${TS_CONFIG}', t.title), 'A') || setweight(to_tsvector('${TS_CONFIG}', t.headings), 'B')
             || setweight(to_tsvector('${TS_CONFIG}', t.body), 'D'),
           length(to_tsvector('${TS_CONFIG}', t.title)),
           t.emb::${cast}
    FROM json_to_recordset($3::json) AS t (id text, ord int, text text, heading_path json, line_start int, line_end int,
                                           content_hash text, embed_model text, embed_dim int, title text, headings text, body text, emb text)`;
  for (let i = 0; i < chunks.length; i += CHUNK_BATCH) {
    const rows = chunks.slice(i, i + CHUNK_BATCH).map((c) => ({
      id: c.id,
      ord: c.ord,
      text: cleanText(c.text),
      heading_path: c.headingPath.map(cleanText),
      line_start: c.lineStart,
      line_end: c.lineEnd,
      content_hash: c.contentHash,
      embed_model: c.embedding?.model ?? null,
      embed_dim: c.embedding?.dim ?? null,
      title: cleanText(c.lexicalTitle),
      headings: cleanText(c.lexicalHeadings),
      body: cleanText(c.lexicalBody),
      emb: c.embedding ? vectorLiteral(c.embedding.vector, hasVector) : null,
    }));
    await s.query(sql, [orgId, doc.id, json(rows)]);
  }
  await countTerms(s, orgId, doc.id, 1);
  await bumpGeneration(s, orgId);
  return { document: toKbDocument(r), status: inserted ? 'created' : 'replaced' };
}

export async function getDocument(s: SqlSession, orgId: string, id: string): Promise<KbDocument | null> {
  const [r] = await s.query(`SELECT ${DOC_COLS} FROM docs WHERE org_id = $1 AND id = $2`, [orgId, id]);
  return r ? toKbDocument(r) : null;
}

export async function listDocuments(s: SqlSession, orgId: string, q: { source?: string; limit?: number } = {}): Promise<KbDocument[]> {
  const limit = Math.min(Math.max(Math.trunc(q.limit ?? 1000), 1), 100_000);
  const rows = await s.query(
    `SELECT ${DOC_COLS} FROM docs WHERE org_id = $1 AND ($2::text IS NULL OR source = $2::text) ORDER BY id LIMIT $3`,
    [orgId, q.source ?? null, limit],
  );
  return rows.map(toKbDocument);
}

export async function deleteDocument(s: SqlSession, orgId: string, id: string): Promise<boolean> {
  await lockKb(s, orgId);
  await dropChunks(s, orgId, id);
  await bumpGeneration(s, orgId);
  const rows = await s.query('DELETE FROM docs WHERE org_id = $1 AND id = $2 RETURNING id', [orgId, id]);
  return rows.length > 0;
}

export async function embeddingsByHash(s: SqlSession, orgId: string, hasVector: boolean, model: string, hashes: string[]): Promise<Map<string, KbEmbedding>> {
  const out = new Map<string, KbEmbedding>();
  if (hashes.length === 0) return out;
  const col = hasVector ? 'embedding::text' : 'embedding_arr';
  const rows = await s.query(
    `SELECT DISTINCT ON (content_hash) content_hash, embed_dim, ${col} AS v
     FROM chunks WHERE org_id = $1 AND embed_model = $2 AND content_hash = ANY ($3::text[])
     ORDER BY content_hash, id`,
    [orgId, model, [...new Set(hashes)]],
  );
  for (const r of rows) {
    const dim = num(r.embed_dim);
    out.set(String(r.content_hash), { model, dim, vector: parseVector(r.v, dim) });
  }
  return out;
}

export async function chunksToEmbed(
  s: SqlSession,
  orgId: string,
  model: string,
  limit: number,
): Promise<{ id: string; docTitle: string; text: string; headingPath: string[]; contentHash: string }[]> {
  const rows = await s.query(
    `SELECT c.id, d.title, c.text, c.heading_path, c.content_hash
     FROM chunks c JOIN docs d ON d.org_id = c.org_id AND d.id = c.doc_id
     WHERE c.org_id = $1 AND c.embed_model IS DISTINCT FROM $2
     ORDER BY d.updated_at, c.doc_id, c.ord LIMIT $3`,
    [orgId, model, Math.max(1, Math.trunc(limit))],
  );
  return rows.map((r) => ({ id: String(r.id), docTitle: String(r.title), text: String(r.text), headingPath: (r.heading_path as string[]) ?? [], contentHash: String(r.content_hash) }));
}

export async function setEmbeddings(s: SqlSession, orgId: string, hasVector: boolean, rows: { id: string; embedding: KbEmbedding }[]): Promise<number> {
  if (rows.length === 0) return 0;
  const col = hasVector ? 'embedding' : 'embedding_arr';
  const cast = hasVector ? 'vector' : 'real[]';
  let n = 0;
  for (let i = 0; i < rows.length; i += CHUNK_BATCH) {
    const part = rows.slice(i, i + CHUNK_BATCH).map((r) => ({ id: r.id, model: r.embedding.model, dim: r.embedding.dim, emb: vectorLiteral(r.embedding.vector, hasVector) }));
    const done = await s.query(
      `UPDATE chunks c SET embed_model = t.model, embed_dim = t.dim, ${col} = t.emb::${cast}
       FROM json_to_recordset($2::json) AS t (id text, model text, dim int, emb text)
       WHERE c.org_id = $1 AND c.id = t.id RETURNING c.id`,
      [orgId, json(part)],
    );
    n += done.length;
  }
  await lockKb(s, orgId);
  await bumpGeneration(s, orgId);
  return n;
}

const HIT_COLS = `c.id, c.doc_id, d.title, d.uri, c.ord, c.text, c.heading_path, c.line_start, c.line_end`;

const toHit = (r: Row): KbChunkHit => ({
  chunkId: String(r.id),
  docId: String(r.doc_id),
  title: String(r.title),
  uri: strOrNull(r.uri),
  ord: num(r.ord),
  text: String(r.text),
  headingPath: (r.heading_path as string[]) ?? [],
  lineStart: num(r.line_start),
  lineEnd: num(r.line_end),
  score: num(r.score),
});

/**
 * Exact search without pgvector: the org's vectors of one model are read once into memory
 * (Float32Array) and compared in JavaScript; the copy is reloaded when the org's vector
 * generation (bumped by every write, in kb_terms) moves. Comparing 10,000 1536-number vectors
 * takes milliseconds, where the same dot products in SQL (unnest) take seconds.
 */
export class VectorCache {
  private readonly entries = new Map<string, { generation: number; ids: string[]; rows: VectorRows }>();
  constructor(private readonly maxEntries = 8) {}

  async nearest(s: SqlSession, orgId: string, q: KbEmbedding, limit: number): Promise<{ id: string; score: number }[]> {
    const [g] = await s.query("SELECT df FROM kb_terms WHERE org_id = $1 AND lexeme = '#generation'", [orgId]);
    const generation = g ? num(g.df) : 0;
    const key = `${orgId}\u0000${q.model}`;
    let e = this.entries.get(key);
    if (!e || e.generation !== generation) {
      const rows = await s.query('SELECT id, embedding_arr AS v FROM chunks WHERE org_id = $1 AND embed_model = $2 AND embedding_arr IS NOT NULL', [orgId, q.model]);
      e = { generation, ids: rows.map((r) => String(r.id)), rows: packRows(rows.map((r) => parseVector(r.v, q.dim)), q.dim) };
      this.entries.delete(key);
      this.entries.set(key, e);
      while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    const qv = new Float32Array(e.rows.dim);
    qv.set(q.vector.slice(0, e.rows.dim));
    return topK(e.rows, qv, limit).map((b) => ({ id: e.ids[b.i], score: b.s }));
  }
}

/**
 * Vectors packed for fast dot products: compressed sparse rows when most entries are zero (the
 * local embedder's hashed features fill about a fifth of the dimensions), dense otherwise.
 */
interface VectorRows {
  n: number;
  dim: number;
  /** Sparse: row r spans offsets[r]..offsets[r+1] of index/value. */
  offsets: Uint32Array | null;
  index: Uint16Array | null;
  value: Float32Array;
}

function packRows(vs: number[][], dim: number): VectorRows {
  let nonzero = 0;
  for (const v of vs) for (const x of v) if (x !== 0) nonzero++;
  if (vs.length > 0 && nonzero > 0.4 * vs.length * dim) {
    const value = new Float32Array(vs.length * dim);
    vs.forEach((v, r) => value.set(v.slice(0, dim), r * dim));
    return { n: vs.length, dim, offsets: null, index: null, value };
  }
  const offsets = new Uint32Array(vs.length + 1);
  const index = new Uint16Array(nonzero);
  const value = new Float32Array(nonzero);
  let k = 0;
  vs.forEach((v, r) => {
    for (let j = 0; j < v.length && j < dim; j++) {
      if (v[j] !== 0) {
        index[k] = j;
        value[k++] = v[j];
      }
    }
    offsets[r + 1] = k;
  });
  return { n: vs.length, dim, offsets, index, value };
}

/** The `limit` rows with the largest dot product with q, best first. */
function topK(rows: VectorRows, q: Float32Array, limit: number): { i: number; s: number }[] {
  const best: { i: number; s: number }[] = [];
  const { n, dim, offsets, index, value } = rows;
  for (let i = 0; i < n; i++) {
    let dot = 0;
    if (offsets && index) {
      for (let k = offsets[i], end = offsets[i + 1]; k < end; k++) dot += value[k] * q[index[k]];
    } else {
      const off = i * dim;
      for (let j = 0; j < dim; j++) dot += value[off + j] * q[j];
    }
    if (best.length === limit && dot <= best[limit - 1].s) continue;
    let k = best.length < limit ? best.push({ i, s: dot }) - 1 : limit - 1;
    while (k > 0 && best[k - 1].s < dot) {
      best[k] = best[k - 1];
      k--;
    }
    best[k] = { i, s: dot };
  }
  return best;
}

/** Chunks by id (RLS applies: ids of another org vanish). */
async function chunksById(s: SqlSession, orgId: string, ids: string[]): Promise<Map<string, KbChunkHit>> {
  if (ids.length === 0) return new Map();
  // Chunks by primary key, then each one's document by primary key: a plain join lets stale
  // statistics pick a scan of every document of the org.
  const rows = await s.query(
    `SELECT ${HIT_COLS}, 0 AS score
     FROM (SELECT * FROM chunks WHERE org_id = $1 AND id = ANY ($2::text[]) OFFSET 0) AS c
     CROSS JOIN LATERAL (SELECT d.title, d.uri FROM docs d WHERE d.org_id = c.org_id AND d.id = c.doc_id) AS d`,
    [orgId, ids],
  );
  return new Map(rows.map((r) => [String(r.id), toHit(r)]));
}

export async function search(s: SqlSession, orgId: string, hasVector: boolean, req: KbSearchRequest, cache: VectorCache): Promise<KbSearchCandidates> {
  const limit = Math.min(Math.max(Math.trunc(req.limit), 1), 1000);
  let lexRanked: { id: string; score: number }[] = [];
  let vecRanked: { id: string; score: number }[] = [];
  const terms = [...new Set(req.terms.filter((t) => /^[A-Za-z0-9]+$/.test(t)))].slice(0, 64);
  if (terms.length > 0) {
    const ranked = await s.query<{ chunk_id: string; score: number }>(
      'SELECT chunk_id, score FROM warroom_kb_lexical($1::text[], $2::int, $3::float8, $4::float8, $5::float8, $6::float8, $7::int)',
      [terms, limit, BM25.k1, BM25.b, BM25.headWeight, BM25.titleCoverage, BM25.candidateBudget],
    );
    lexRanked = ranked.map((r) => ({ id: r.chunk_id, score: num(r.score) }));
  }
  if (req.vector) {
    const v = req.vector;
    if (hasVector) {
      // HNSW with a filter: iterative scan keeps going until `limit` rows of this org and model pass.
      // enable_sort off: planner statistics go stale without autovacuum (PGlite), and a stale
      // estimate makes "sort the org's rows" look cheaper than walking the index.
      await s.query(
        "SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('enable_sort', 'off', true)",
        [String(Math.max(40, limit))],
      );
      const nn = await s.query<{ id: string; dist: number }>(
        `SELECT c.id, c.embedding <=> $3::vector AS dist
         FROM chunks c WHERE c.org_id = $1 AND c.embed_model = $2
         ORDER BY c.embedding <=> $3::vector LIMIT $4`,
        [orgId, v.model, vectorLiteral(v.vector, true), limit],
      );
      await s.query("SELECT set_config('enable_sort', 'on', true)");
      // relaxed_order may return neighbours slightly out of order: sort them.
      const ranked = nn.map((r) => ({ id: String(r.id), score: 1 - num(r.dist) })).sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1));
      vecRanked = ranked;
    } else {
      // Exact search: vectors are unit length, so the dot product is the cosine.
      vecRanked = await cache.nearest(s, orgId, v, limit);
    }
  }
  // One read for both lists' chunks.
  const byId = await chunksById(s, orgId, [...new Set([...lexRanked, ...vecRanked].map((r) => r.id))]);
  const hits = (ranked: { id: string; score: number }[]): KbChunkHit[] =>
    ranked.flatMap((r) => {
      const h = byId.get(r.id);
      return h ? [{ ...h, score: r.score }] : [];
    });
  return { lexical: hits(lexRanked), vector: hits(vecRanked), exact: !hasVector };
}

/** Error-looking words: log templates that carry one of these are what a runbook search needs. */
const ERRORISH = ['%error%', '%fail%', '%exception%', '%timeout%', '%timed out%', '%refused%', '%panic%', '%fatal%', '%denied%', '%unavailable%', '%oom%', '%killed%', '%crash%', '%unreachable%', '%exceeded%'];

export async function incidentContext(s: SqlSession, orgId: string, incidentId: string): Promise<KbIncidentContext | null> {
  const incident: Incident | null = await getIncident(s, orgId, incidentId);
  if (!incident) return null;
  const from = new Date(Date.parse(incident.startedAt) - 3_600_000).toISOString();
  const to = new Date(Date.parse(incident.resolvedAt ?? incident.startedAt) + 6 * 3_600_000).toISOString();
  const [tpl] = await s.query<{ t: string[] | null }>(
    `SELECT ARRAY(
       SELECT x.t FROM (
         SELECT e.data ->> 'template' AS t, 0 AS pri, 0::bigint AS n FROM evidence e
          WHERE e.org_id = $1 AND e.incident_id = $2 AND e.kind = 'log_cluster' AND e.data ? 'template'
         UNION ALL
         SELECT e.summary, 1, 0 FROM evidence e
          WHERE e.org_id = $1 AND e.incident_id = $2 AND e.kind = 'log_cluster' AND NOT e.data ? 'template'
         UNION ALL
         SELECT l.template, 2, l.count FROM log_templates l
          WHERE l.org_id = $1 AND l.service = $3 AND l.last_seen >= $4::timestamptz AND l.first_seen <= $5::timestamptz
            AND l.template ILIKE ANY ($6::text[])
       ) x WHERE x.t IS NOT NULL GROUP BY x.t ORDER BY min(x.pri), max(x.n) DESC LIMIT 10) AS t`,
    [orgId, incidentId, incident.service, from, to, ERRORISH],
  );
  const [al] = await s.query<{ a: string[] | null }>(
    `SELECT ARRAY(
       SELECT x.a FROM (
         SELECT coalesce(e.data ->> 'alertname', e.data ->> 'alert', e.data ->> 'series') AS a, 0 AS pri FROM evidence e
          WHERE e.org_id = $1 AND e.incident_id = $2
         UNION ALL
         SELECT s.labels ->> 'alertname', 1 FROM signals s
          WHERE s.org_id = $1 AND s.ts >= $4::timestamptz AND s.ts <= $5::timestamptz
            AND s.labels ? 'alertname' AND s.labels ->> 'service' = $3
         UNION ALL
         SELECT a.series, 2 FROM anomalies a
          WHERE a.org_id = $1 AND a.service = $3 AND a.ts >= $4::timestamptz AND a.ts <= $5::timestamptz
       ) x WHERE x.a IS NOT NULL GROUP BY x.a ORDER BY min(x.pri), x.a LIMIT 10) AS a`,
    [orgId, incidentId, incident.service, from, to],
  );
  const [an] = await s.query<{ result: unknown }>('SELECT result FROM analyses WHERE org_id = $1 AND incident_id = $2 ORDER BY created_at DESC, id DESC LIMIT 1', [orgId, incidentId]);
  return { incident, templates: tpl?.t ?? [], alerts: al?.a ?? [], analysisResult: an ? jsonOut<unknown>(an.result, null) : null };
}

export async function stats(s: SqlSession, orgId: string): Promise<{ documents: number; chunks: number; byModel: Record<string, number> }> {
  const [d] = await s.query('SELECT count(*) AS n FROM docs WHERE org_id = $1', [orgId]);
  const rows = await s.query("SELECT coalesce(embed_model, '') AS m, count(*) AS n FROM chunks WHERE org_id = $1 GROUP BY 1", [orgId]);
  const byModel: Record<string, number> = {};
  let chunks = 0;
  for (const r of rows) {
    chunks += num(r.n);
    if (r.m) byModel[String(r.m)] = num(r.n);
  }
  return { documents: num(d.n), chunks, byModel };
}

-- Knowledge base: what a citation needs (heading path, line range), de-duplication by content
-- hash, the embedding model and native dimension of every chunk (search compares only vectors
-- of the active model), and full-text ranking with BM25.
--
-- Full text: `tsv` is built by the store from the title (weight A), the headings (B) and the
-- body (D), with compound identifiers split (KubePodCrashLooping → kube pod crash looping), in
-- the configuration warroom_english: english stemming without the stop list, because "down",
-- "not", "no" and "off" name alert states (KubeletDown, KubeDaemonSetNotScheduled).
-- BM25 needs each term's document frequency: kb_terms keeps it per org and lexeme, updated in
-- the transaction that stores or deletes a document (serialised per org by an advisory lock),
-- with two totals rows, '#chunks' and '#length'.
--
-- Row-level security stops a non-leakproof operator such as tsvector @@ tsquery from being used
-- as an index condition, so under RLS every full-text query would scan all of the org's
-- chunks. warroom_kb_lexical() runs the GIN-indexed search as the table owner, restricted to
-- the org the calling transaction set in app.org_id, and returns only chunk ids and scores;
-- the caller then reads the chunks themselves under RLS.

CREATE TEXT SEARCH DICTIONARY warroom_english_stem (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION warroom_english (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION warroom_english
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH warroom_english_stem;

ALTER TABLE docs ADD COLUMN mime text NOT NULL DEFAULT 'text/markdown';
ALTER TABLE docs ADD COLUMN content_hash text NOT NULL DEFAULT '';
ALTER TABLE docs ADD COLUMN bytes integer NOT NULL DEFAULT 0;
ALTER TABLE docs ADD COLUMN chunk_count integer NOT NULL DEFAULT 0;
CREATE INDEX docs_org_source ON docs (org_id, source);

-- 007's tsv was generated from the chunk text alone; it gives way to the weighted one.
ALTER TABLE chunks DROP COLUMN tsv;
ALTER TABLE chunks ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector;
ALTER TABLE chunks ADD COLUMN title_terms integer NOT NULL DEFAULT 0;
ALTER TABLE chunks ADD COLUMN heading_path text[] NOT NULL DEFAULT '{}';
ALTER TABLE chunks ADD COLUMN line_start integer NOT NULL DEFAULT 1;
ALTER TABLE chunks ADD COLUMN line_end integer NOT NULL DEFAULT 1;
ALTER TABLE chunks ADD COLUMN content_hash text NOT NULL DEFAULT '';
ALTER TABLE chunks ADD COLUMN embed_model text;
ALTER TABLE chunks ADD COLUMN embed_dim integer;
ALTER TABLE chunks ADD CONSTRAINT chunks_line_range CHECK (line_start >= 1 AND line_end >= line_start);
ALTER TABLE chunks ADD CONSTRAINT chunks_embedding_labelled
  CHECK ((embed_model IS NULL) = (embed_dim IS NULL) AND (embed_dim IS NULL OR embed_dim BETWEEN 1 AND 1536));
ALTER TABLE chunks ADD CONSTRAINT chunks_doc_hash_unique UNIQUE (org_id, doc_id, content_hash);
-- fastupdate off: without autovacuum (PGlite) the pending list would grow and every search would scan it.
CREATE INDEX chunks_tsv ON chunks USING gin (tsv) WITH (fastupdate = off);
CREATE INDEX chunks_org_model ON chunks (org_id, embed_model);
CREATE INDEX chunks_org_hash ON chunks (org_id, content_hash);

CREATE TABLE kb_terms (
  org_id text NOT NULL,
  lexeme text NOT NULL,
  df     bigint NOT NULL,
  PRIMARY KEY (org_id, lexeme)
);
ALTER TABLE kb_terms ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON kb_terms
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

-- BM25 (Robertson & Zaragoza 2009) over the chunks of the caller's org. The query is an OR of
-- the terms' lexemes (warroom_english, as the index). Candidates come from the GIN index
-- through the rarest lexemes, taken in order of document frequency while their postings stay
-- within p_budget (at least one); each candidate is then scored on every lexeme. Term
-- frequency is binary per field: a lexeme in the title or headings (weights A, B) counts
-- p_head, in the body only 1. The sum is multiplied by 1 + p_cover × the share of the title's
-- lexemes that the query holds. The scoring statement is built with the lexemes and weights as
-- literals so that the planner sees them, and the org filter is written so that only the GIN
-- index can drive the scan (planner statistics are often stale on PGlite: no autovacuum);
-- OFFSET 0 keeps each row's length norm and sum from being re-computed at every reference.
CREATE FUNCTION warroom_kb_lexical(p_terms text[], p_limit integer, p_k1 float8, p_b float8, p_head float8, p_cover float8, p_budget integer)
RETURNS TABLE (chunk_id text, score float8)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
SET enable_seqscan = off
AS $$
DECLARE
  v_org text := current_setting('app.org_id', true);
  v_n float8;
  v_avg float8;
  v_sum text := '0::float8';
  v_sel text[] := '{}';
  v_cum bigint := 0;
  v_idf float8;
  r record;
BEGIN
  IF v_org IS NULL OR v_org = '' OR p_terms IS NULL THEN
    RETURN;
  END IF;
  SELECT greatest(coalesce(max(k.df) FILTER (WHERE k.lexeme = '#chunks'), 0), 1),
         greatest(coalesce(max(k.df) FILTER (WHERE k.lexeme = '#length'), 0), 1)
    INTO v_n, v_avg
    FROM public.kb_terms k WHERE k.org_id = v_org AND k.lexeme IN ('#chunks', '#length');
  v_avg := v_avg / v_n;
  FOR r IN
    SELECT q.lexeme, t.df
    FROM (SELECT DISTINCT lx.lexeme
          FROM unnest(p_terms) AS x(term),
               LATERAL unnest(tsvector_to_array(to_tsvector('public.warroom_english', x.term))) AS lx(lexeme)) AS q
    CROSS JOIN LATERAL (SELECT k.df FROM public.kb_terms k WHERE k.org_id = v_org AND k.lexeme = q.lexeme AND k.df > 0) AS t
    ORDER BY t.df, q.lexeme
  LOOP
    IF cardinality(v_sel) = 0 OR v_cum + r.df <= p_budget THEN
      v_sel := v_sel || r.lexeme;
      v_cum := v_cum + r.df;
    END IF;
    v_idf := ln(1 + (v_n - r.df + 0.5) / (r.df + 0.5));
    -- One CASE per lexeme; a title hit also adds 1e6, which counts title hits in the same sum.
    v_sum := v_sum || format(
      ' + CASE WHEN c.tsv @@ %L::tsquery THEN 1000000::float8 + %s::float8 / (%s::float8 + c.norm)'
      ' WHEN c.tsv @@ %L::tsquery THEN %s::float8 / (%s::float8 + c.norm)'
      ' WHEN c.tsv @@ %L::tsquery THEN %s::float8 / (1::float8 + c.norm) ELSE 0::float8 END',
      quote_literal(r.lexeme) || ':A', v_idf * p_head * (p_k1 + 1), p_head,
      quote_literal(r.lexeme) || ':B', v_idf * p_head * (p_k1 + 1), p_head,
      quote_literal(r.lexeme), v_idf * (p_k1 + 1));
  END LOOP;
  IF cardinality(v_sel) = 0 THEN
    RETURN;
  END IF;
  RETURN QUERY EXECUTE format(
    'SELECT t.id, (t.s - 1000000::float8 * floor(t.s / 1000000::float8))
                  * (1::float8 + %s::float8 * floor(t.s / 1000000::float8) / greatest(t.title_terms, 1)) AS score
     FROM (SELECT c.id, c.title_terms, (%s) AS s
           FROM (SELECT ch.id, ch.tsv, ch.title_terms,
                        %s::float8 * (1::float8 - %s::float8 + %s::float8 * length(ch.tsv)::float8 / %s::float8) AS norm
                 FROM public.chunks ch
                 WHERE ch.tsv @@ %L::tsquery AND (ch.org_id || '''') = %L
                 OFFSET 0) AS c
           OFFSET 0) AS t
     ORDER BY 2 DESC, 1
     LIMIT %s',
    p_cover, v_sum, p_k1, p_b, p_b, v_avg,
    (SELECT string_agg(quote_literal(l), ' | ') FROM unnest(v_sel) AS l), v_org, greatest(p_limit, 1));
END
$$;
REVOKE ALL ON FUNCTION warroom_kb_lexical(text[], integer, float8, float8, float8, float8, integer) FROM PUBLIC;

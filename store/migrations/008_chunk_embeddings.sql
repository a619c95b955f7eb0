-- Conditional step: with pgvector available (PGlite always; Postgres only if installed) chunks
-- get `embedding vector(1536)` with an HNSW cosine index; without it they get
-- `embedding_arr real[]` for exact (brute-force) search. The store reports which one it has
-- as `hasVector`. Installing pgvector later does not convert an existing database.

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    CREATE EXTENSION IF NOT EXISTS vector;
    EXECUTE 'ALTER TABLE chunks ADD COLUMN embedding vector(1536)';
    EXECUTE 'CREATE INDEX chunks_embedding_hnsw ON chunks USING hnsw (embedding vector_cosine_ops)';
  ELSE
    ALTER TABLE chunks ADD COLUMN embedding_arr real[];
  END IF;
END
$$;

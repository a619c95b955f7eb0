-- Runbooks and other documents for retrieval, split into chunks. The embedding column is added
-- by 008, which depends on whether the server has pgvector.

CREATE TABLE docs (
  org_id     text NOT NULL REFERENCES orgs (id),
  id         text NOT NULL,
  title      text NOT NULL,
  source     text NOT NULL,
  uri        text,
  meta       jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id)
);
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON docs
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

CREATE TABLE chunks (
  org_id     text NOT NULL,
  id         text NOT NULL,
  doc_id     text NOT NULL,
  ord        integer NOT NULL,
  text       text NOT NULL,
  meta       jsonb NOT NULL DEFAULT '{}'::jsonb,
  tsv        tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, doc_id) REFERENCES docs (org_id, id) ON DELETE CASCADE
);
CREATE INDEX chunks_org_doc ON chunks (org_id, doc_id, ord);
CREATE INDEX chunks_tsv ON chunks USING gin (tsv);
ALTER TABLE chunks ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON chunks
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

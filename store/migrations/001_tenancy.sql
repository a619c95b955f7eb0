-- Orgs, users, API keys and connectors. Every tenant table carries org_id and row-level
-- security keyed on the transaction setting app.org_id (set by the store per transaction).
-- Runs on PostgreSQL 15 and on PGlite (PostgreSQL 18): no PG16+ features.

CREATE TABLE orgs (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE orgs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON orgs
  USING (id = current_setting('app.org_id', true))
  WITH CHECK (id = current_setting('app.org_id', true));

CREATE TABLE users (
  org_id     text NOT NULL REFERENCES orgs (id),
  id         text NOT NULL,
  name       text NOT NULL,
  email      text,
  role       text NOT NULL CHECK (role IN ('viewer', 'responder', 'sre', 'admin')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id)
);
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON users
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

-- Keys are stored only as their sha256 hash; the hash is unique across orgs so a bearer key
-- resolves to exactly one org (through warroom_find_api_key below).
CREATE TABLE api_keys (
  org_id     text NOT NULL REFERENCES orgs (id),
  id         text NOT NULL,
  user_id    text NOT NULL,
  name       text NOT NULL,
  scopes     text[] NOT NULL CHECK (scopes <@ ARRAY['ingest', 'read', 'plan', 'approve', 'admin']::text[]),
  hash       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  PRIMARY KEY (org_id, id),
  CONSTRAINT api_keys_hash_key UNIQUE (hash),
  FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id)
);
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

-- Cross-tenant lookup of a key by its hash: the only way the application role can read a
-- key row without knowing its org. Narrow on purpose: one hash in, one row out.
CREATE FUNCTION warroom_find_api_key(p_hash text)
RETURNS TABLE (org_id text, id text, user_id text, name text, scopes text[], created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
  SELECT k.org_id, k.id, k.user_id, k.name, k.scopes, k.created_at
  FROM public.api_keys k
  WHERE k.hash = p_hash AND k.revoked_at IS NULL
$$;
REVOKE ALL ON FUNCTION warroom_find_api_key(text) FROM PUBLIC;

CREATE TABLE connectors (
  org_id     text NOT NULL REFERENCES orgs (id),
  id         text NOT NULL,
  kind       text NOT NULL,
  name       text NOT NULL,
  config     jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  pos        bigint GENERATED ALWAYS AS IDENTITY, -- insertion order (timestamps tie within a transaction)
  PRIMARY KEY (org_id, id)
);
ALTER TABLE connectors ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON connectors
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

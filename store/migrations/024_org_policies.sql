-- An org's own Cedar policy sets (PUT /v1/policies/{name}, usecases/policies.ts): one row per
-- named set, its text validated against policies/warroom.cedarschema before it is stored. The
-- preflight's policy gate evaluates them with the built-in policies and WARROOM_POLICY_DIR's;
-- sha256 (of the text) is what its per-org cache is keyed on, and what the audit entry records.
CREATE TABLE org_policies (
  org_id     text NOT NULL REFERENCES orgs (id),
  name       text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
  text       text NOT NULL,
  sha256     text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  updated_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (org_id, name)
);
ALTER TABLE org_policies ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON org_policies
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

-- The audit log: a hash chain per org (see core/audit-chain.ts). Append-only: the application
-- role gets no UPDATE/DELETE, and a trigger rejects UPDATE, DELETE and TRUNCATE for everyone
-- (an owner who disables the trigger is caught by `warroom audit verify`).

CREATE TABLE audit_log (
  org_id    text NOT NULL REFERENCES orgs (id),
  seq       bigint NOT NULL CHECK (seq > 0),
  ts        timestamptz NOT NULL,
  actor     text NOT NULL,
  action    text NOT NULL,
  target    text NOT NULL,
  payload   jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash text NOT NULL,
  hash      text NOT NULL,
  PRIMARY KEY (org_id, seq)
);
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_log
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

-- The newest entry of each chain, kept apart so that deleting the newest rows is detectable.
CREATE TABLE audit_heads (
  org_id text PRIMARY KEY REFERENCES orgs (id),
  seq    bigint NOT NULL,
  hash   text NOT NULL
);
ALTER TABLE audit_heads ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_heads
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

CREATE FUNCTION warroom_audit_append_only() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION warroom_audit_append_only();

CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION warroom_audit_append_only();

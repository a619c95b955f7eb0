-- Signals, the service topology and log templates.
-- signals has no foreign key to orgs on purpose: it is the hot insert path (org_id is pinned
-- by row-level security WITH CHECK to the transaction's org, which exists).

CREATE TABLE signals (
  org_id      text NOT NULL,
  id          text NOT NULL,
  source      text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('log', 'metric', 'event', 'deploy', 'flag')),
  ts          timestamptz NOT NULL,
  key         text NOT NULL,
  value       double precision,
  text        text,
  labels      jsonb NOT NULL DEFAULT '{}'::jsonb,
  meta        jsonb NOT NULL DEFAULT '{}'::jsonb,
  ingested_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id)
);
CREATE INDEX signals_org_ts ON signals (org_id, ts);
ALTER TABLE signals ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON signals
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

-- One row per org: the current service graph; version goes up by one on every put.
CREATE TABLE topologies (
  org_id     text PRIMARY KEY REFERENCES orgs (id),
  version    integer NOT NULL CHECK (version > 0),
  nodes      jsonb NOT NULL DEFAULT '[]'::jsonb,
  edges      jsonb NOT NULL DEFAULT '[]'::jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE topologies ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON topologies
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

-- Mined log templates (Drain-style); table only for now.
CREATE TABLE log_templates (
  org_id     text NOT NULL REFERENCES orgs (id),
  id         text NOT NULL,
  service    text NOT NULL,
  template   text NOT NULL,
  count      bigint NOT NULL DEFAULT 0,
  first_seen timestamptz NOT NULL,
  last_seen  timestamptz NOT NULL,
  exemplars  jsonb NOT NULL DEFAULT '[]'::jsonb,
  PRIMARY KEY (org_id, id)
);
CREATE INDEX log_templates_org_service ON log_templates (org_id, service, last_seen);
ALTER TABLE log_templates ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON log_templates
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

-- Reads for the agent and the REST API (issue 15 §2): metric series, and the log templates the
-- detection engine mines (until now the table was never written).

-- No index for metric series reads (GET /v1/metrics/series, listMetricNames): they go through
-- signals_org_ts. Measured on the local Postgres 15 (loaded machine), 1 h of 200k metric points
-- and 120k log lines: one series read took ~150 ms through signals_org_ts and ~50 ms with a
-- partial index on (org_id, service expression, key, ts) WHERE kind = 'metric', but that index
-- made inserting metric points ~35 % slower (100k points: ~12.3 s → ~16.5 s). Ingest is the hot
-- path; a read for a person or the agent can spend 150 ms.

-- Log templates: the level mix of the template's lines and whether the template was new to the
-- org's miner when the row was first written (novel); searched by ILIKE over the template text
-- (a few thousand rows per org), newest activity first.
ALTER TABLE log_templates ADD COLUMN levels jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE log_templates ADD COLUMN novel boolean NOT NULL DEFAULT false;
CREATE INDEX log_templates_org_last_seen ON log_templates (org_id, last_seen DESC);

-- The detection batches whose template counts were applied: a redelivered batch (the bus
-- delivers at least once) is fed to the engine again, and its count deltas must not be added
-- twice. One row per batch (the ingest message id).
CREATE TABLE log_template_batches (
  org_id     text NOT NULL,
  batch_id   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, batch_id)
);
ALTER TABLE log_template_batches ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON log_template_batches
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

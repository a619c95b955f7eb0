-- Reads for the agent and the REST API (issue 15 §2): metric series, and the log templates the
-- detection engine mines (until now the table was never written).

-- One metric series of one service over a range (query_metric, GET /v1/metrics/series) and the
-- metric names a service has: through signals_org_ts that read visits every signal of the
-- window (~200k metric points and ~120k log lines per hour of the sandbox shop). This partial
-- index holds metric points only, keyed the way the analysis names a series' service
-- (store/repo/analysis.ts SERVICE: the expression must stay identical for the planner to use it).
CREATE INDEX signals_org_metric_series ON signals
  (org_id, (coalesce(labels ->> 'service', labels ->> 'service_name', labels ->> 'app', labels ->> 'job')), key, ts)
  WHERE kind = 'metric';

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

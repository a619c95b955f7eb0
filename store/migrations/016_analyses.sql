-- Stored analyses: the whole result of one root-cause analysis of an incident (ranking,
-- correlations, blast radius, log clusters, notes, window, counts), so that a restarted process,
-- another instance, the timeline and the agent's tools read the analysis instead of recomputing
-- it. The id is derived from the incident and the canonical result: a re-run on the same data
-- stores nothing new. The evidence and hypotheses rows stay where they are (the result names
-- them by content-derived ids).
CREATE TABLE analyses (
  org_id      text NOT NULL,
  id          text NOT NULL,
  incident_id text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  window_from timestamptz NOT NULL,
  window_to   timestamptz NOT NULL,
  verdict     text NOT NULL CHECK (verdict IN ('confident', 'no confident hypothesis')),
  result      jsonb NOT NULL,
  counts      jsonb NOT NULL DEFAULT '{}'::jsonb,
  pos         bigint GENERATED ALWAYS AS IDENTITY, -- insertion order (timestamps tie within a transaction)
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, incident_id) REFERENCES incidents (org_id, id)
);
CREATE INDEX analyses_org_incident_created ON analyses (org_id, incident_id, created_at);
ALTER TABLE analyses ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON analyses
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

-- An incident's timeline reads the audit entries that target it (status changes, revisions):
-- without this index that read walks the org's whole chain.
CREATE INDEX audit_log_org_target ON audit_log (org_id, target, seq);

-- Checkpoints of the streaming detectors' learned state (seasonal baselines, log templates,
-- SLO windows), one row per org and detector name, replaced in place. A restarted worker resumes
-- from here instead of warming up for two days again; batches processed after the checkpoint are
-- re-processed on redelivery and yield the same anomaly ids, so nothing is stored twice.
-- The state is gzip-compressed JSON in bytea: opaque to SQL, a few MB at most, and free to hold
-- strings jsonb refuses (detector keys join names with U+0000).
CREATE TABLE detector_state (
  org_id     text NOT NULL REFERENCES orgs (id),
  name       text NOT NULL,
  state      bytea NOT NULL,
  saved_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, name)
);
ALTER TABLE detector_state ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON detector_state
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

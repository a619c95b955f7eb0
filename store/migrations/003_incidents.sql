-- Incidents, anomalies, evidence and hypotheses.
-- Invariant kept by the database: every hypothesis cites at least one evidence row of its own
-- incident (checked at commit, so the hypothesis and its links go in one transaction).

CREATE TABLE incidents (
  org_id      text NOT NULL REFERENCES orgs (id),
  id          text NOT NULL,
  title       text NOT NULL,
  service     text NOT NULL,
  severity    text NOT NULL CHECK (severity IN ('sev1', 'sev2', 'sev3', 'sev4')),
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'mitigated', 'resolved', 'closed')),
  started_at  timestamptz NOT NULL,
  opened_at   timestamptz NOT NULL,
  opened_by   text NOT NULL,
  resolved_at timestamptz,
  PRIMARY KEY (org_id, id)
);
CREATE INDEX incidents_org_service_status ON incidents (org_id, service, status);
CREATE INDEX incidents_org_opened ON incidents (org_id, opened_at);
ALTER TABLE incidents ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON incidents
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

CREATE TABLE anomalies (
  org_id    text NOT NULL REFERENCES orgs (id),
  id        text NOT NULL,
  service   text NOT NULL,
  series    text NOT NULL,
  ts        timestamptz NOT NULL,
  value     double precision NOT NULL,
  baseline  double precision NOT NULL,
  score     double precision NOT NULL,
  direction text NOT NULL CHECK (direction IN ('up', 'down')),
  detector  text NOT NULL,
  signal_id text,
  PRIMARY KEY (org_id, id)
);
CREATE INDEX anomalies_org_ts ON anomalies (org_id, ts);
CREATE INDEX anomalies_org_service_ts ON anomalies (org_id, service, ts);
ALTER TABLE anomalies ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON anomalies
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

CREATE TABLE evidence (
  org_id      text NOT NULL,
  id          text NOT NULL,
  incident_id text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('anomaly', 'log_cluster', 'change', 'metric_delta', 'topology_path', 'signal', 'note')),
  summary     text NOT NULL,
  ref         text,
  data        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  pos         bigint GENERATED ALWAYS AS IDENTITY, -- insertion order (timestamps tie within a transaction)
  PRIMARY KEY (org_id, id),
  CONSTRAINT evidence_incident_key UNIQUE (org_id, id, incident_id),
  FOREIGN KEY (org_id, incident_id) REFERENCES incidents (org_id, id)
);
CREATE INDEX evidence_org_incident ON evidence (org_id, incident_id, pos);
ALTER TABLE evidence ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON evidence
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

CREATE TABLE hypotheses (
  org_id           text NOT NULL,
  id               text NOT NULL,
  incident_id      text NOT NULL,
  rank             integer NOT NULL,
  statement        text NOT NULL,
  confidence       double precision NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
  service          text,
  change_id        text,
  counter_evidence jsonb NOT NULL DEFAULT '[]'::jsonb,
  why_not          jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  CONSTRAINT hypotheses_incident_key UNIQUE (org_id, id, incident_id),
  FOREIGN KEY (org_id, incident_id) REFERENCES incidents (org_id, id)
);
CREATE INDEX hypotheses_org_incident ON hypotheses (org_id, incident_id, rank);
ALTER TABLE hypotheses ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON hypotheses
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

-- A link carries the incident of both ends: the two composite foreign keys make a link to
-- evidence of another incident impossible.
CREATE TABLE hypothesis_evidence (
  org_id        text NOT NULL,
  hypothesis_id text NOT NULL,
  evidence_id   text NOT NULL,
  incident_id   text NOT NULL,
  ord           integer NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, hypothesis_id, evidence_id),
  CONSTRAINT hypothesis_evidence_hypothesis FOREIGN KEY (org_id, hypothesis_id, incident_id)
    REFERENCES hypotheses (org_id, id, incident_id) ON DELETE CASCADE,
  CONSTRAINT hypothesis_evidence_same_incident FOREIGN KEY (org_id, evidence_id, incident_id)
    REFERENCES evidence (org_id, id, incident_id)
);
CREATE INDEX hypothesis_evidence_evidence ON hypothesis_evidence (org_id, evidence_id);
ALTER TABLE hypothesis_evidence ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON hypothesis_evidence
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

-- Deferred to commit: a hypothesis (new, changed, or losing a link) must still cite at least
-- one evidence row of its own incident.
CREATE FUNCTION warroom_check_hypothesis_evidence() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  h_org      text;
  h_id       text;
  h_incident text;
BEGIN
  IF TG_TABLE_NAME = 'hypotheses' THEN
    h_org := NEW.org_id;
    h_id := NEW.id;
  ELSE
    h_org := OLD.org_id;
    h_id := OLD.hypothesis_id;
  END IF;
  SELECT h.incident_id INTO h_incident FROM public.hypotheses h WHERE h.org_id = h_org AND h.id = h_id;
  IF NOT FOUND THEN
    RETURN NULL; -- the hypothesis itself is gone
  END IF;
  IF NOT EXISTS (
    SELECT 1
    FROM public.hypothesis_evidence he
    JOIN public.evidence e ON e.org_id = he.org_id AND e.id = he.evidence_id
    WHERE he.org_id = h_org AND he.hypothesis_id = h_id AND e.incident_id = h_incident
  ) THEN
    RAISE EXCEPTION 'hypothesis % cites no evidence of incident %', h_id, h_incident
      USING ERRCODE = 'check_violation', CONSTRAINT = 'hypothesis_needs_evidence';
  END IF;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER hypothesis_needs_evidence
  AFTER INSERT OR UPDATE ON hypotheses
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION warroom_check_hypothesis_evidence();

CREATE CONSTRAINT TRIGGER hypothesis_keeps_evidence
  AFTER DELETE OR UPDATE ON hypothesis_evidence
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION warroom_check_hypothesis_evidence();

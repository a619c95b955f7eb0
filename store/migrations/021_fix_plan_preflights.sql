-- Preflight results of fix plans (usecases/preflight.ts): each run's verdict and its gates
-- (dry_run, policy, slo_budget, drift: [{name, passed, reason, details}]), kept with the plan and
-- never changed. Executing a prod plan needs a passed one newer than the plan's last change.
CREATE TABLE fix_plan_preflights (
  org_id     text NOT NULL,
  id         text NOT NULL,
  plan_id    text NOT NULL,
  passed     boolean NOT NULL,
  gates      jsonb NOT NULL DEFAULT '[]'::jsonb,
  ms         integer NOT NULL,
  run_by     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  pos        bigint GENERATED ALWAYS AS IDENTITY, -- insertion order
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, plan_id) REFERENCES fix_plans (org_id, id)
);
CREATE INDEX fix_plan_preflights_org_plan ON fix_plan_preflights (org_id, plan_id, pos);
ALTER TABLE fix_plan_preflights ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON fix_plan_preflights
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

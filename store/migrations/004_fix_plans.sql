-- Fix plans, approvals and the commands a runner executed.

CREATE TABLE fix_plans (
  org_id       text NOT NULL,
  id           text NOT NULL,
  incident_id  text NOT NULL,
  title        text NOT NULL,
  env          text NOT NULL CHECK (env IN ('prod', 'staging', 'dev')),
  runner       text NOT NULL,
  risk         text NOT NULL CHECK (risk IN ('low', 'medium', 'high')),
  steps        jsonb NOT NULL DEFAULT '[]'::jsonb,
  status       text NOT NULL CHECK (status IN ('pending_approval', 'approved', 'rejected', 'executing', 'executed', 'failed')),
  requested_by text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, incident_id) REFERENCES incidents (org_id, id)
);
CREATE INDEX fix_plans_org_incident ON fix_plans (org_id, incident_id);
ALTER TABLE fix_plans ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON fix_plans
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

CREATE TABLE approvals (
  org_id     text NOT NULL,
  id         text NOT NULL,
  plan_id    text NOT NULL,
  approver   text NOT NULL,
  decision   text NOT NULL CHECK (decision IN ('approve', 'reject')),
  reason     text,
  created_at timestamptz NOT NULL DEFAULT now(),
  pos        bigint GENERATED ALWAYS AS IDENTITY, -- insertion order
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, plan_id) REFERENCES fix_plans (org_id, id)
);
CREATE INDEX approvals_org_plan ON approvals (org_id, plan_id, pos);
ALTER TABLE approvals ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON approvals
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

CREATE TABLE commands (
  org_id      text NOT NULL,
  id          text NOT NULL,
  plan_id     text NOT NULL,
  step        integer NOT NULL,
  runner      text NOT NULL,
  command     text NOT NULL,
  output      text NOT NULL,
  exit_code   integer NOT NULL,
  status      text NOT NULL CHECK (status IN ('succeeded', 'failed')),
  started_at  timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  PRIMARY KEY (org_id, id),
  FOREIGN KEY (org_id, plan_id) REFERENCES fix_plans (org_id, id)
);
CREATE INDEX commands_org_plan ON commands (org_id, plan_id, step);
ALTER TABLE commands ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON commands
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

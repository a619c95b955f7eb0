-- The canary judge's verdict on an executed fix plan (usecases/verify.ts): one row per plan,
-- never changed. The unique plan is what makes the verification run once: the process whose
-- insert commits owns the verdict (and a rollback it calls for); any other gets a conflict.
CREATE TABLE verifications (
  org_id      text NOT NULL,
  id          text NOT NULL,
  plan_id     text NOT NULL,
  incident_id text NOT NULL,
  decision    text NOT NULL CHECK (decision IN ('continue', 'halt', 'rollback')),
  healed      boolean NOT NULL,
  message     text NOT NULL,
  checks      jsonb NOT NULL DEFAULT '[]'::jsonb,
  services    jsonb NOT NULL DEFAULT '[]'::jsonb,
  windows     jsonb NOT NULL DEFAULT '{}'::jsonb, -- {pre: {from, to}, post: {from, to}}
  ms          real NOT NULL,                      -- the judge's compute time
  run_by      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (org_id, id),
  UNIQUE (org_id, plan_id),
  FOREIGN KEY (org_id, plan_id) REFERENCES fix_plans (org_id, id)
);
ALTER TABLE verifications ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON verifications
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

-- The verification sweep works across orgs through this function only: executed plans without a
-- verification whose change landed (the last command finished) before p_before, oldest first.
CREATE INDEX fix_plans_executed ON fix_plans (updated_at) WHERE status = 'executed';

CREATE FUNCTION warroom_fix_plans_unverified(p_before timestamptz, p_limit integer)
RETURNS TABLE (id text, org_id text, executed_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
  SELECT p.id, p.org_id, e.executed_at
  FROM public.fix_plans p
  CROSS JOIN LATERAL (
    SELECT coalesce(max(c.finished_at), p.updated_at) AS executed_at
    FROM public.commands c WHERE c.org_id = p.org_id AND c.plan_id = p.id
  ) e
  WHERE p.status = 'executed'
    AND e.executed_at < p_before
    AND NOT EXISTS (SELECT 1 FROM public.verifications v WHERE v.org_id = p.org_id AND v.plan_id = p.id)
  ORDER BY e.executed_at
  LIMIT greatest(least(p_limit, 1000), 0)
$$;
REVOKE ALL ON FUNCTION warroom_fix_plans_unverified(timestamptz, integer) FROM PUBLIC;

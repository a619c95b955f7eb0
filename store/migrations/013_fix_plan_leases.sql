-- A plan a process claimed (approved → executing) and then lost with that process (a crash, a
-- kill, a lost host) would stay `executing` for ever. The executing process renews the plan's
-- updated_at while it runs (a heartbeat); a plan whose heartbeat is older than the lease is
-- orphaned, and a sweep fails it. The sweep works across orgs through this function only.
CREATE INDEX fix_plans_executing ON fix_plans (updated_at) WHERE status = 'executing';

CREATE FUNCTION warroom_fix_plans_orphaned(p_stale_ms integer, p_limit integer)
RETURNS TABLE (id text, org_id text, updated_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
  SELECT p.id, p.org_id, p.updated_at
  FROM public.fix_plans p
  WHERE p.status = 'executing'
    AND p.updated_at < clock_timestamp() - make_interval(secs => greatest(p_stale_ms, 0) / 1000.0)
  ORDER BY p.updated_at
  LIMIT greatest(least(p_limit, 1000), 0)
$$;
REVOKE ALL ON FUNCTION warroom_fix_plans_orphaned(integer, integer) FROM PUBLIC;

-- Idempotency keys (stored response of the first request) and the transactional outbox.

CREATE TABLE idempotency_keys (
  org_id       text NOT NULL REFERENCES orgs (id),
  key          text NOT NULL,
  method       text NOT NULL,
  path         text NOT NULL,
  request_hash text NOT NULL,
  status_code  integer,
  response     jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_keys
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

-- Message ids are unique across orgs (the relay marks them published by id alone).
CREATE TABLE outbox (
  id           text PRIMARY KEY,
  org_id       text NOT NULL REFERENCES orgs (id),
  subject      text NOT NULL,
  payload      jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  published_at timestamptz,
  pos          bigint GENERATED ALWAYS AS IDENTITY -- enqueue order (clock ticks can tie)
);
CREATE INDEX outbox_pending ON outbox (pos) WHERE published_at IS NULL;
ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON outbox
  USING (org_id = current_setting('app.org_id', true))
  WITH CHECK (org_id = current_setting('app.org_id', true));

-- The relay works across orgs through these two functions only. p_min_age_ms skips rows the
-- process that wrote them is still publishing itself (the fast path), so a sweep only picks up
-- what a crash or a bus outage left behind.
CREATE FUNCTION warroom_outbox_pending(p_limit integer, p_min_age_ms integer)
RETURNS TABLE (id text, org_id text, subject text, payload jsonb, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
  SELECT o.id, o.org_id, o.subject, o.payload, o.created_at
  FROM public.outbox o
  WHERE o.published_at IS NULL
    AND o.created_at <= clock_timestamp() - make_interval(secs => greatest(p_min_age_ms, 0) / 1000.0)
  ORDER BY o.pos
  LIMIT greatest(least(p_limit, 10000), 0)
$$;
REVOKE ALL ON FUNCTION warroom_outbox_pending(integer, integer) FROM PUBLIC;

CREATE FUNCTION warroom_outbox_mark_published(p_ids text[])
RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
  WITH done AS (
    UPDATE public.outbox o SET published_at = now()
    WHERE o.id = ANY (p_ids) AND o.published_at IS NULL
    RETURNING 1
  )
  SELECT count(*)::integer FROM done
$$;
REVOKE ALL ON FUNCTION warroom_outbox_mark_published(text[]) FROM PUBLIC;

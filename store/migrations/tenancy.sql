-- Tenancy the application role cannot forge, re-applied on every start-up after the numbered
-- migrations and the grants (like grants.sql; every statement is idempotent).
--
-- Row-level security and the org checks of the security-definer functions were keyed on the
-- setting app.org_id, which any session of the application role may set to any org. They are
-- rewritten here to read public.warroom_current_org(): the org named by the setting
-- app.org_token, a short-lived token "<hex org>.<expiry, epoch s>.<HMAC-SHA256>" signed with a key
-- kept in warroom_private, a schema the application role cannot read. The server (which holds the
-- owner's credentials) reads the key at start-up and signs one token per org (store/tenant-token.ts);
-- someone holding only the application role's credentials cannot sign one, so sees no org's rows.
-- A policy or function written with current_setting('app.org_id', true) by a later migration is
-- rewritten the same way at the next start-up.

CREATE SCHEMA IF NOT EXISTS warroom_private;
REVOKE ALL ON SCHEMA warroom_private FROM PUBLIC;
REVOKE ALL ON SCHEMA warroom_private FROM {{app_role}};

CREATE TABLE IF NOT EXISTS warroom_private.tenant_key (
  id  integer PRIMARY KEY CHECK (id = 1),
  key bytea NOT NULL CHECK (length(key) >= 32)
);
REVOKE ALL ON warroom_private.tenant_key FROM PUBLIC;

-- HMAC-SHA256 (RFC 2104) with the built-in sha256(), so no extension is needed.
CREATE OR REPLACE FUNCTION warroom_private.hmac_sha256(p_key bytea, p_msg bytea) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  k    bytea := p_key;
  ipad bytea;
  opad bytea;
BEGIN
  IF length(k) > 64 THEN k := sha256(k); END IF;
  k := k || decode(repeat('00', 64 - length(k)), 'hex');
  ipad := k;
  opad := k;
  FOR i IN 0..63 LOOP
    ipad := set_byte(ipad, i, get_byte(k, i) # 54);
    opad := set_byte(opad, i, get_byte(k, i) # 92);
  END LOOP;
  RETURN sha256(opad || sha256(ipad || p_msg));
END $$;

-- The org of this transaction's token, or NULL (no token, malformed, expired at the
-- transaction's start, or not signed with the key): NULL matches no row.
CREATE OR REPLACE FUNCTION public.warroom_current_org() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  tok   text := current_setting('app.org_token', true);
  parts text[];
  k     bytea;
BEGIN
  IF tok IS NULL OR tok = '' THEN RETURN NULL; END IF;
  parts := string_to_array(tok, '.');
  IF array_length(parts, 1) IS DISTINCT FROM 3 OR parts[1] !~ '^([0-9a-f]{2}){1,128}$' OR parts[2] !~ '^[0-9]{1,12}$' OR parts[3] !~ '^[0-9a-f]{64}$' THEN
    RETURN NULL;
  END IF;
  IF parts[2]::bigint < extract(epoch FROM now()) THEN RETURN NULL; END IF;
  SELECT t.key INTO k FROM warroom_private.tenant_key t WHERE t.id = 1;
  IF k IS NULL THEN RETURN NULL; END IF;
  IF encode(warroom_private.hmac_sha256(k, convert_to('warroom-org:' || parts[1] || '.' || parts[2], 'UTF8')), 'hex') <> parts[3] THEN
    RETURN NULL;
  END IF;
  RETURN convert_from(decode(parts[1], 'hex'), 'UTF8');
END $$;
REVOKE ALL ON FUNCTION public.warroom_current_org() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.warroom_current_org() TO {{app_role}};

-- Every policy of the public schema keyed on the forgeable setting reads the token instead;
-- the sub-select makes the check one evaluation per statement, not one per row.
DO $$
DECLARE
  p   record;
  old text := 'current_setting(''app.org_id''::text, true)';
  rep text := '( SELECT public.warroom_current_org())';
  q   text;
  c   text;
BEGIN
  FOR p IN
    SELECT schemaname, tablename, policyname, qual, with_check FROM pg_policies
    WHERE schemaname = 'public' AND (strpos(coalesce(qual, ''), old) > 0 OR strpos(coalesce(with_check, ''), old) > 0)
  LOOP
    q := replace(p.qual, old, rep);
    c := replace(p.with_check, old, rep);
    EXECUTE format('ALTER POLICY %I ON %I.%I', p.policyname, p.schemaname, p.tablename)
      || CASE WHEN q IS NOT NULL THEN ' USING (' || q || ')' ELSE '' END
      || CASE WHEN c IS NOT NULL THEN ' WITH CHECK (' || c || ')' ELSE '' END;
  END LOOP;
END $$;

-- ...and so does every function of the public schema that checked it (the audit append, …).
DO $$
DECLARE
  f record;
BEGIN
  FOR f IN
    SELECT p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND p.prokind = 'f' AND strpos(p.prosrc, 'current_setting(''app.org_id'', true)') > 0
  LOOP
    EXECUTE replace(pg_get_functiondef(f.oid), 'current_setting(''app.org_id'', true)', 'public.warroom_current_org()');
  END LOOP;
END $$;

-- Platform settings (not tenant data), e.g. the hash of a generated admin key. The application
-- role has no access to the table itself (row-level security on, no policy, no grants); it
-- can only claim a setting through warroom_claim_setting.

CREATE TABLE settings (
  name       text PRIMARY KEY,
  value      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE settings ENABLE ROW LEVEL SECURITY;

-- Stores p_value unless the setting exists; returns the stored value either way. A concurrent
-- claim blocks on the primary key until the first commits, then reads the winner's value
-- (each plpgsql statement takes a fresh snapshot under READ COMMITTED).
CREATE FUNCTION warroom_claim_setting(p_name text, p_value text)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  v text;
BEGIN
  INSERT INTO public.settings (name, value) VALUES (p_name, p_value) ON CONFLICT (name) DO NOTHING;
  SELECT s.value INTO v FROM public.settings s WHERE s.name = p_name;
  RETURN v;
END
$$;
REVOKE ALL ON FUNCTION warroom_claim_setting(text, text) FROM PUBLIC;

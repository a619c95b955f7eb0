-- Audit entries are appended only through warroom_audit_append, which computes the chain hash
-- itself (see core/audit-chain.ts chainHash: the same formula) from the previous head, the seq and
-- the entry's digest, and moves the head in the same statement. The application role loses
-- direct INSERT on audit_log and INSERT/UPDATE on audit_heads (grants.sql), so it can neither
-- write a row with a hash of its choosing nor move the head. The digest is the content's SHA-256;
-- the signature an HMAC under a key the database never holds: a row appended by someone holding
-- only the database role does not verify.
ALTER TABLE audit_log ADD COLUMN digest text;
ALTER TABLE audit_log ADD COLUMN sig text;

CREATE FUNCTION warroom_audit_append(
  p_org text, p_seq bigint, p_prev text, p_ts timestamptz, p_actor text, p_action text, p_target text, p_payload jsonb, p_digest text, p_sig text
) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
  head_seq  bigint;
  head_hash text;
  new_hash  text;
BEGIN
  IF p_org IS NULL OR p_org IS DISTINCT FROM current_setting('app.org_id', true) THEN
    RAISE EXCEPTION 'audit append for another org refused' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF p_digest IS NULL OR p_digest !~ '^[0-9a-f]{64}$' OR (p_sig IS NOT NULL AND p_sig !~ '^[0-9a-f]{64}$') THEN
    RAISE EXCEPTION 'audit digest or signature malformed' USING ERRCODE = 'check_violation';
  END IF;
  -- Same lock class as store/migrate.ts LOCK_CLASS_AUDIT (0x77720002): appends of one org are serial.
  PERFORM pg_advisory_xact_lock(2003959810, hashtext(p_org));
  SELECT h.seq, h.hash INTO head_seq, head_hash FROM public.audit_heads h WHERE h.org_id = p_org;
  IF NOT FOUND THEN
    head_seq := 0;
    head_hash := repeat('0', 64);
  END IF;
  IF p_seq IS DISTINCT FROM head_seq + 1 OR p_prev IS DISTINCT FROM head_hash THEN
    RAISE EXCEPTION 'audit append does not follow the head (head seq %, got %)', head_seq, p_seq USING ERRCODE = 'serialization_failure';
  END IF;
  new_hash := encode(sha256(convert_to(head_hash || ':' || p_seq::text || ':' || p_digest || ':' || coalesce(p_sig, ''), 'UTF8')), 'hex');
  INSERT INTO public.audit_log (org_id, seq, ts, actor, action, target, payload, prev_hash, hash, digest, sig)
  VALUES (p_org, p_seq, p_ts, p_actor, p_action, p_target, coalesce(p_payload, '{}'::jsonb), head_hash, new_hash, p_digest, p_sig);
  INSERT INTO public.audit_heads (org_id, seq, hash) VALUES (p_org, p_seq, new_hash)
  ON CONFLICT (org_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash;
  RETURN new_hash;
END
$$;
REVOKE ALL ON FUNCTION warroom_audit_append(text, bigint, text, timestamptz, text, text, text, jsonb, text, text) FROM PUBLIC;

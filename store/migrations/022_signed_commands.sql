-- Signed runner outputs (core/signing.ts): each command a runner executed carries the id of the
-- Ed25519 key that signed it and the signature (hex) over its canonical content (org, id, plan,
-- step, runner, command, output SHA-256, exit code, status, times). The key pair is generated on
-- the first start and kept in `settings` ('command_signing_key', store/signing-key.ts); its public
-- half is served at GET /v1/signing-key. Commands written before this migration have neither and
-- `warroom audit verify` reports them as unsigned.
ALTER TABLE commands ADD COLUMN key_id text;
ALTER TABLE commands ADD COLUMN sig text;
ALTER TABLE commands ADD CONSTRAINT commands_sig_shape
  CHECK ((key_id IS NULL) = (sig IS NULL) AND (sig IS NULL OR sig ~ '^[0-9a-f]{128}$'));

-- Commands are a record of what ran: the application role may only SELECT and INSERT them
-- (grants.sql), and this trigger refuses UPDATE, DELETE and TRUNCATE for everyone. An owner who
-- disables it is caught by the signatures.
CREATE FUNCTION warroom_commands_immutable() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RAISE EXCEPTION 'commands are immutable (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER commands_immutable
  BEFORE UPDATE OR DELETE ON commands
  FOR EACH ROW EXECUTE FUNCTION warroom_commands_immutable();

CREATE TRIGGER commands_no_truncate
  BEFORE TRUNCATE ON commands
  FOR EACH STATEMENT EXECUTE FUNCTION warroom_commands_immutable();

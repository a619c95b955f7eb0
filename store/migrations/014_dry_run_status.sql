-- A plan run by a runner that changes nothing (the dry run) ends `dry_run` and its commands
-- `simulated`: "executed" / "succeeded" read as if a fix had run.
ALTER TABLE fix_plans DROP CONSTRAINT fix_plans_status_check;
ALTER TABLE fix_plans ADD CONSTRAINT fix_plans_status_check
  CHECK (status IN ('pending_approval', 'approved', 'rejected', 'executing', 'executed', 'dry_run', 'failed'));
ALTER TABLE commands DROP CONSTRAINT commands_status_check;
ALTER TABLE commands ADD CONSTRAINT commands_status_check CHECK (status IN ('succeeded', 'simulated', 'failed'));

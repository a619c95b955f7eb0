-- How long a fix's catalog entry expects it to take effect (remediate/catalog.ts `expect`): the
-- canary judge does not undo a fix for "no effect" before then while a round is left
-- (remediate/verify/rounds.ts). Null for manual plans and plans drafted before this migration.
ALTER TABLE fix_plans ADD COLUMN expect_within_minutes integer CHECK (expect_within_minutes > 0);

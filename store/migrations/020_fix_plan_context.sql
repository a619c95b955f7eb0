-- What a plan was drafted from and how to undo it: the fix catalog's rollback steps, its why
-- (the evidence, the choice, the runner-up) and the stored analysis it came from. Older plans
-- have none of them.
ALTER TABLE fix_plans ADD COLUMN rollback jsonb NOT NULL DEFAULT '[]'::jsonb;
ALTER TABLE fix_plans ADD COLUMN why text;
ALTER TABLE fix_plans ADD COLUMN analysis_id text;

-- Verification rounds (usecases/verify.ts): a fix that is improving but not healed yet, or whose
-- windows held too few samples to judge, is judged again after another window, up to a bound.
-- Each round is its own immutable row, so the unique key moves from the plan to (plan, round):
-- the process whose insert of a round commits owns that round's verdict (and the rollback or
-- undo it calls for). Rows written before this migration become round 1, final.
ALTER TABLE verifications ADD COLUMN round integer NOT NULL DEFAULT 1 CHECK (round >= 1);
-- what the verdict rests on; the rows before this migration get theirs from decision and healed
-- (a halt said "too few samples" in its message: the judge wrote that text, never a person)
ALTER TABLE verifications ADD COLUMN basis text CHECK (basis IN ('healed', 'improving', 'worse', 'no_effect', 'too_few_samples'));
-- when the next round is due; null: the round is final
ALTER TABLE verifications ADD COLUMN next_round_at timestamptz;
UPDATE verifications SET basis = CASE
  WHEN decision = 'rollback' THEN 'worse'
  WHEN decision = 'continue' AND healed THEN 'healed'
  WHEN decision = 'continue' THEN 'improving'
  WHEN message LIKE 'Halt: too few samples%' THEN 'too_few_samples'
  ELSE 'no_effect'
END;
ALTER TABLE verifications DROP CONSTRAINT verifications_org_id_plan_id_key;
ALTER TABLE verifications ADD CONSTRAINT verifications_plan_round UNIQUE (org_id, plan_id, round);

-- The sweep's second listing, across orgs through this function only: plans whose latest round
-- calls for another one that is due by p_now, the longest waiting first.
CREATE INDEX verifications_next_round ON verifications (next_round_at) WHERE next_round_at IS NOT NULL;

CREATE FUNCTION warroom_verifications_due(p_now timestamptz, p_limit integer)
RETURNS TABLE (plan_id text, org_id text, round integer, due_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
  SELECT v.plan_id, v.org_id, v.round, v.next_round_at
  FROM public.verifications v
  WHERE v.next_round_at IS NOT NULL
    AND v.next_round_at <= p_now
    AND NOT EXISTS (SELECT 1 FROM public.verifications w WHERE w.org_id = v.org_id AND w.plan_id = v.plan_id AND w.round > v.round)
  ORDER BY v.next_round_at
  LIMIT greatest(least(p_limit, 1000), 0)
$$;
REVOKE ALL ON FUNCTION warroom_verifications_due(timestamptz, integer) FROM PUBLIC;

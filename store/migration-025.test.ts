/**
 * Migration 025 (verification rounds) over a database that holds verdicts written before it: each
 * old row becomes round 1, final, with the basis its decision (and, for a halt, the judge's own
 * headline) implies; a plan then takes later rounds, one row each, never two of one round.
 */
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations } from './migrate.js';

const all = loadMigrations();
let pg: PGlite;

beforeAll(async () => {
  pg = await PGlite.create({ extensions: { vector } });
  for (const m of all.filter((x) => x.version < 25)) await pg.exec(m.sql);
});
afterAll(() => pg?.close());

describe('migration 025', () => {
  it('keeps the verdicts recorded before it as final first rounds, with their basis', async () => {
    await pg.exec(`INSERT INTO orgs (id, name) VALUES ('o1', 'One');
      INSERT INTO incidents (org_id, id, title, service, severity, started_at, opened_at, opened_by) VALUES ('o1', 'i1', 't', 'cart', 'sev2', now(), now(), 'user:a')`);
    const old: [string, string, boolean, string][] = [
      ['worse', 'rollback', false, 'Rollback: the fix made things worse. x.'],
      ['healed', 'continue', true, 'Continue: the fix healed cart. x.'],
      ['improving', 'continue', false, 'Continue: improving, not healed yet. x.'],
      ['few', 'halt', false, 'Halt: too few samples to judge the fix. x.'],
      ['none', 'halt', false, 'Halt: no significant improvement after the fix. x.'],
    ];
    for (const [id, decision, healed, message] of old) {
      await pg.query(`INSERT INTO fix_plans (org_id, id, incident_id, title, env, runner, risk, status, requested_by) VALUES ('o1', $1, 'i1', 't', 'staging', 'kube', 'low', 'executed', 'alice')`, [id]);
      await pg.query(`INSERT INTO verifications (org_id, id, plan_id, incident_id, decision, healed, message, ms, run_by) VALUES ('o1', $1, $1, 'i1', $2, $3, $4, 1, 'system:verify')`, [id, decision, healed, message]);
    }
    const m = all.find((x) => x.version === 25)!;
    expect(m.name).toBe('verification_rounds');
    await pg.exec(m.sql);
    const rows = (await pg.query<{ plan_id: string; round: number; basis: string; next_round_at: string | null }>('SELECT plan_id, round, basis, next_round_at FROM verifications ORDER BY plan_id')).rows;
    expect(rows).toEqual([
      { plan_id: 'few', round: 1, basis: 'too_few_samples', next_round_at: null },
      { plan_id: 'healed', round: 1, basis: 'healed', next_round_at: null },
      { plan_id: 'improving', round: 1, basis: 'improving', next_round_at: null },
      { plan_id: 'none', round: 1, basis: 'no_effect', next_round_at: null },
      { plan_id: 'worse', round: 1, basis: 'worse', next_round_at: null },
    ]);
    // final old rows are never due
    expect((await pg.query(`SELECT * FROM warroom_verifications_due(now() + interval '1 day', 100)`)).rows).toEqual([]);
    // a second round of a plan is its own row; a second row of one round is refused; a basis outside the list too
    const add = (id: string, round: number, basis = 'improving') =>
      pg.query(`INSERT INTO verifications (org_id, id, plan_id, incident_id, round, decision, basis, healed, message, ms, run_by) VALUES ('o1', $1, 'improving', 'i1', $2, 'continue', $3, false, 'm', 1, 'system:verify')`, [id, round, basis]);
    await add('improving-2', 2);
    await expect(add('improving-2b', 2)).rejects.toThrow(/verifications_plan_round/);
    await expect(add('improving-3', 3, 'maybe')).rejects.toThrow(/check constraint/);
    await expect(add('improving-0', 0)).rejects.toThrow(/check constraint/);
  });
});

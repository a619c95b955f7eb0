/** A fix plan a dead process left executing is failed when an instance starts (its lease ran out). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OrgStore } from '../core/ports/index.js';
import { startEmbedded, type Embedded } from './embedded.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** An approved plan that a run claimed (approved → executing) on instance `e`. */
async function claimedPlan(e: Embedded): Promise<string> {
  const c = e.client();
  const inc = await c.post('/v1/incidents/open', { title: 'cart down', service: 'cart', started_at: Date.now() - 60_000 });
  const id = (await c.post('/v1/fix/plan', { incident_id: inc.body.id, env: 'staging', runner: 'dryrun' })).body.id as string;
  expect((await c.post('/v1/fix/approve', { plan_id: id })).status).toBe(200);
  expect(await e.w.store().forOrg('default').transitionFixPlan(id, ['approved'], 'executing')).not.toBeNull();
  return id;
}

/**
 * Polls until the plan is `failed` (the start-up sweep runs in the background); gives up after
 * 30 s, well inside the test timeout, and reports the status it last saw.
 */
async function settledStatus(org: OrgStore, id: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  let status = (await org.getFixPlan(id))!.status;
  while (status !== 'failed' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    status = (await org.getFixPlan(id))!.status;
  }
  return status;
}

/** Runs `before` on one instance, stops it (as a crash would), starts another on the same data, runs `after`. */
async function restart<T>(leaseSeconds: number, before: (e: Embedded) => Promise<T>, after: (e: Embedded, x: T) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'warroom-leases-'));
  dirs.push(dir);
  const env = { WARROOM_DATA_DIR: dir, WARROOM_FIX_LEASE_SECONDS: String(leaseSeconds) };
  const first = await startEmbedded('pglite', env);
  let x: T;
  try {
    x = await before(first);
  } finally {
    await first.stop();
  }
  const second = await startEmbedded('pglite', env);
  try {
    await after(second, x);
  } finally {
    await second.stop();
  }
}

describe('fix plan leases', () => {
  it('a plan left executing by a process that died is failed at the next start, audited as abandoned by the system', async () => {
    await restart(
      30,
      async (e) => {
        const id = await claimedPlan(e);
        // its process died an hour ago, mid-run
        await e.w.admin().exec(`UPDATE fix_plans SET updated_at = updated_at - interval '1 hour' WHERE id = $1`, [id]);
        return id;
      },
      async (e, id) => {
        const org = e.w.store().forOrg('default');
        expect(await settledStatus(org, id)).toBe('failed');
        const entry = (await org.listAudit()).find((a) => a.target === `plan:${id}` && a.action === 'fix.abandoned');
        expect(entry).toMatchObject({ actor: 'system', payload: { reason: expect.stringMatching(/^lease expired/) } });
      },
    );
  }, 60_000);

  it('on PGlite (one owning process) a plan left executing is failed at the next start even within its lease', async () => {
    // claimed a moment ago by the instance that then stops; the lease is ten minutes
    await restart(600, claimedPlan, async (e, id) => expect(await settledStatus(e.w.store().forOrg('default'), id)).toBe('failed'));
  }, 60_000);
});

/** A fix plan a dead process left executing is failed when an instance starts (its lease ran out). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbedded } from './embedded.js';

const dir = mkdtempSync(join(tmpdir(), 'warroom-leases-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fix plan leases', () => {
  it('a plan left executing by a process that died is failed at the next start, audited as abandoned by the system', async () => {
    const env = { WARROOM_DATA_DIR: dir, WARROOM_FIX_LEASE_SECONDS: '30' };
    const first = await startEmbedded('pglite', env);
    let id: string;
    try {
      const c = first.client();
      const inc = await c.post('/v1/incidents/open', { title: 'cart down', service: 'cart', started_at: Date.now() - 60_000 });
      const plan = await c.post('/v1/fix/plan', { incident_id: inc.body.id, env: 'staging', runner: 'dryrun' });
      id = plan.body.id as string;
      expect((await c.post('/v1/fix/approve', { plan_id: id })).status).toBe(200);
      // a run claimed it, and its process died an hour ago, mid-run
      const org = first.w.store().forOrg('default');
      expect(await org.transitionFixPlan(id, ['approved'], 'executing')).not.toBeNull();
      await first.w.admin().exec(`UPDATE fix_plans SET updated_at = updated_at - interval '1 hour' WHERE id = $1`, [id]);
    } finally {
      await first.stop();
    }
    const second = await startEmbedded('pglite', env);
    try {
      const org = second.w.store().forOrg('default');
      let status = '';
      for (let i = 0; i < 100 && status !== 'failed'; i++) {
        status = (await org.getFixPlan(id))!.status;
        if (status !== 'failed') await new Promise((r) => setTimeout(r, 20));
      }
      expect(status).toBe('failed');
      const entry = (await org.listAudit()).find((e) => e.target === `plan:${id}` && e.action === 'fix.abandoned');
      expect(entry).toMatchObject({ actor: 'system', payload: { reason: expect.stringMatching(/^lease expired/) } });
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('on PGlite (one owning process) a plan left executing is failed at the next start even within its lease', async () => {
    const here = mkdtempSync(join(tmpdir(), 'warroom-leases-'));
    try {
      const env = { WARROOM_DATA_DIR: here, WARROOM_FIX_LEASE_SECONDS: '600' };
      const first = await startEmbedded('pglite', env);
      let id: string;
      try {
        const c = first.client();
        const inc = await c.post('/v1/incidents/open', { title: 'cart down', service: 'cart', started_at: Date.now() - 60_000 });
        id = (await c.post('/v1/fix/plan', { incident_id: inc.body.id, env: 'staging', runner: 'dryrun' })).body.id as string;
        expect((await c.post('/v1/fix/approve', { plan_id: id })).status).toBe(200);
        // claimed a moment ago by this process, which now stops (as a crash would)
        expect(await first.w.store().forOrg('default').transitionFixPlan(id, ['approved'], 'executing')).not.toBeNull();
      } finally {
        await first.stop();
      }
      const second = await startEmbedded('pglite', env);
      try {
        const org = second.w.store().forOrg('default');
        let status = '';
        for (let i = 0; i < 100 && status !== 'failed'; i++) {
          status = (await org.getFixPlan(id))!.status;
          if (status !== 'failed') await new Promise((r) => setTimeout(r, 20));
        }
        expect(status).toBe('failed');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(here, { recursive: true, force: true });
    }
  }, 60_000);
});

/**
 * Tenancy inside the database (issue 18 §4, store/migrations/tenancy.sql): row-level security
 * follows a signed org token, not a setting anyone with the application role's credentials may
 * set. Run as the application role through `db.tenant(null, …)`: a session with the role and
 * nothing else, as someone holding only its credentials would have.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../sql.js';
import { mintOrgToken } from '../tenant-token.js';
import { type StoreOpener, twoOrgs, uid } from './fixtures.js';

export function orgTokenContract(name: string, open: StoreOpener): void {
  describe(`org tokens (row-level security the application role cannot forge): ${name}`, () => {
    let db: Db;
    const orgA = uid('orga');
    const orgB = uid('orgb');
    let key: Buffer;

    beforeAll(async () => {
      const opened = await open();
      db = opened.db;
      const { A } = await twoOrgs(opened.store, orgA, orgB);
      await A.upsertUser({ id: 'alice', name: 'Alice', email: 'alice@a.example', role: 'sre' });
      const [row] = await db.owner((s) => s.query<{ key: Uint8Array }>('SELECT key FROM warroom_private.tenant_key WHERE id = 1'));
      key = Buffer.from(row!.key);
    });

    /** The users of orgA one application-role session sees after `prelude` set what it likes. */
    const usersSeen = (prelude: string, params: unknown[] = []) =>
      db.tenant(null, async (s) => {
        if (prelude) await s.query(prelude, params);
        return s.query<{ org_id: string; id: string }>('SELECT org_id, id FROM users WHERE org_id = $1', [orgA]);
      });
    const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

    it("sees an org's rows with the store's own token, and none with the old setting alone", async () => {
      expect(await db.tenant(orgA, (s) => s.query<{ id: string }>('SELECT id FROM users'))).toEqual([{ id: 'alice' }]);
      expect(await usersSeen("SELECT set_config('app.org_id', $1, true)", [orgA])).toEqual([]);
      expect(await usersSeen('')).toEqual([]);
    });

    it('sees nothing with a token signed by another key, expired, for another org, or malformed', async () => {
      const set = "SELECT set_config('app.org_token', $1, true)";
      expect(await usersSeen(set, [mintOrgToken(key, orgA, inAnHour())])).toEqual([{ org_id: orgA, id: 'alice' }]);
      expect(await usersSeen(set, [mintOrgToken(randomBytes(32), orgA, inAnHour())])).toEqual([]);
      expect(await usersSeen(set, [mintOrgToken(key, orgA, Math.floor(Date.now() / 1000) - 5)])).toEqual([]);
      expect(await usersSeen(set, [mintOrgToken(key, orgB, inAnHour())])).toEqual([]);
      // another org's signature pasted onto this org's name
      const [, exp, sigB] = mintOrgToken(key, orgB, inAnHour()).split('.');
      expect(await usersSeen(set, [`${Buffer.from(orgA).toString('hex')}.${exp}.${sigB}`])).toEqual([]);
      for (const bad of ['', 'x', 'a.b.c', `${Buffer.from(orgA).toString('hex')}.${inAnHour()}`, `zz.${inAnHour()}.${'0'.repeat(64)}`]) {
        expect(await usersSeen(set, [bad]), bad).toEqual([]);
      }
    });

    it('cannot write into an org without its token', async () => {
      const write = db.tenant(null, async (s) => {
        await s.query("SELECT set_config('app.org_id', $1, true)", [orgA]);
        await s.query("INSERT INTO users (org_id, id, name, role) VALUES ($1, 'mallory', 'Mallory', 'admin')", [orgA]);
      });
      await expect(write).rejects.toThrow(/row-level security/);
    });

    it('cannot read the key the tokens are signed with', async () => {
      await expect(db.tenant(null, (s) => s.query('SELECT key FROM warroom_private.tenant_key'))).rejects.toThrow(/permission denied/);
      await expect(db.tenant(null, (s) => s.query("SELECT warroom_private.hmac_sha256('\\x00'::bytea, '\\x00'::bytea)"))).rejects.toThrow(/permission denied/);
    });

    it('keys no policy and no function on the forgeable setting any more', async () => {
      const policies = await db.owner((s) =>
        s.query<{ n: string | number }>("SELECT count(*) AS n FROM pg_policies WHERE schemaname = 'public' AND (coalesce(qual, '') LIKE '%app.org_id%' OR coalesce(with_check, '') LIKE '%app.org_id%')"),
      );
      expect(Number(policies[0]!.n)).toBe(0);
      const fns = await db.owner((s) =>
        s.query<{ n: string | number }>("SELECT count(*) AS n FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.prosrc LIKE '%app.org_id%'"),
      );
      expect(Number(fns[0]!.n)).toBe(0);
      const tokened = await db.owner((s) => s.query<{ n: string | number }>("SELECT count(*) AS n FROM pg_policies WHERE schemaname = 'public' AND coalesce(qual, '') LIKE '%warroom_current_org%'"));
      expect(Number(tokened[0]!.n)).toBeGreaterThan(10);
    });

    it("computes the same HMAC-SHA256 as Node's crypto (short, block-sized and long keys)", async () => {
      for (const len of [1, 32, 64, 65, 100]) {
        const k = randomBytes(len);
        const msg = randomBytes(len * 3);
        const [r] = await db.owner((s) => s.query<{ h: string }>("SELECT encode(warroom_private.hmac_sha256($1, $2), 'hex') AS h", [k, msg]));
        expect(r!.h, `key of ${len} bytes`).toBe(createHmac('sha256', k).update(msg).digest('hex'));
      }
    });
  });
}

/**
 * Signed runner outputs end to end: an instance on a data dir serves its public key, signs the
 * commands a fix ran, an outside verifier checks them with that key alone, and `warroom audit
 * verify` (the command function, as app/cli.ts calls it) and GET /v1/audit/verify catch a command
 * edited in the data dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkCommandSignature } from '../../core/signing.js';
import { openStore } from '../../store/index.js';
import { DEFAULT_ORG, loadConfig } from '../config.js';
import { startEmbedded } from '../embedded.js';
import { runAuditVerify } from './audit.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  try {
    return { code: await fn(), out };
  } finally {
    spy.mockRestore();
  }
}

interface CommandView {
  id: string;
  plan_id: string;
  step: number;
  runner: string;
  command: string;
  output: string;
  exit_code: number;
  status: string;
  started_at: string;
  finished_at: string;
  signature: { key_id: string; sig: string } | null;
}

describe('signed runner outputs', () => {
  it('GET /v1/signing-key serves the key the commands verify with; audit verify reports a command edited in the data dir', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'warroom-signing-'));
    dirs.push(parent);
    const dataDir = join(parent, 'db');
    const env = { WARROOM_DATA_DIR: dataDir, WARROOM_AUDIT_KEY: 'ab'.repeat(32) };
    const server = await startEmbedded('pglite', env);
    let planId: string;
    let executed: CommandView[];
    try {
      const c = server.client();
      const key = await c.get('/v1/signing-key');
      expect(key.status).toBe(200);
      const served = key.body as { key_id: string; algorithm: string; public_key_pem: string; created_at: string };
      expect(served).toMatchObject({ algorithm: 'ed25519', key_id: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), public_key_pem: expect.stringContaining('BEGIN PUBLIC KEY') });
      expect(Number.isNaN(Date.parse(served.created_at))).toBe(false);
      expect((await server.client('wr_not_a_key').get('/v1/signing-key')).status).toBe(401);
      const doc = (await c.get('/v1/openapi.json')).body as { paths: Record<string, { get?: { security?: unknown } }> };
      expect(doc.paths['/v1/signing-key']?.get).toBeDefined();

      const inc = await c.post('/v1/incidents/open', { title: 'cart down', service: 'cart', started_at: Date.now() - 60_000 });
      expect(inc.status).toBe(201);
      const plan = await c.post('/v1/fix/plan', { incident_id: (inc.body as { id: string }).id, env: 'staging', runner: 'dryrun' });
      expect(plan.status).toBe(201);
      planId = (plan.body as { id: string }).id;
      expect((await c.post('/v1/fix/approve', { plan_id: planId })).status).toBe(200);
      const run = await c.post('/v1/fix/execute', { plan_id: planId }, { prefer: 'wait=30' });
      expect(run.status).toBe(200);
      executed = (run.body as { commands: CommandView[] }).commands;
      expect(executed.length).toBeGreaterThan(0);
      // what the plan shows is what was signed: an outside verifier needs only the served key
      const shown = ((await c.get(`/v1/fix/plans/${planId}`)).body as { commands: CommandView[] }).commands;
      expect(shown).toEqual(executed);
      for (const v of shown) {
        expect(v.signature?.key_id).toBe(served.key_id);
        const fields = { orgId: DEFAULT_ORG, id: v.id, planId: v.plan_id, step: v.step, runner: v.runner, command: v.command, output: v.output, exitCode: v.exit_code, status: v.status, startedAt: v.started_at, finishedAt: v.finished_at };
        const signature = v.signature && { keyId: v.signature.key_id, sig: v.signature.sig };
        expect(checkCommandSignature(fields, signature, { keyId: served.key_id, publicKey: served.public_key_pem })).toBeNull();
        expect(checkCommandSignature({ ...fields, output: `${v.output}!` }, signature, { keyId: served.key_id, publicKey: served.public_key_pem })).toMatchObject({ problem: 'bad_signature' });
      }
    } finally {
      await server.stop();
    }

    const cfg = loadConfig({ ...env, LOG_LEVEL: 'silent' });
    const clean = await capture(() => runAuditVerify(cfg, {}));
    expect(clean.out).toContain('audit chain intact');
    expect(clean.out).toMatch(new RegExp(`ok +org ${DEFAULT_ORG}: ${executed.length} command\\(s\\), ${executed.length} signature\\(s\\) verified`));
    expect(clean.out).toContain('command signatures intact (key ');
    expect(clean.code).toBe(0);

    // the database owner rewrites the first command's output, its immutability trigger off
    const t = await openStore({ dataDir });
    await t.admin.exec('ALTER TABLE commands DISABLE TRIGGER USER');
    await t.admin.exec(`UPDATE commands SET output = 'all healthy' WHERE id = $1`, [executed[0].id]);
    await t.admin.exec('ALTER TABLE commands ENABLE TRIGGER USER');
    await t.store.close();

    const broken = await capture(() => runAuditVerify(cfg, {}));
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('audit chain intact'); // the audit log itself was not touched
    expect(broken.out).toMatch(new RegExp(`FAIL org ${DEFAULT_ORG}: ${executed.length} command\\(s\\), ${executed.length - 1} signature\\(s\\) verified, 1 problem\\(s\\)`));
    expect(broken.out).toContain(`command ${executed[0].id} (plan ${planId}): bad_signature`);
    expect(broken.out).toContain('command signatures BROKEN in 1 org(s)');
    const json = await capture(() => runAuditVerify(cfg, { json: true }));
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out) as { ok: boolean; commands: { orgs: { orgId: string; problems: { id: string; planId: string; problem: string }[] }[] } };
    expect(report.ok).toBe(false);
    expect(report.commands.orgs.find((o) => o.orgId === DEFAULT_ORG)?.problems).toEqual([{ id: executed[0].id, planId, problem: 'bad_signature', detail: expect.any(String) }]);

    // the running instance's GET /v1/audit/verify reports the same for its org
    const again = await startEmbedded('pglite', env);
    try {
      const got = await again.client().get('/v1/audit/verify');
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({
        ok: false,
        problems: [],
        commands: { ok: false, key_problem: null, commands: executed.length, verified: executed.length - 1, problems: [{ id: executed[0].id, plan_id: planId, problem: 'bad_signature', detail: expect.any(String) }] },
      });
    } finally {
      await again.stop();
    }
  }, 120_000);
});

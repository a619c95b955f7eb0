/**
 * The command signatures an audit checks, one check for both ways in: the org's `verifyAudit` (what
 * GET /v1/audit/verify serves) reports exactly what `warroom audit verify`'s owner-side call does,
 * for a command signed and intact, one changed since (bad_signature), one recorded without a
 * signature (unsigned) and one signed with another key (unknown_key); and a key the audit key
 * does not vouch for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgStore } from '../core/ports/index.js';
import { DEFAULT_SECRET_MASKS } from '../detectors/secrets.js';
import { openPgliteStore, type OpenedStore } from '../store/index.js';
import { memoryAnalysisCache } from './analysis-cache.js';
import { verifyCommandSignatures } from './audit-signatures.js';
import { orgCommandSource, verifyAudit } from './audit.js';
import { openIncident } from './incidents.js';
import type { Principal } from './principal.js';
import { directSession, type UseCaseDeps } from './session.js';

const AUDIT_KEY = Buffer.alloc(32, 7);
let opened: OpenedStore;
let org: OrgStore;
let n = 0;
const deps = (key: Uint8Array | null): UseCaseDeps => ({
  clock: { now: () => new Date('2026-12-07T12:00:00Z') },
  newId: () => `a_${++n}`,
  masks: DEFAULT_SECRET_MASKS,
  runners: {},
  analysisCache: memoryAnalysisCache(),
  ...(key ? { audit: { key, anchor: null } } : {}),
});
const admin: Principal = { orgId: 'o1', userId: 'ada', scopes: ['admin'], via: 'api_key' };

beforeAll(async () => {
  opened = await openPgliteStore({ auditKey: AUDIT_KEY, commandSigning: { passphrase: null } });
  await opened.store.createOrg({ id: 'o1', name: 'One' });
  org = opened.store.forOrg('o1');
});
afterAll(async () => {
  await opened?.store.close();
  await opened?.admin.close();
});

describe('command signatures in the org audit', () => {
  it('reports each command as the CLI does: intact, changed since, unsigned, signed with another key', async () => {
    const s = directSession(admin, org, deps(AUDIT_KEY), () => undefined);
    const clean = await verifyAudit(s);
    expect(clean).toMatchObject({ ok: true, problems: [], commands: { keyProblem: null, orgs: [{ orgId: 'o1', commands: 0, verified: 0, problems: [] }] } });
    expect(clean.commands.key?.keyId).toBe(org.commandSigningKey()?.keyId);

    const inc = await openIncident(directSession({ ...admin, scopes: ['read', 'plan'] }, org, deps(AUDIT_KEY), () => undefined), { title: 'cart down', service: 'cart', severity: 'sev2' });
    const plan = await org.createFixPlan({ id: 'plan_1', incidentId: inc.id, title: 't', env: 'staging', runner: 'dryrun', risk: 'low', steps: [], status: 'pending_approval', requestedBy: 'alice' });
    const base = { planId: plan.id, runner: 'dryrun', command: 'kubectl rollout undo deployment/cart -n shop', exitCode: 0, status: 'succeeded' as const, startedAt: '2026-12-07T11:30:00.000Z', finishedAt: '2026-12-07T11:30:01.000Z' };
    const good = await org.addCommand({ ...base, id: 'cmd_good', step: 0, output: 'ok' });
    const edited = await org.addCommand({ ...base, id: 'cmd_edited', step: 1, output: 'ok' });
    expect(good.signature).not.toBeNull();
    // the database owner: rewrites one row's output, adds one without a signature and one under a key of their own
    await opened.admin.exec('ALTER TABLE commands DISABLE TRIGGER USER');
    try {
      await opened.admin.exec(`UPDATE commands SET output = 'all healthy' WHERE org_id = 'o1' AND id = $1`, [edited.id]);
    } finally {
      await opened.admin.exec('ALTER TABLE commands ENABLE TRIGGER USER');
    }
    const insert = `INSERT INTO commands (org_id, id, plan_id, step, runner, command, output, exit_code, status, started_at, finished_at, key_id, sig)
      VALUES ('o1', $1, $2, $3, 'dryrun', 'x', 'y', 0, 'succeeded', '2026-12-07T11:31:00Z', '2026-12-07T11:31:01Z', $4, $5)`;
    await opened.admin.exec(insert, ['cmd_unsigned', plan.id, 2, null, null]);
    await opened.admin.exec(insert, ['cmd_foreign', plan.id, 3, 'someone-elses-key', 'ab'.repeat(64)]);

    const r = await verifyAudit(s);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([]); // the audit chain itself is intact
    const byId = Object.fromEntries(r.commands.orgs[0].problems.map((p) => [p.id, p.problem]));
    expect(byId).toEqual({ cmd_edited: 'bad_signature', cmd_unsigned: 'unsigned', cmd_foreign: 'unknown_key' });
    expect(r.commands.orgs[0]).toMatchObject({ commands: 4, verified: 1 });
    // one check: the owner's call over the same org says the same, word for word
    expect(await verifyCommandSignatures(opened.admin, ['o1'], { auditKey: AUDIT_KEY })).toEqual(r.commands);
    expect(await verifyCommandSignatures(orgCommandSource(org), ['o1'], { auditKey: AUDIT_KEY })).toEqual(r.commands);
  });

  it('flags a signing key the audit key does not vouch for, and needs the admin scope', async () => {
    const other = directSession(admin, org, deps(Buffer.alloc(32, 9)), () => undefined);
    const r = await verifyAudit(other);
    expect(r.ok).toBe(false);
    expect(r.commands.keyProblem).toMatch(/does not verify: the key was replaced in the database, or made under another audit key/);
    const reader = directSession({ ...admin, scopes: ['read'] }, org, deps(AUDIT_KEY), () => undefined);
    await expect(verifyAudit(reader)).rejects.toMatchObject({ code: 'forbidden' });
  });
});

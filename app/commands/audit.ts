/**
 * `warroom audit verify` and `warroom audit checkpoint`: every org's chain, as the database owner.
 * Verify also checks every command a runner executed against its Ed25519 signature and the public
 * key kept in the database (core/signing.ts).
 * They need the database itself (every org, as its owner), so while a running instance holds the
 * embedded one they refuse (exit 3) and name it; `GET /v1/audit/verify` checks one org on that
 * instance, and the instance records checkpoints itself (WARROOM_AUDIT_CHECKPOINT_MINUTES).
 */
import { DataDirLockedError, openStore, type OpenedStore, verifyAudit } from '../../store/index.js';
import { commandsIntact, verifyCommandSignatures } from '../../usecases/audit-signatures.js';
import { checkpointAudit, fileAuditAnchor } from '../audit-anchor.js';
import { auditAnchorDir, storeConfig, type Config } from '../config.js';
import { refuseHeld, routeDbCommand } from './db-owner.js';

const ON_THE_SERVER = '(GET /v1/audit/verify with an org admin key checks that org on the running instance)\n';

/** Opens the store as its owner, or says who holds it (the exit code). */
async function openAsOwner(cfg: Config, command: string): Promise<OpenedStore | number> {
  const route = routeDbCommand(cfg, command, {}, false);
  if (route.kind === 'refused') {
    process.stderr.write(ON_THE_SERVER);
    return route.code;
  }
  try {
    return await openStore(storeConfig(cfg));
  } catch (e) {
    if (!(e instanceof DataDirLockedError)) throw e;
    const code = refuseHeld(command, e, false);
    process.stderr.write(ON_THE_SERVER);
    return code;
  }
}

export async function runAuditVerify(cfg: Config, o: { json?: boolean }): Promise<number> {
  const opened = await openAsOwner(cfg, 'audit verify');
  if (typeof opened === 'number') return opened;
  const { store, admin } = opened;
  try {
    const dir = auditAnchorDir(cfg);
    const report = await verifyAudit(admin, undefined, { key: storeConfig(cfg).auditKey, anchor: dir ? fileAuditAnchor(dir) : null });
    const bad = report.filter((r) => r.problems.length > 0);
    // the same check as GET /v1/audit/verify makes of one org, over every org
    const signed = await verifyCommandSignatures(admin, await admin.listOrgIds(), { auditKey: storeConfig(cfg).auditKey });
    const badCommands = signed.orgs.filter((r) => r.problems.length > 0);
    const ok = bad.length === 0 && commandsIntact(signed);
    if (o.json) process.stdout.write(`${JSON.stringify({ ok, orgs: report, commands: signed }, null, 2)}\n`);
    else {
      for (const r of report) {
        const anchor = r.checkpoint ? `, checkpoint seq ${r.checkpoint.seq} of ${r.checkpoint.at} (${r.summary.sinceCheckpoint} since)` : ', no checkpoint';
        process.stdout.write(`${r.problems.length === 0 ? 'ok  ' : 'FAIL'} org ${r.orgId}: ${r.entries} entries (${r.summary.keyed} signed)${anchor}${r.problems.length ? `, ${r.problems.length} problem(s)` : ''}\n`);
        for (const p of r.problems) process.stdout.write(`     seq ${p.seq}: ${p.problem} — ${p.detail}\n`);
      }
      process.stdout.write(bad.length === 0 ? 'audit chain intact\n' : `audit chain BROKEN in ${bad.length} org(s)\n`);
      for (const r of signed.orgs.filter((x) => x.commands > 0)) {
        process.stdout.write(`${r.problems.length === 0 ? 'ok  ' : 'FAIL'} org ${r.orgId}: ${r.commands} command(s), ${r.verified} signature(s) verified${r.problems.length ? `, ${r.problems.length} problem(s)` : ''}\n`);
        for (const p of r.problems) process.stdout.write(`     command ${p.id} (plan ${p.planId}): ${p.problem} — ${p.detail}\n`);
      }
      if (signed.keyProblem) process.stdout.write(`FAIL signing key ${signed.key?.keyId}: ${signed.keyProblem}\n`);
      const key = signed.key ? `key ${signed.key.keyId}` : 'no signing key in the database';
      const verdict = badCommands.length > 0 ? `command signatures BROKEN in ${badCommands.length} org(s)` : signed.keyProblem ? 'command signatures UNTRUSTED' : 'command signatures intact';
      process.stdout.write(`${verdict} (${key})\n`);
    }
    return ok ? 0 : 1;
  } finally {
    await store.close();
    await admin.close();
  }
}

export async function runAuditCheckpoint(cfg: Config): Promise<number> {
  const dir = auditAnchorDir(cfg);
  if (!dir) {
    process.stderr.write('no checkpoint directory: set WARROOM_AUDIT_CHECKPOINT_DIR (the data directory is ":memory:")\n');
    return 2;
  }
  const opened = await openAsOwner(cfg, 'audit checkpoint');
  if (typeof opened === 'number') return opened;
  const { store, admin } = opened;
  try {
    const n = await checkpointAudit(admin, fileAuditAnchor(dir), storeConfig(cfg).auditKey, new Date());
    process.stdout.write(`${n} checkpoint(s) recorded in ${dir}\n`);
    return 0;
  } finally {
    await store.close();
    await admin.close();
  }
}

/** `warroom audit verify`: checks every org's chain as the database owner. */
import { openStore, verifyAudit } from '../../store/index.js';
import type { Config } from '../config.js';

export async function runAuditVerify(cfg: Config, o: { json?: boolean }): Promise<number> {
  const { store, admin } = await openStore({ databaseUrl: cfg.DATABASE_URL, dataDir: cfg.WARROOM_DATA_DIR, appRole: cfg.WARROOM_DB_APP_ROLE, appPassword: cfg.WARROOM_DB_APP_PASSWORD });
  try {
    const report = await verifyAudit(admin);
    const bad = report.filter((r) => r.problems.length > 0);
    if (o.json) process.stdout.write(`${JSON.stringify({ ok: bad.length === 0, orgs: report }, null, 2)}\n`);
    else {
      for (const r of report) {
        process.stdout.write(`${r.problems.length === 0 ? 'ok  ' : 'FAIL'} org ${r.orgId}: ${r.entries} entries${r.problems.length ? `, ${r.problems.length} problem(s)` : ''}\n`);
        for (const p of r.problems) process.stdout.write(`     seq ${p.seq}: ${p.problem} — ${p.detail}\n`);
      }
      process.stdout.write(bad.length === 0 ? 'audit chain intact\n' : `audit chain BROKEN in ${bad.length} org(s)\n`);
    }
    return bad.length === 0 ? 0 : 1;
  } finally {
    await store.close();
    await admin.close();
  }
}

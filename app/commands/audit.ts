/** `warroom audit verify`: checks every org's chain as the database owner. */
import { openStore, verifyAudit } from '../../store/index.js';
import { storeConfig, type Config } from '../config.js';

export async function runAuditVerify(cfg: Config, o: { json?: boolean }): Promise<number> {
  const { store, admin } = await openStore(storeConfig(cfg));
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

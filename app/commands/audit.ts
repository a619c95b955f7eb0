/**
 * `warroom audit verify`: checks every org's chain as the database owner. It needs the database
 * itself (every org, as its owner), so while a running instance holds the embedded one it refuses
 * (exit 3) and names it; `GET /v1/audit/verify` checks one org on that instance.
 */
import { DataDirLockedError, openStore, type OpenedStore, verifyAudit } from '../../store/index.js';
import { storeConfig, type Config } from '../config.js';
import { refuseHeld, routeDbCommand } from './db-owner.js';

const ON_THE_SERVER = '(GET /v1/audit/verify with an org admin key checks that org on the running instance)\n';

export async function runAuditVerify(cfg: Config, o: { json?: boolean }): Promise<number> {
  const route = routeDbCommand(cfg, 'audit verify', {}, false);
  if (route.kind === 'refused') {
    process.stderr.write(ON_THE_SERVER);
    return route.code;
  }
  let opened: OpenedStore;
  try {
    opened = await openStore(storeConfig(cfg));
  } catch (e) {
    if (!(e instanceof DataDirLockedError)) throw e;
    const code = refuseHeld('audit verify', e, false);
    process.stderr.write(ON_THE_SERVER);
    return code;
  }
  const { store, admin } = opened;
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

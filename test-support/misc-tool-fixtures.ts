/**
 * Test support (not loaded by the product): on top of tool-fixtures' seed, past incidents for
 * similar_incidents and change signals for list_changes and draft_fix_plan.
 *
 * Past incidents of org o1, against the seeded checkout incident (service checkout; its evidence
 * holds a deploy; its hypotheses name checkout and orders-db):
 * - `rollback`: checkout again, after a deploy of checkout; fixed by a rollback (its newest plan,
 *   after an older rejected restart);
 * - `sameService`: checkout, nothing else known; resolved, no plan;
 * - `unrelated`: inventory after a config change: shares nothing.
 * Org o2 has `foreign`: checkout after a deploy, like `rollback`, invisible to o1.
 */
import type { Signal } from '../core/schemas.js';
import { openIncident } from '../usecases/incidents.js';
import type { Seeded } from './tool-fixtures.js';

export interface SeededPast {
  rollback: string;
  sameService: string;
  unrelated: string;
  foreign: string;
  plans: { restart: string; rollback: string };
}

export async function seedPastIncidents(s: Seeded): Promise<SeededPast> {
  const writer = s.session(['read', 'plan']);
  const open = async (service: string, startedAt: string, orgId = 'o1') =>
    (await openIncident(orgId === 'o1' ? writer : s.session(['read', 'plan'], orgId), { title: `${service} errors`, service, severity: 'sev2', started_at: startedAt })).id;
  const rollback = await open('checkout', '2026-02-10T08:00:00.000Z');
  const sameService = await open('checkout', '2026-02-12T08:00:00.000Z');
  const unrelated = await open('inventory', '2026-02-14T08:00:00.000Z');
  const foreign = await open('checkout', '2026-02-16T08:00:00.000Z', 'o2');
  const changeEvidence = (id: string, incidentId: string, service: string, kind: string) => ({
    id,
    incidentId,
    kind: 'change' as const,
    summary: `${kind} ${service}@7 on ${service} 4 min before the onset (L=0.81)`,
    ref: `chg-${id}`,
    data: { change_id: `chg-${id}`, service, kind, key: `${service}@7`, ts: '2026-02-10T07:56:00.000Z' },
  });
  await s.org.addEvidence([changeEvidence('ev_past_rollback', rollback, 'checkout', 'deploy'), changeEvidence('ev_past_unrelated', unrelated, 'inventory', 'config')]);
  await s.opened.store.forOrg('o2').addEvidence([changeEvidence('ev_past_foreign', foreign, 'checkout', 'deploy')]);
  await s.org.setIncidentStatus(sameService, 'resolved', '2026-02-12T09:00:00.000Z');
  await s.org.setIncidentStatus(rollback, 'resolved', '2026-02-10T09:00:00.000Z');
  const plan = (id: string, title: string, action: string, status: 'rejected' | 'dry_run') =>
    s.org.createFixPlan({
      id,
      incidentId: rollback,
      title,
      env: 'prod',
      runner: 'dryrun',
      risk: 'medium',
      steps: [{ action, target: 'checkout', params: { namespace: 'shop' }, command: `kubectl rollout ${action === 'rollback' ? 'undo' : 'restart'} deployment/checkout -n shop` }],
      status,
      requestedBy: 'bob',
    });
  await plan('plan_past_restart', 'Restart checkout', 'restart', 'rejected');
  await plan('plan_past_rollback', 'Roll back checkout (deploy 7 preceded the incident)', 'rollback', 'dry_run');
  return { rollback, sameService, unrelated, foreign, plans: { restart: 'plan_past_restart', rollback: 'plan_past_rollback' } };
}

/** A stored signal of org o1 (or `orgId`). */
export const signal = (id: string, kind: Signal['kind'], ts: string, key: string, labels: Record<string, string>, extra: Partial<Signal> = {}): Signal => ({
  id,
  orgId: 'o1',
  source: 'test',
  kind,
  ts,
  key,
  value: null,
  text: null,
  labels,
  meta: {},
  ...extra,
});

/**
 * Around the seeded checkout incident (started 09:45): a deploy of checkout at 09:30 (the one the
 * draft undoes), an older one at 09:10, a flag of cart at 09:40, a config change of checkout at
 * 09:50, a warning event and a metric (not changes), a deploy two days earlier (outside the
 * incident's window) and o2's deploy of checkout at 09:35 (invisible to o1).
 */
export async function seedChanges(s: Seeded): Promise<{ deploy: string; olderDeploy: string; flag: string; config: string; warning: string; metric: string; old: string; foreign: string }> {
  const ids = { deploy: 'sig_deploy_0930', olderDeploy: 'sig_deploy_0910', flag: 'sig_flag_0940', config: 'sig_config_0950', warning: 'sig_warn_0951', metric: 'sig_metric_0952', old: 'sig_deploy_old', foreign: 'sig_o2_deploy' };
  await s.org.insertSignals([
    signal(ids.olderDeploy, 'deploy', '2026-03-01T09:10:00.000Z', 'checkout', { service: 'checkout', version: 'v41' }, { text: 'deploy checkout v41' }),
    signal(ids.deploy, 'deploy', '2026-03-01T09:30:00.000Z', 'checkout', { service: 'checkout', version: 'v42' }, { text: 'deploy checkout v42', meta: { change_id: 'gh-deploy-42' } }),
    signal(ids.flag, 'flag', '2026-03-01T09:40:00.000Z', 'new-pricing', { service: 'cart', flag: 'new-pricing' }),
    signal(ids.config, 'event', '2026-03-01T09:50:00.000Z', 'config_change', { service: 'checkout' }, { text: 'payment timeout 2s → 200ms' }),
    signal(ids.warning, 'event', '2026-03-01T09:51:00.000Z', 'BackOff', { service: 'checkout' }, { text: 'Back-off restarting failed container' }),
    signal(ids.metric, 'metric', '2026-03-01T09:52:00.000Z', 'http_error_rate', { service: 'checkout' }, { value: 0.2 }),
    signal(ids.old, 'deploy', '2026-02-27T09:00:00.000Z', 'checkout', { service: 'checkout', version: 'v40' }),
  ]);
  await s.opened.store.forOrg('o2').insertSignals([signal(ids.foreign, 'deploy', '2026-03-01T09:35:00.000Z', 'checkout', { service: 'checkout', version: 'v99' }, { orgId: 'o2' })]);
  return ids;
}

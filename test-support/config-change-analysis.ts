/**
 * A stored, confident analysis that blames a config change of checkout (`timeout_ms.payments`
 * 6000 → 300, two minutes before the onset): the fix catalog reverts it, and restart is its
 * alternative. For the tests of the fix-plan options (mode, strategy) through the API and the chat.
 */
import type { OrgStore } from '../core/ports/index.js';

/** Stores the config change and the analysis for `incidentId` (ids suffixed by `suffix`); returns the change id. */
export async function seedConfigChangeAnalysis(org: OrgStore, orgId: string, incidentId: string, suffix: string): Promise<string> {
  const changeId = `chg-${suffix}`;
  await org.insertSignals([
    { id: `sig-${suffix}`, orgId, source: 'gitops', kind: 'event', ts: '2026-03-02T09:28:00.000Z', key: 'config_change', value: null, text: null, labels: { service: 'checkout' }, meta: { change_id: changeId, key: 'timeout_ms.payments', from: 6000, to: 300 } },
  ]);
  const result = {
    hypotheses: [{ rank: 1, statement: 'checkout is the cause', confidence: 0.8, service: 'checkout', changeId, evidenceIds: ['ev-1'], counterEvidence: [], whyNot: [] }],
    correlations: [{ changeId, service: 'checkout', kind: 'config', key: 'timeout_ms.payments', ts: 0, leadMinutes: 2, leadFrom: 'onset', factors: {}, likelihood: 0.9 }],
    services: [],
    logClusters: [],
    metricDeltas: [],
    ranking: [{ service: 'checkout' }],
  };
  await org.saveAnalysis({ id: `an-${suffix}`, incidentId, window: { from: '2026-03-02T09:00:00.000Z', to: '2026-03-02T10:00:00.000Z' }, verdict: 'confident', result, counts: {}, createdAt: '2026-03-02T10:00:00.000Z' });
  return changeId;
}

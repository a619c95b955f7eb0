/**
 * draft_fix_plan with a strategy and a mode: the same drafting POST /v1/fix/plan does (the
 * catalog's alternative preferred and said so, catalog-only refusing with why), and an unknown
 * strategy an error naming the valid ones — through the registry, so a model sees what it would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '../remediate/choose.js';
import { type Seeded, seed } from '../test-support/tool-fixtures.js';
import { planFix } from '../usecases/fix.js';
import { openIncident } from '../usecases/incidents.js';
import { READ_ONLY_TOOLS } from './index.js';
import { createRegistry } from './registry.js';

let s: Seeded;
let analyzed: string;
let bare: string;
const reg = createRegistry(READ_ONLY_TOOLS);
const call = (args: unknown) => reg.call('draft_fix_plan', args, { session: s.session(['read']) });
type Draft = { draft: { title: string; steps: { description: string; command?: string }[] }; why: string; alternatives?: { fix: string }[] };

beforeAll(async () => {
  s = await seed();
  // an incident whose stored, confident analysis blames a config change of checkout: the catalog reverts it
  const inc = await openIncident(s.session(['read', 'plan']), { title: 'checkout timeouts', service: 'checkout', severity: 'sev2', started_at: '2026-03-02T09:30:00.000Z' });
  analyzed = inc.id;
  await s.org.insertSignals([
    { id: 'sig-cfg-tool', orgId: 'o1', source: 'gitops', kind: 'event', ts: '2026-03-02T09:28:00.000Z', key: 'config_change', value: null, text: null, labels: { service: 'checkout' }, meta: { change_id: 'chg-cfg-tool', key: 'timeout_ms.payments', from: 6000, to: 300 } },
  ]);
  const result = {
    hypotheses: [{ rank: 1, statement: 'checkout is the cause', confidence: 0.8, service: 'checkout', changeId: 'chg-cfg-tool', evidenceIds: ['ev-1'], counterEvidence: [], whyNot: [] }],
    correlations: [{ changeId: 'chg-cfg-tool', service: 'checkout', kind: 'config', key: 'timeout_ms.payments', ts: 0, leadMinutes: 2, leadFrom: 'onset', factors: {}, likelihood: 0.9 }],
    services: [],
    logClusters: [],
    metricDeltas: [],
    ranking: [{ service: 'checkout' }],
  };
  await s.org.saveAnalysis({ id: 'an-cfg-tool', incidentId: inc.id, window: { from: '2026-03-02T09:00:00.000Z', to: '2026-03-02T10:00:00.000Z' }, verdict: 'confident', result, counts: {}, createdAt: '2026-03-02T10:00:00.000Z' });
  bare = (await openIncident(s.session(['read', 'plan']), { title: 'cart slow', service: 'cart', severity: 'sev3', started_at: '2026-03-02T09:30:00.000Z' })).id;
});
afterAll(async () => s?.close());

describe('draft_fix_plan strategy and mode', () => {
  it("without a strategy: the catalog's first choice (revert the blamed key), restart among the alternatives", async () => {
    const r = await call({ incidentId: analyzed, namespace: 'shop' });
    expect(r.status).toBe('ok');
    const d = r.data as Draft;
    expect(d.draft.steps[0].description).toMatch(/^Revert the config of checkout/);
    expect(d.draft.steps[0].command).toBe(`kubectl patch configmap/checkout-config -n shop --type merge -p '{"data":{"timeout_ms.payments":"6000"}}'`);
    expect(d.alternatives?.map((a) => a.fix.toLowerCase()).join(' | ')).toMatch(/restart/);
  });

  it('a strategy prefers that alternative and says so: the same plan POST /v1/fix/plan stores with it', async () => {
    const r = await call({ incidentId: analyzed, namespace: 'shop', strategy: 'restart' });
    expect(r.status).toBe('ok');
    const d = r.data as Draft;
    expect(d.draft.steps).toEqual([{ description: 'Restart checkout in namespace shop', command: 'kubectl rollout restart deployment/checkout -n shop' }]);
    expect(d.why).toMatch(/^Chosen as asked \(strategy "restart"\) over the catalog's first choice, revert the blamed configuration key/);
    const plan = await planFix(s.session(['read', 'plan']), { incidentId: analyzed, env: 'staging', runner: 'dryrun', namespace: 'shop', strategy: 'restart' });
    expect(plan.steps.map((st) => st.command)).toEqual(d.draft.steps.map((st) => st.command));
  });

  it('an unknown strategy is an error naming the valid ones', async () => {
    const r = await call({ incidentId: analyzed, strategy: 'reboot-the-world' });
    expect(r.status).toBe('error');
    expect(r.error).toBe(`Unknown strategy "reboot-the-world". Valid strategies: ${STRATEGIES.join(', ')}; or leave strategy out for the catalog's own choice.`);
    expect(r.error).toMatch(/undo-deploy, rollback/);
  });

  it('a known strategy that does not fit the incident is an error naming those that do', async () => {
    const r = await call({ incidentId: analyzed, namespace: 'shop', strategy: 'scale-out' });
    expect(r.status).toBe('error');
    expect(r.error).toMatch(/no "scale-out" fix for checkout: the analysis does not support it\. Strategies that fit this incident: revert-config \(config_revert\), restart \(restart\)/);
  });

  it('mode catalog refuses an incident with no analysis, saying why; mode auto falls back to the thin planner', async () => {
    const cat = await call({ incidentId: bare, mode: 'catalog' });
    expect(cat.status).toBe('error');
    expect(cat.error).toMatch(/The fix catalog has no fix for this incident: it has no stored analysis \(analyze it first\) \(mode "auto" falls back to the thin planner\)/);
    const auto = await call({ incidentId: bare, mode: 'auto' });
    expect((auto.data as Draft).draft.title).toBe('Restart cart');
  });

  it('mode manual is not offered to the model (steps are for people, through the API)', async () => {
    const r = await call({ incidentId: bare, mode: 'manual' });
    expect(r.status).toBe('error');
    expect(r.error).toMatch(/^Invalid arguments for draft_fix_plan: mode: /);
  });
});

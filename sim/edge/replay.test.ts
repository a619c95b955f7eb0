/** `warroom replay`: a scenario through the public ingest API into an embedded instance. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayScenario } from './replay.js';
import { startEmbedded, type Embedded } from '../../app/embedded.js';
import { scenarioOf } from '../test-helpers.js';

describe('replay', () => {
  let e: Embedded;
  beforeAll(async () => {
    e = await startEmbedded('pglite');
  });
  afterAll(async () => {
    await e?.stop();
  });

  const scenario = scenarioOf({ id: 'replay-test', duration: '9m', faults: [{ kind: 'bad_deploy_errors', service: 'payments', at: '2m', params: { error_rate: 0.5 } }], baseline: { logs_per_min: 300, instance_metrics: '1m' } });

  it('opens an incident on the root cause, and a second replay stores nothing twice', async () => {
    const first = await replayScenario(scenario, { url: e.w.url, key: e.apiKey, settleMs: 15_000 });
    expect(first.signals.rejected).toBe(0);
    expect(first.signals.accepted).toBe(first.signals.sent);
    expect(first.faults).toEqual([expect.objectContaining({ kind: 'bad_deploy_errors', root_cause_service: 'payments', incident_opened: true })]);
    const topo = await e.client().get('/v1/topology');
    expect(topo.body.nodes).toHaveLength(20);

    const again = await replayScenario(scenario, { url: e.w.url, key: e.apiKey, settleMs: 1000 });
    expect(again.signals.replayed).toBe(again.signals.batches);
    const stored = await e.w.store().forOrg('default').listSignals({ limit: 100_000 });
    expect(stored.length).toBe(first.signals.accepted);
  });
});

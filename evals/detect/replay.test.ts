import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIO_DIR } from '../../sim/edge/library.js';
import { replayDetection, withLeadIn } from './replay.js';

describe('detection replay on the sandbox', () => {
  it('shifts a scenario behind a calm lead-in, faults at the same wall-clock time', () => {
    const s = withLeadIn({ id: 'lead-in-test', title: 't', description: 'd', seed: 1, start: '2026-03-03T15:00:00Z', duration: '90m', baseline: { logs_per_min: 10 }, faults: [{ kind: 'bad_deploy_errors', service: 'checkout', at: '40m', id: 'f1' }], ground_truth: [{ fault: 'f1', kind: 'bad_deploy_errors', root_cause_service: 'checkout', change: 'deploy', remedy: 'rollback' }] }, 3_600_000);
    expect(new Date(s.startMs).toISOString()).toBe('2026-03-03T14:00:00.000Z');
    expect(s.durationMs).toBe(150 * 60_000);
    expect(s.faults[0].at).toBe('6000s');
  });

  it('detects a bad deploy from a cold start within minutes, on its root cause, with no incident before it', () => {
    const r = replayDetection(join(SCENARIO_DIR, 'bad-deploy-errors-checkout.json'), { leadInMs: 0 });
    expect(r.faults).toHaveLength(1);
    const [f] = r.faults;
    expect(f.detectedMs).not.toBeNull();
    expect(f.detectedMs! - f.startMs).toBeLessThanOrEqual(5 * 60_000);
    expect(f.onRoot).toBe(true);
    expect(r.falseIncidents).toEqual([]);
  }, 120_000);
});

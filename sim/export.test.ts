/** `sim export`: files a loader can read back, in the recorded-incident layout. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TopologyInput } from '../core/schemas.js';
import { exportScenario } from './edge/export.js';
import { rawTopologies } from './edge/library.js';
import { parseScenario } from './scenario.js';
import { scenarioOf } from './test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'warroom-sim-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sim export', () => {
  it('writes signals, topology, case summary and ground truth', async () => {
    const sc = scenarioOf({ id: 'export-test', duration: '8m', faults: [{ kind: 'flag_misconfig', at: '2m' }], baseline: { logs_per_min: 1200, traces_per_min: 30 } });
    const s = await exportScenario(sc, dir);
    expect(s.files).toEqual(['metrics.csv', 'logs.jsonl', 'events.jsonl', 'spans.jsonl', 'topology.json', 'case.json', 'ground-truth.json', 'scenario.json']);

    const csv = readFileSync(join(dir, 'metrics.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe('ts,service,metric,value,instance');
    expect(csv).toHaveLength(s.metric_points + 1);
    expect(csv[1]).toMatch(/^\d{10},[a-z-]+,[a-z0-9_]+,-?[\d.]+,[a-z0-9-]*$/);

    const logs = readFileSync(join(dir, 'logs.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(logs).toHaveLength(s.log_lines);
    expect(Object.keys(logs[0])).toEqual(['ts', 'service', 'pod', 'level', 'message']);

    const topo = JSON.parse(readFileSync(join(dir, 'topology.json'), 'utf8'));
    expect(TopologyInput.safeParse(topo).success).toBe(true);
    expect(topo.edges[0]).toMatchObject({ from: 'edge-gateway', to: 'frontend', attributes: { share: 1 } });

    const truth = JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8'));
    expect(truth.faults[0]).toMatchObject({ kind: 'flag_misconfig', root_cause_service: 'recommendations', change: { kind: 'flag', key: 'new_ranking_model' }, remedy: { action: 'flag_off' } });
    const events = readFileSync(join(dir, 'events.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(events.find((e) => e.kind === 'flag')?.meta.change_id).toBe(truth.faults[0].change.id);

    const c = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8'));
    expect(c).toMatchObject({ root_cause_service: 'recommendations', fault_type: 'flag_misconfig', inject_ts: Math.floor(sc.startMs / 1000) + 120 });
    expect(c.candidate_services).toHaveLength(20);

    // The exported scenario loads on its own (topology inline).
    const again = parseScenario(JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8')), { topologies: rawTopologies() });
    expect(again.faults[0].kind).toBe('flag_misconfig');
  });
});

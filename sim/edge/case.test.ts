/** The scenario as an RCA case: what `sim export` writes is what the in-memory case holds. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCaseFolder } from '../../app/commands/rca.js';
import { caseToInput, parseCaseTopology, parseJsonLines, stripLabels } from '../../rca/cases.js';
import { scenarioOf } from '../test-helpers.js';
import { World } from '../world.js';
import { simCase, type CaseSignals, type CaseWindow } from './case.js';
import { exportScenario } from './export.js';

const dir = mkdtempSync(join(tmpdir(), 'warroom-sim-case-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Logs, trace spans and the lines of sampled requests, a memory leak (its Kubernetes events are raised mid-step).
const sc = scenarioOf({ id: 'case-test', duration: '12m', faults: [{ kind: 'memory_leak', service: 'cart', at: '8m' }], baseline: { logs_per_min: 600, traces_per_min: 200, trace_logs: true } });
const full = simCase(sc);
const withoutLevel = (logs: CaseSignals['logs']) => logs.map(({ level: _l, ...r }) => r);

describe('sim case', () => {
  it('is what `sim export` writes, read back by the case loader', async () => {
    const s = await exportScenario(sc, dir);
    expect(full.metrics.length).toBe(s.metric_points);
    expect(full.events.length).toBe(s.events);
    expect(full.events.some((e) => e.key === 'k8s_event')).toBe(true);
    expect(full.spans.length).toBeGreaterThan(0);

    const read = readCaseFolder(dir);
    expect(read.caseJson).toEqual(stripLabels(full.caseJson));
    expect(read.metrics).toEqual(full.metrics);
    expect(read.logs).toEqual(withoutLevel(full.logs));
    expect(read.events).toEqual(full.events);
    expect(read.topology).toEqual(parseCaseTopology(full.topology));
    expect(JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8'))).toEqual(full.caseJson);
    expect(parseJsonLines(readFileSync(join(dir, 'logs.jsonl'), 'utf8'))).toEqual(full.logs);
    expect(parseJsonLines(readFileSync(join(dir, 'spans.jsonl'), 'utf8'))).toEqual(full.spans);
    expect(JSON.parse(readFileSync(join(dir, 'ground-truth.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(full.truth)));
    // and so the analysis input is the same
    const { caseJson, metrics, logs, events, topology } = full;
    expect(caseToInput(read)).toEqual(caseToInput({ caseJson, metrics, logs, events, topology: parseCaseTopology(topology) }));
  });

  it('cut to a window, holds exactly the rows stamped inside it', () => {
    // The hard edges: a window that starts where a step's spans and request lines run past its end,
    // and ends where a Kubernetes event raised in its last step goes out with the next step.
    const w = new World(sc);
    let fromMs: number | undefined;
    let toMs: number | undefined;
    while (!w.done && toMs === undefined) {
      const c = w.step();
      const late = (s: { ts: unknown }) => Date.parse(s.ts as string) >= c.to;
      if (fromMs === undefined && c.spans.some(late) && c.logs.some(late)) fromMs = c.to;
      else if (fromMs !== undefined && c.events.some((e) => Date.parse(e.ts as string) < c.from)) toMs = c.from;
    }
    expect(fromMs).toBeDefined();
    expect(toMs).toBeDefined();
    const window: CaseWindow = { fromMs: fromMs!, toMs: toMs! };
    const cut = simCase(sc, {}, window);
    const inside = (tsSeconds: number) => Math.round(tsSeconds * 1000) >= window.fromMs && Math.round(tsSeconds * 1000) < window.toMs;
    const insideSignal = (o: Record<string, unknown>) => inside(Date.parse(o.ts as string) / 1000);
    expect(cut.metrics).toEqual(full.metrics.filter((r) => inside(r.ts)));
    expect(cut.logs).toEqual(full.logs.filter((r) => inside(r.ts)));
    expect(cut.events).toEqual(full.events.filter(insideSignal));
    expect(cut.spans).toEqual(full.spans.filter(insideSignal));
    expect(cut.events.some((e) => e.key === 'k8s_event')).toBe(true);
    expect(cut.caseJson).toMatchObject({
      window: { start_ts: window.fromMs / 1000, end_ts: window.toMs / 1000 },
      inject_ts: (sc.startMs + 8 * 60_000) / 1000,
      root_cause_service: 'cart',
      signals: { metric_points: cut.metrics.length, log_lines: cut.logs.length },
    });
  });
});

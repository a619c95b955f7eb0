import { describe, expect, it } from 'vitest';
import type { Signal } from '../../core/schemas.js';
import { DETECTORS, DetectionEngine, slosFromTopology, streamAnomalyId } from './engine.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 2);
let n = 0;
const sig = (kind: Signal['kind'], t: number, key: string, labels: Record<string, string>, v: { value?: number; text?: string; meta?: Record<string, unknown> } = {}): Signal => ({
  id: `s${n++}`,
  orgId: 'o',
  source: 'test',
  kind,
  ts: new Date(t).toISOString(),
  key,
  value: v.value ?? null,
  text: v.text ?? null,
  labels,
  meta: v.meta ?? {},
});

/** A seasonal error rate: a daily wave plus deterministic jitter. */
const calm = (t: number) => 0.002 + 0.001 * Math.sin((2 * Math.PI * (t - T0)) / 86_400_000) + 0.0002 * Math.sin(t / 7_777);

describe('DetectionEngine', () => {
  it('takes a batch in time order whatever order it arrives in, skipping unparsable times', () => {
    const pod = { service: 'cart', instance: 'cart-1' };
    const shuffled = [sig('metric', T0 + 2 * MIN, 'restarts_total', pod, { value: 2 }), { ...sig('metric', T0, 'restarts_total', pod, { value: 9 }), ts: 'not a time' }, sig('metric', T0, 'restarts_total', pod, { value: 0 }), sig('metric', T0 + MIN, 'restarts_total', pod, { value: 1 })];
    const found = new DetectionEngine({ org: 'o' }).process(shuffled);
    // In time order the counter went 0 → 1 → 2: two restarts; the unparsable point is ignored.
    expect(found.map((a) => [a.baseline, a.value])).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });

  it('sees a late batch (a retry after a crash, a second sender) within 5 minutes, and counts what is too late (issue 18 §5)', () => {
    const e = new DetectionEngine({ org: 'o' });
    e.setSlos({ cart: { availability: 0.999 } });
    const at = (m: number, v: number) => sig('metric', T0 + m * MIN, 'http_error_rate', { service: 'cart' }, { value: v });
    // sender A: calm up to minute 20
    expect(e.processBatch(Array.from({ length: 21 }, (_, m) => at(m, calm(T0 + m * MIN)))).late).toEqual({ folded: 0, dropped: 0 });
    // sender B's batch (or a retried one) for minutes 17-19 arrives after: an outage there is still paged, at its own time
    const late = e.processBatch([at(17, 0.4), at(18, 0.45), at(19, 0.5)]);
    expect(late.anomalies.some((a) => a.detector === DETECTORS.slo && a.ts === new Date(T0 + 19 * MIN).toISOString())).toBe(true);
    expect(late.late).toEqual({ folded: 3, dropped: 0 });
    // a point ten minutes behind the newest is dropped, and counted
    expect(e.processBatch([at(10, 0.9)]).late).toEqual({ folded: 0, dropped: 1 });
  });

  it('reads SLOs from topology node attributes', () => {
    expect(slosFromTopology({ nodes: [{ id: 'a', attributes: { slo: { availability: 0.999, p95_ms: 300 } } }, { id: 'b', attributes: {} }] })).toEqual({ a: { availability: 0.999, p95Ms: 300 } });
    expect(slosFromTopology(null)).toEqual({});
  });

  it('pages through the SLO guard from the first minutes; once warm, the learned detector finds what is unusual within the SLO', () => {
    const e = new DetectionEngine({ org: 'o' });
    e.setSlos({ cart: { availability: 0.999 } });
    // A big outage 10 minutes in: the learned detector is still warming up, the guard pages.
    const cold = e.process([...Array.from({ length: 10 }, (_, m) => sig('metric', T0 + m * MIN, 'http_error_rate', { service: 'cart' }, { value: calm(T0 + m * MIN) })), sig('metric', T0 + 10 * MIN, 'http_error_rate', { service: 'cart' }, { value: 0.4 })]);
    expect(cold.map((a) => a.detector)).toEqual([DETECTORS.slo]);
    // Three calm days, then an error rate ten times its usual level but under the SLO threshold.
    const batch: Signal[] = [];
    for (let m = 11; m < 3 * 1440; m++) batch.push(sig('metric', T0 + m * MIN, 'http_error_rate', { service: 'cart' }, { value: calm(T0 + m * MIN) }));
    expect(e.process(batch).filter((a) => a.detector.startsWith('seasonal')).length).toBeLessThanOrEqual(2);
    const t = T0 + 3 * 1440 * MIN;
    const warm = e.process([0, 1, 2].map((k) => sig('metric', t + k * MIN, 'http_error_rate', { service: 'cart' }, { value: 0.012 })));
    // Unusual, but a tenth of the SLO's paging threshold: found, as support only.
    expect(warm.some((a) => a.detector === DETECTORS.seasonalWithinSlo && a.direction === 'up')).toBe(true);
    expect(warm.some((a) => a.detector === DETECTORS.slo)).toBe(false);
  });

  it('finds pod restarts and Kubernetes warnings, ignores Normal events and pod-level latency', () => {
    const e = new DetectionEngine({ org: 'o' });
    const pod = { service: 'cart', instance: 'cart-1' };
    const found = e.process([
      sig('metric', T0, 'restarts_total', pod, { value: 0 }),
      sig('metric', T0 + MIN, 'restarts_total', pod, { value: 1 }),
      sig('metric', T0 + MIN, 'latency_p95_ms', pod, { value: 1e6 }),
      sig('event', T0 + MIN, 'k8s_event', { ...pod, reason: 'OOMKilled' }, { text: 'Warning OOMKilled pod/cart-1', meta: { type: 'Warning', reason: 'OOMKilled' } }),
      sig('event', T0 + MIN, 'k8s_event', { ...pod, reason: 'Started' }, { text: 'Normal Started', meta: { type: 'Normal', reason: 'Started' } }),
    ]);
    expect(found.map((a) => [a.detector, a.series])).toEqual([
      [DETECTORS.restart, 'restarts_total{instance=cart-1}'],
      [DETECTORS.k8s, 'k8s.OOMKilled{instance=cart-1}'],
    ]);
  });

  it('mines logs into templates: error bursts are found, and a new template only after the learning hour', () => {
    const e = new DetectionEngine({ org: 'o' });
    const out = [];
    for (let m = 0; m < 90; m++) {
      const t = T0 + m * MIN;
      out.push(...e.process([0, 1, 2].map((k) => sig('log', t + k * 1000, 'api', { service: 'api', level: 'info' }, { text: `GET /items/${m * 3 + k} 200 in ${10 + k} ms` }))));
      if (m === 80) out.push(...e.process([0, 1, 2, 3, 4, 5, 6, 7].map((k) => sig('log', t + 30_000 + k, 'api', { service: 'api', level: 'error' }, { text: `db connection refused to 10.0.0.${k}:5432` }))));
    }
    expect(out.filter((a) => a.detector === DETECTORS.novelTemplate).map((a) => a.ts)).toEqual([new Date(T0 + 80 * MIN + 30_000).toISOString()]);
    expect(out.some((a) => a.detector === DETECTORS.errorBurst && a.service === 'api' && a.value === 8)).toBe(true);
    expect(e.template(Number(out.find((a) => a.detector === DETECTORS.novelTemplate)!.series.split('.').pop()))).toContain('connection refused');
  });

  it('derives RED series from the logs of a service that sends no metrics, and pages on their error ratio', () => {
    const e = new DetectionEngine({ org: 'o' });
    const found = [];
    for (let m = 0; m < 8; m++) {
      const bad = m >= 4;
      const lines = Array.from({ length: 20 }, (_, k) =>
        sig('log', T0 + m * MIN + k * 2000, 'legacy', { service: 'legacy' }, { text: JSON.stringify({ level: bad && k % 2 ? 'error' : 'info', msg: bad && k % 2 ? 'upstream timed out' : 'request served', status: bad && k % 2 ? 502 : 200 }) }),
      );
      found.push(...e.process(lines));
    }
    const slo = found.filter((a) => a.detector === DETECTORS.slo);
    expect(slo.length).toBeGreaterThan(0);
    expect(slo[0]).toMatchObject({ service: 'legacy', series: 'log.red.error_ratio', value: 0.5 });
    // A service that sends its own metrics gets none derived from its logs.
    const m = new DetectionEngine({ org: 'o' });
    m.process([sig('metric', T0, 'http_error_rate', { service: 'legacy' }, { value: 0.001 })]);
    const derived = [];
    for (let k = 0; k < 5; k++) derived.push(...m.process([sig('log', T0 + k * MIN, 'legacy', { service: 'legacy' }, { text: 'level=error msg="boom"' })]));
    expect(derived.filter((a) => a.series.startsWith('log.red'))).toEqual([]);
  });

  it('checkpoints to plain JSON and resumes with the same findings; ids are deterministic', () => {
    const a = new DetectionEngine({ org: 'o' });
    const b = new DetectionEngine({ org: 'o' });
    const first: Signal[] = [];
    for (let m = 0; m < 2 * 1440 + 200; m++) first.push(sig('metric', T0 + m * MIN, 'latency_p95_ms', { service: 'api' }, { value: 100 + 20 * Math.sin(m / 37) }));
    a.process(first);
    b.process(first);
    const resumed = DetectionEngine.fromJSON(JSON.parse(JSON.stringify(a.toJSON())), { org: 'o' });
    const t = T0 + (2 * 1440 + 200) * MIN;
    const next = [0, 1, 2, 3].map((k) => sig('metric', t + k * MIN, 'latency_p95_ms', { service: 'api' }, { value: 900 }));
    const x = resumed.process(next);
    expect(x.length).toBeGreaterThan(0);
    expect(x).toEqual(b.process(next));
    expect(x[0].id).toBe(streamAnomalyId('o', 'api', 'latency_p95_ms', t, x[0].detector));
    expect(() => DetectionEngine.fromJSON({ v: 2 } as never, { org: 'o' })).toThrow(/version/);
  });
});

import { describe, expect, it } from 'vitest';
import type { Signal } from '../core/schemas.js';
import { analyze } from './analyze.js';
import { caseToInput, parseMetricsCsv, toLogRows, toSignals, type CaseContent } from './cases.js';
import { entryPointsFromTopology, inputFromStored, slosFromTopology, splitWindow } from './from-signals.js';

// A small synthetic case: cart gets slow and logs errors after a deploy; frontend and its SLI follow.
const INJECT = 1_700_000_000;
const START = INJECT - 1200;
const END = INJECT + 600;
const caseJson = {
  id: 'demo-002',
  root_cause_service: 'cart',
  fault_type: 'latency',
  inject_ts: INJECT,
  window: { start_ts: START, end_ts: END },
  candidate_services: ['frontend', 'cart', 'catalog'],
  entry_service: 'entry-sli',
};

function content(): CaseContent {
  const lines = ['ts,service,metric,value,instance'];
  const logs: Record<string, unknown>[] = [];
  let trace = 0;
  for (let t = START; t <= END; t += 30) {
    const after = t >= INJECT;
    const w = ((t / 30) % 7) * 0.1;
    lines.push(`${t},cart,latency_p95_ms,${after ? 400 + w * 10 : 40 + w},cart-0`);
    lines.push(`${t},cart,latency_p95_ms,${after ? 380 + w * 10 : 42 + w},cart-1`);
    lines.push(`${t},cart,cpu_usage,${after ? 0.9 + w / 100 : 0.3 + w / 100},`);
    lines.push(`${t},frontend,latency_p95_ms,${after ? 600 + w * 10 : 120 + w},`);
    lines.push(`${t},frontend,client_latency_p95_ms,${after ? 450 + w * 10 : 50 + w},`);
    lines.push(`${t},catalog,latency_p95_ms,${30 + w},`);
    lines.push(`${t},entry-sli,latency_p95_ms,${after ? 650 + w * 10 : 130 + w},`);
    for (let k = 0; k < 3; k++) {
      const id = (++trace).toString(16).padStart(16, '0');
      const s = t + k * 7 + 0.25;
      logs.push({ ts: s, service: 'frontend', pod: 'frontend-0', message: `INFO GET /cart 200 TraceID: ${id}` });
      logs.push({ ts: s + (after ? 0.4 : 0.04), service: 'cart', pod: `cart-${k % 2}`, message: `INFO load cart user=${t % 97} TraceID: ${id}` });
      logs.push({ ts: s + (after ? 0.45 : 0.05), service: 'catalog', pod: 'catalog-0', message: `INFO product lookup sku=${k} TraceID: ${id}` });
      logs.push({ ts: s + (after ? 0.5 : 0.06), service: 'cart', pod: `cart-${k % 2}`, message: `INFO cart priced items=${k + 1} TraceID: ${id}` });
    }
    if (after) logs.push({ ts: t + 3, service: 'cart', pod: 'cart-0', message: `ERROR redis timeout after ${500 + (t % 13)} ms` });
  }
  const events = [
    { source: 'argocd', kind: 'deploy', ts: new Date((INJECT - 120) * 1000).toISOString(), key: 'cart', text: 'Deployed cart 1.2.0', labels: { service: 'cart' }, meta: { change_id: 'chg-1' } },
    { source: 'argocd', kind: 'deploy', ts: new Date((INJECT - 900) * 1000).toISOString(), key: 'catalog', text: 'Deployed catalog 3.1.0', labels: { service: 'catalog' }, meta: { change_id: 'chg-2' } },
  ];
  return {
    caseJson,
    metrics: parseMetricsCsv(lines.join('\n')),
    logs: toLogRows(logs),
    topology: { nodes: ['frontend', 'cart', 'catalog'], edges: [['frontend', 'cart'], ['cart', 'catalog']] },
    events,
  };
}

/** The case as the public ingest API stores it: one Signal per metric point and log line, events as they are. */
function asStoredSignals(c: CaseContent): Signal[] {
  const out: Signal[] = [];
  let n = 0;
  const sig = (s: Omit<Signal, 'id' | 'orgId' | 'source' | 'meta'>): Signal => ({ id: `s${++n}`, orgId: 'o', source: 'case', meta: {}, ...s });
  for (const m of c.metrics)
    out.push(sig({ kind: 'metric', ts: new Date(Math.round(m.ts * 1000)).toISOString(), key: m.metric, value: m.value, text: null, labels: m.instance ? { service: m.service, instance: m.instance } : { service: m.service } }));
  for (const l of c.logs ?? [])
    out.push(sig({ kind: 'log', ts: new Date(Math.round(l.ts * 1000)).toISOString(), key: l.service, value: null, text: l.message, labels: l.pod ? { service: l.service, instance: l.pod } : { service: l.service } }));
  out.push(...toSignals(c.events ?? []));
  // the store hands them back in time order, not in file order
  return out.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.id < b.id ? -1 : 1));
}

function storedInput(c: CaseContent) {
  const ref = caseToInput(c);
  return inputFromStored({
    incident: { id: 'inc1', service: 'entry-sli', startedAt: new Date(INJECT * 1000).toISOString() },
    window: { from: START * 1000, to: END * 1000 },
    signals: asStoredSignals(c),
    topology: ref.topology,
    candidates: ref.candidates,
    entryPoints: ref.entryPoints,
  });
}

describe('stored signals → AnalysisInput', () => {
  it('splits the window at the incident start: before is the baseline, after is the incident period', () => {
    expect(splitWindow({ from: 1000, to: 5000 }, 3000)).toEqual({ window: { from: 3000, to: 5000 }, baseline: { from: 1000, to: 3000 } });
    // a window that begins after the start is all incident period; the baseline is what comes before it
    expect(splitWindow({ from: 4000, to: 5000 }, 3000)).toEqual({ window: { from: 4000, to: 5000 } });
    expect(splitWindow({ from: 4000, to: 5000 }, 3000, { from: 2000, to: 4000 })).toEqual({ window: { from: 4000, to: 5000 }, baseline: { from: 2000, to: 4000 } });
    // an explicit baseline (a normal period) keeps the window whole: its part before the start is the lead-in
    expect(splitWindow({ from: 2000, to: 5000 }, 3000, { from: 0, to: 1001 })).toEqual({ window: { from: 2000, to: 5000 }, baseline: { from: 0, to: 1001 } });
    expect(splitWindow({ from: '1970-01-01T00:00:01Z', to: '1970-01-01T00:00:05Z' }, '1970-01-01T00:00:03Z').baseline).toEqual({ from: 1000, to: 3000 });
  });

  it('builds the input caseToInput builds for the same case data', () => {
    const c = content();
    const ref = caseToInput(c);
    const got = storedInput(c);
    expect(got.window).toEqual(ref.window);
    expect(got.baseline).toEqual(ref.baseline);
    expect(got.incident.service).toBe(ref.incident.service);
    expect(got.incident.startedAt).toBe(ref.incident.startedAt);
    expect(got.logClusters).toEqual(ref.logClusters);
    expect(got.logClusters!.length).toBeGreaterThan(3);
    expect(got.logClusters!.some((l) => l.level === 'error' && l.novel)).toBe(true);
    // series: the same set (order within one service/metric may differ), points in time order
    const key = (m: { service: string; metric: string; instance?: string }) => `${m.service}/${m.metric}/${m.instance ?? ''}`;
    const byKey = (xs: typeof ref.metrics) => Object.fromEntries(xs.map((m) => [key(m), m.points.map((p) => [Number(p.ts), p.value])]));
    expect(byKey(got.metrics)).toEqual(byKey(ref.metrics));
    expect(got.changes!.map((s) => [s.id, s.kind, s.ts, s.key])).toEqual(ref.changes!.map((s) => [s.id, s.kind, s.ts, s.key]).sort((a, b) => (a[2] < b[2] ? -1 : 1)));
  });

  it('gives the same analysis as caseToInput: ranking, evidence, hypotheses and verdict', () => {
    const c = content();
    const ref = analyze(caseToInput(c));
    const got = analyze(storedInput(c));
    expect(ref.ranking[0].service).toBe('cart');
    expect(got.ranking).toEqual(ref.ranking);
    expect(got.evidence).toEqual(ref.evidence);
    expect(got.hypotheses).toEqual(ref.hypotheses);
    expect(got.verdict).toBe(ref.verdict);
    expect(got.correlations).toEqual(ref.correlations);
    expect(got.blastRadius).toEqual(ref.blastRadius);
  });

  it('without a stored call graph, reads it from trace-correlated log lines as caseToInput does; stored nodes keep their attributes', () => {
    const c = { ...content(), topology: null };
    const ref = caseToInput(c);
    // frontend logs, then cart (called by frontend), then catalog (called by cart); the entry SLI
    // observes the graph's root (caseToInput's reading of a case's entry_service)
    expect(ref.topology!.edges.map((e) => [e.from, e.to, (e.attributes as { source?: string }).source])).toEqual([
      ['cart', 'catalog', 'trace-logs'],
      ['frontend', 'cart', 'trace-logs'],
      ['entry-sli', 'frontend', undefined],
    ]);
    const got = inputFromStored({
      incident: { id: 'inc1', service: 'entry-sli', startedAt: new Date(INJECT * 1000).toISOString() },
      window: { from: START * 1000, to: END * 1000 },
      signals: asStoredSignals(c),
      topology: { nodes: [{ id: 'frontend', type: 'service', attributes: { entry_point: true } }], edges: [] },
    });
    expect(got.topology!.edges).toEqual(ref.topology!.edges.slice(0, 2));
    expect(got.topology!.nodes.find((n) => n.id === 'frontend')!.attributes).toEqual({ entry_point: true });
    expect(got.entryPoints).toEqual(['frontend']);
    const r = analyze(got);
    expect(r.topology.edges.every((e) => e.source === 'trace-logs')).toBe(true);
    expect(r.ranking[0].service).toBe('cart');
  });

  it('takes compact series and log lines from the store the same as signals', () => {
    const c = content();
    const signals = asStoredSignals(c);
    const series = new Map<string, { service: string; metric: string; instance: string | null; ts: number[]; values: number[] }>();
    const logs: { ts: number; service: string; instance: string | null; text: string }[] = [];
    for (const s of signals) {
      if (s.kind === 'metric') {
        const k = `${s.labels.service}/${s.key}/${s.labels.instance ?? ''}`;
        const e = series.get(k) ?? { service: s.labels.service, metric: s.key, instance: s.labels.instance ?? null, ts: [], values: [] };
        e.ts.push(Date.parse(s.ts));
        e.values.push(s.value!);
        series.set(k, e);
      } else if (s.kind === 'log') logs.push({ ts: Date.parse(s.ts), service: s.labels.service, instance: s.labels.instance ?? null, text: s.text! });
    }
    const base = { incident: { service: 'entry-sli', startedAt: INJECT * 1000 }, window: { from: START * 1000, to: END * 1000 } };
    const ref = caseToInput(c);
    const a = inputFromStored({ ...base, signals, topology: ref.topology, candidates: ref.candidates });
    const b = inputFromStored({ ...base, series: [...series.values()].reverse(), logs: logs.reverse(), signals: signals.filter((s) => s.kind !== 'metric' && s.kind !== 'log'), topology: ref.topology, candidates: ref.candidates });
    expect(b).toEqual(a);
  });

  it('takes log lines of one millisecond in id order, whatever order the store returns them in', () => {
    // trace a → b → c where b and c log in the same millisecond: their order decides who called c
    const logs: { ts: number; service: string; text: string; id: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const t = 1_000_000 + i * 10_000;
      const trace = `TraceID: ${(i + 1).toString(16).padStart(12, '0')}`;
      logs.push({ ts: t, service: 'a', text: `call ${trace}`, id: `l${i}-0` });
      logs.push({ ts: t + 7, service: 'b', text: `work ${trace}`, id: `l${i}-1` });
      logs.push({ ts: t + 7, service: 'c', text: `done ${trace}`, id: `l${i}-2` });
    }
    const base = { incident: { startedAt: 1_200_000 }, window: { from: 1_000_000, to: 1_400_000 } };
    const a = inputFromStored({ ...base, logs });
    expect(inputFromStored({ ...base, logs: [...logs].reverse() })).toEqual(a);
    // with no graph stored, the requests show it: b's line then c's, so b called c
    const edges = (x: ReturnType<typeof inputFromStored>) => x.topology!.edges.map((e) => `${e.from}>${e.to}`).sort();
    expect(edges(a)).toEqual(['a>b', 'b>c']);
    // with c's line numbered before b's, a called c and c called b
    const swapped = inputFromStored({ ...base, logs: logs.map((l) => (l.service === 'b' ? { ...l, id: l.id.replace(/-1$/, '-2z') } : l)) });
    expect(edges(swapped)).toEqual(['a>c', 'c>b']);
  });

  it('applies the detectors\' SLO form (slo: {availability, p95_ms}) to the service\'s own symptom series; a spelled-out SLO wins', () => {
    const topology = {
      nodes: [
        { id: 'checkout', type: 'service', attributes: { slo: { availability: 0.999, p95_ms: 300 } } },
        { id: 'probe', type: 'synthetic', attributes: { slo: { availability: 0.99 } } },
        { id: 'cart', type: 'service', attributes: { slo: { p95_ms: 200 }, slos: [{ metric: 'latency_p95_ms', bad: 'up', objective: 250 }] } },
      ],
      edges: [],
    };
    const series = [
      { service: 'checkout', metric: 'http_error_rate' },
      { service: 'checkout', metric: 'latency_p95_ms' },
      { service: 'checkout', metric: 'latency_p50_ms' }, // not the objective's percentile
      { service: 'checkout', metric: 'cpu_utilization' },
      { service: 'checkout', metric: 'http_error_rate', instance: 'checkout-1' }, // pods are not the service
      { service: 'probe', metric: 'probe_success' },
      { service: 'cart', metric: 'latency_p95_ms' },
    ];
    expect(slosFromTopology(topology, series)).toEqual([
      { name: 'checkout availability', service: 'checkout', metric: 'http_error_rate', bad: 'up', objective: 0.001 },
      { name: 'checkout p95 latency', service: 'checkout', metric: 'latency_p95_ms', bad: 'up', objective: 300 },
      { name: 'probe availability', service: 'probe', metric: 'probe_success', bad: 'down', objective: 0.99 },
      { name: 'cart latency_p95_ms', service: 'cart', metric: 'latency_p95_ms', bad: 'up', objective: 250 },
    ]);
    expect(slosFromTopology(topology)).toEqual([{ name: 'cart latency_p95_ms', service: 'cart', metric: 'latency_p95_ms', bad: 'up', objective: 250 }]);
  });

  it('reads entry points, SLOs and non-candidates from the stored topology', () => {
    const topology = {
      nodes: [
        { id: 'probe', type: 'synthetic', attributes: { candidate: false, entry_point: true } },
        { id: 'frontend', type: 'service', attributes: { slos: [{ metric: 'latency_p95_ms', bad: 'up', objective: 300 }, { metric: 'x', bad: 'sideways' }] } },
        { id: 'cart', type: 'service', attributes: {} },
      ],
      edges: [
        { from: 'probe', to: 'frontend', attributes: {} },
        { from: 'frontend', to: 'cart', attributes: {} },
      ],
    };
    expect(entryPointsFromTopology(topology)).toEqual(['probe']);
    expect(slosFromTopology(topology)).toEqual([{ name: 'frontend latency_p95_ms', service: 'frontend', metric: 'latency_p95_ms', bad: 'up', objective: 300 }]);
    const input = inputFromStored({ incident: { service: 'nowhere', startedAt: 2000 }, window: { from: 0, to: 4000 }, topology });
    expect(input.candidates).toEqual(['cart', 'frontend']);
    expect(input.entryPoints).toEqual(['probe']);
    // a service name that appears nowhere in the data is not added to the graph
    expect(input.incident.service).toBeNull();
  });

  it('skips metrics and logs without a service label, and keeps deploys, flags and events as changes', () => {
    const s = (o: Partial<Signal>): Signal => ({ id: 'x', orgId: 'o', source: 't', kind: 'metric', ts: '2026-01-01T00:00:00.000Z', key: 'k', value: 1, text: null, labels: {}, meta: {}, ...o });
    const input = inputFromStored({
      incident: { startedAt: '2026-01-01T00:00:00Z' },
      window: { from: '2025-12-31T23:00:00Z', to: '2026-01-01T01:00:00Z' },
      signals: [s({ id: 'm1' }), s({ id: 'm2', labels: { app: 'api', pod: 'api-1' } }), s({ id: 'l1', kind: 'log', text: 'hello' }), s({ id: 'd1', kind: 'deploy', labels: { service: 'api' } }), s({ id: 'f1', kind: 'flag' })],
    });
    expect(input.metrics).toEqual([{ service: 'api', metric: 'k', instance: 'api-1', points: [{ ts: Date.parse('2026-01-01T00:00:00Z'), value: 1 }] }]);
    expect(input.logClusters).toEqual([]);
    expect(input.changes!.map((c) => c.id)).toEqual(['d1', 'f1']);
  });
});

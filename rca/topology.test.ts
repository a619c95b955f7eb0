import { describe, expect, it } from 'vitest';
import type { Signal } from '../core/schemas.js';
import { blastRadius, buildGraph, dependentsCentrality, graphFromTopology, inferEdges, observedTopology, roots, spanCalls, topologyFromCalls, walk } from './topology.js';
import { requestsOf, topologyFromRequests } from './trace-patterns.js';
import type { GraphEdge, MetricDelta, ServiceAnomaly } from './types.js';

const e = (from: string, to: string): GraphEdge => ({ from, to, source: 'given', weight: 1 });
// web → api → db, api → cache, batch → db
const G = buildGraph([], [e('web', 'api'), e('api', 'db'), e('api', 'cache'), e('batch', 'db'), e('db', 'db')], false);

const anomaly = (service: string, own: number, onset: number | null = null): ServiceAnomaly => ({
  service,
  own,
  client: 0,
  starved: 0,
  loadDropFamilies: [],
  families: {},
  onset,
  topDeltas: [],
  detectorAnomalies: 0,
  logs: null,
});

describe('service graph', () => {
  it('drops self-loops and duplicates; sorts for determinism', () => {
    expect(G.nodes).toEqual(['api', 'batch', 'cache', 'db', 'web']);
    expect(G.callers.get('db')).toEqual(['api', 'batch']);
    expect(roots(G)).toEqual(['batch', 'web']);
  });

  it('walks callers (reverse dependencies) with depth and path', () => {
    const up = walk(G, 'db', 'callers');
    expect([...up.entries()]).toEqual([
      ['api', { depth: 1, path: ['db', 'api'] }],
      ['batch', { depth: 1, path: ['db', 'batch'] }],
      ['web', { depth: 2, path: ['db', 'api', 'web'] }],
    ]);
  });

  it('centrality is the share of other services that depend on one', () => {
    const c = dependentsCentrality(G);
    expect(c.db).toBe(0.75);
    expect(c.web).toBe(0);
  });

  it('accepts a PUT /v1/topology document', () => {
    const g = graphFromTopology({ nodes: [{ id: 'a', type: 'service', attributes: {} }, { id: 'b', type: 'database', attributes: {} }], edges: [{ from: 'a', to: 'b', attributes: {} }] }, ['c']);
    expect(g.nodes).toEqual(['a', 'b', 'c']);
    expect(g.callees.get('a')).toEqual(['b']);
  });

  it('keeps async hand-offs as edges but not among the callees a service waits on', () => {
    const node = (id: string, type = 'service') => ({ id, type, attributes: {} });
    const g = graphFromTopology(
      {
        nodes: [node('orders'), node('queue', 'queue'), node('email'), node('sms')],
        edges: [
          { from: 'orders', to: 'queue', mode: 'sync', attributes: {} },
          { from: 'queue', to: 'email', mode: 'async', attributes: {} },
          // how sandbox topologies stored before the field existed carry it
          { from: 'queue', to: 'sms', attributes: { mode: 'async' } },
        ],
      },
      [],
    );
    expect(g.callees.get('queue')).toEqual(['email', 'sms']);
    expect(g.waitsOn.get('queue')).toEqual([]);
    expect(g.waitsOn.get('orders')).toEqual(['queue']);
    expect(g.waitedOnBy.get('email')).toEqual([]);
    expect(g.edges.filter((x) => x.mode === 'async').map((x) => x.to)).toEqual(['email', 'sms']);
    expect([...walk(g, 'orders', 'waitsOn').keys()]).toEqual(['queue']);
    expect([...walk(g, 'orders', 'callees').keys()]).toEqual(['queue', 'email', 'sms']);
  });

  it('builds the graph from trace spans', () => {
    const span = (id: string, parent: string | null, service: string): Signal => ({
      id,
      orgId: 'o',
      source: 'otel',
      kind: 'event',
      ts: '2026-01-01T00:00:00.000Z',
      key: 'span',
      value: null,
      text: null,
      labels: { service },
      meta: { trace_id: 't', span_id: id, parent_span_id: parent },
    });
    const t = topologyFromCalls(spanCalls([span('1', null, 'web'), span('2', '1', 'api'), span('3', '2', 'db'), span('4', '2', 'api'), span('5', '1', 'api')]));
    expect(t.edges).toEqual([
      { from: 'api', to: 'db', attributes: { calls: 1, source: 'spans' } },
      { from: 'web', to: 'api', attributes: { calls: 2, source: 'spans' } },
    ]);
  });

  it('reads the call graph from trace-correlated log lines: the service logging first after another\'s line was called by it', () => {
    const line = (ts: number, service: string, trace: string) => ({ ts, service, message: `INFO ${service} handled TraceID: ${trace}` });
    const rows = [];
    for (let i = 0; i < 6; i++) {
      const id = `feed${i.toString(16).padStart(12, '0')}`;
      // web → api → db, api replies, web → cache (web logs between its calls)
      rows.push(line(i, 'web', id), line(i + 0.01, 'api', id), line(i + 0.02, 'db', id), line(i + 0.03, 'api', id), line(i + 0.04, 'web', id), line(i + 0.05, 'cache', id));
    }
    // one request where web called cache without logging in between: read as api → cache, outvoted
    rows.push(line(9, 'web', 'beef0001'), line(9.01, 'api', 'beef0001'), line(9.02, 'cache', 'beef0001'));
    const t = topologyFromRequests(requestsOf(rows, -Infinity, Infinity))!;
    expect(t.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['api>db', 'web>api', 'web>cache']);
    expect(t.edges[0].attributes).toEqual({ calls: 6, source: 'trace-logs' });
    expect(topologyFromRequests(requestsOf([line(1, 'web', 'c0ffee01'), line(2, 'api', 'c0ffee01')], -Infinity, Infinity))).toBeNull(); // a single call is not enough
    expect(topologyFromRequests(requestsOf([{ ts: 1, service: 'web', message: 'INFO no trace id' }], -Infinity, Infinity))).toBeNull();
    // spans, when there are any, come first; the graph keeps where it came from
    const span: Signal = { id: 's2', orgId: 'o', source: 'otel', kind: 'event', ts: '2026-01-01T00:00:00Z', key: 'span', value: null, text: null, labels: { service: 'api' }, meta: { span_id: '2', parent_span_id: '1' } };
    const root: Signal = { ...span, id: 's1', labels: { service: 'batch' }, meta: { span_id: '1', parent_span_id: null } };
    expect(observedTopology(spanCalls([root, span]), requestsOf(rows, -Infinity, Infinity))!.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['batch>api']);
    expect(observedTopology([], requestsOf(rows, -Infinity, Infinity))!.edges).toHaveLength(3);
    expect(graphFromTopology(observedTopology([], requestsOf(rows, -Infinity, Infinity))!, []).edges.every((x) => x.source === 'trace-logs')).toBe(true);
  });

  it('infers edges from co-anomaly timing and from log references', () => {
    const edges = inferEdges(
      [anomaly('ts-basic-service', 0.9, 100), anomaly('ts-travel-service', 0.6, 160), anomaly('web', 0.5, 220), anomaly('calm', 0)],
      [{ service: 'web', templateId: 't1', template: 'GET /api/v1/basicservice/x failed', countsBefore: 0, countsDuring: 3 }],
      0.25,
    );
    expect(edges).toContainEqual({ from: 'web', to: 'ts-basic-service', source: 'log-reference', weight: 1 });
    expect(edges).toContainEqual(expect.objectContaining({ from: 'ts-travel-service', to: 'ts-basic-service', source: 'co-anomaly' }));
    expect(edges).toContainEqual(expect.objectContaining({ from: 'web', to: 'ts-travel-service', source: 'co-anomaly' }));
    expect(edges.some((x) => x.to === 'calm' || x.from === 'calm')).toBe(false);
  });
});

describe('blast radius', () => {
  it('lists every dependent with its measured impact, the entry points reached and SLO state', () => {
    const services = new Map([
      ['db', anomaly('db', 0.9)],
      ['api', anomaly('api', 0.6)],
      ['web', anomaly('web', 0.4)],
      ['batch', anomaly('batch', 0)],
    ]);
    const b = blastRadius(
      G,
      'db',
      services,
      ['web'],
      [{ name: 'web availability', service: 'web', metric: 'availability', bad: 'down', objective: 99.9 }],
      [
        {
          service: 'web',
          metric: 'availability',
          instance: null,
          kind: 'success',
          side: 'self',
          baselineMedian: 100,
          baselineScale: 0.1,
          incidentMedian: 97,
          z: -30,
          peakZ: -30,
          shift: -3,
          direction: 'down',
          harmful: true,
          score: 0.9,
          tailP: 0.001,
          loadDrop: 0,
          onset: 1,
          nBaseline: 10,
          nIncident: 5,
          status: 'ok',
        },
      ],
      3,
    );
    expect(b.impacted.map((i) => [i.service, i.depth, i.impact, i.entryPoint])).toEqual([
      ['api', 1, 0.6, false],
      ['batch', 1, 0, false],
      ['web', 2, 0.4, true],
    ]);
    expect(b.impacted.find((i) => i.service === 'web')!.path).toEqual(['web', 'api', 'db']);
    expect(b.entryPoints).toEqual(['web']);
    expect(b.slos).toEqual([{ name: 'web availability', service: 'web', metric: 'availability', baseline: 100, during: 97, z: -30, breached: true }]);
  });

  it('calls an SLO breached by the incident only when it moved past its objective, not when it sat there already', () => {
    const err = (service: string, instance: string | null, baselineMedian: number, incidentMedian: number, z: number): MetricDelta => ({
      service, metric: 'http_error_rate', instance, kind: 'errors', side: 'self', baselineMedian, baselineScale: 0.0005, incidentMedian, z, peakZ: z, shift: incidentMedian - baselineMedian,
      direction: z > 0 ? 'up' : 'flat', harmful: z > 0, score: z > 3 ? 0.9 : 0, tailP: 1, loadDrop: 0, onset: null, nBaseline: 30, nIncident: 30, status: 'ok',
    });
    const slo = (service: string) => ({ name: `${service} availability`, service, metric: 'http_error_rate', bad: 'up' as const, objective: 0.001 });
    const b = blastRadius(G, 'db', new Map(), ['web'], [slo('web'), slo('api'), slo('batch'), slo('cache'), slo('cart')], [
      err('web', 'web-0', 0.002, 0.002, 0), // an instance series listed first: the service-wide one is the SLO's
      err('web', null, 0.0005, 0.04, 40), // moved past its objective: breached, with its z
      err('api', null, 0.002, 0.002, 0), // past the objective before and during, unmoved: a standing condition
      err('batch', null, 0.002, 0.03, 25), // past it before, and much worse now: breached
      // past it before, 160 times worse now; the service-wide mean carries no z, its instances 40σ:
      // breached, with the instances' z (seen in the sandbox: checkout 0.18 % → 29 % read as unbreached)
      err('cart', null, 0.0018, 0.29, 0),
      err('cart', 'cart-0', 0.0017, 0.35, 40),
      err('cart', 'cart-1', 0.0018, 0.35, 38),
    ], 3);
    expect(b.slos.map((s) => [s.service, s.z, s.breached])).toEqual([
      ['web', 40, true],
      ['api', 0, false],
      ['batch', 25, true],
      ['cache', 0, false], // no series: nothing measured, nothing breached
      ['cart', 40, true],
    ]);
    expect(b.slos.find((s) => s.service === 'cart')).toMatchObject({ baseline: 0.0018, during: 0.29 });
  });

  it('is empty without a root', () => {
    expect(blastRadius(G, null, new Map(), [], [], [], 3).impacted).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { whyNot } from './hypotheses.js';
import { aimedLoad, rankServices } from './ranking.js';
import { buildGraph } from './topology.js';
import type { GraphEdge, ServiceAnomaly } from './types.js';
import { RANKING_WEIGHTS } from './weights.js';

const e = (from: string, to: string): GraphEdge => ({ from, to, source: 'given', weight: 1 });
const svc = (service: string, own: number, client = 0): ServiceAnomaly => ({
  service,
  own,
  client,
  starved: 0,
  loadDropFamilies: [],
  families: {},
  onset: null,
  topDeltas: [],
  detectorAnomalies: 0,
  logs: null,
});

describe('blame from callers', () => {
  // two callers whose outbound calls got slower; each has a dependency of its own and one they share
  const graph = buildGraph([], [e('a', 'shared'), e('a', 'onlyA'), e('b', 'shared'), e('b', 'onlyB')], false);
  const services = new Map(
    [svc('a', 0, 0.5), svc('b', 0, 0.5), svc('shared', 0), svc('onlyA', 0), svc('onlyB', 0)].map((s) => [s.service, s]),
  );
  const rank = (over: Map<string, ServiceAnomaly> = services) =>
    rankServices({ graph, services: over, candidates: graph.nodes, changeLikelihood: new Map(), anomalousFrom: 0.25 });

  it('corroboration: the dependency both degraded callers share is blamed most (noisy-or over callers)', () => {
    const r = rank();
    const part = (s: string) => r.find((x) => x.service === s)!.parts.blame;
    expect(r[0].service).toBe('shared');
    expect(part('shared')).toBeCloseTo(0.75, 3); // 1 − (1 − 0.5)²
    expect(part('onlyA')).toBeCloseTo(0.5, 3);
  });

  it('a caller whose calls look normal adds nothing', () => {
    const calm = new Map(services);
    calm.set('b', svc('b', 0, 0));
    const r = rank(calm);
    const part = (s: string) => r.find((x) => x.service === s)!.parts.blame;
    expect(part('shared')).toBeCloseTo(part('onlyA'), 6);
    expect(part('onlyB')).toBe(0);
  });
});

describe('explained-away', () => {
  // x calls y; both are anomalous, y's anomaly started no later than x's
  const graph = buildGraph([], [e('x', 'y')], false);
  const rank = (xFamilies: Record<string, number>) => {
    const own = Math.max(...Object.values(xFamilies));
    const services = new Map([
      ['x', { ...svc('x', own), families: xFamilies }],
      ['y', { ...svc('y', 0.6), families: { logs: 0.6 } }],
    ]);
    return rankServices({ graph, services, candidates: graph.nodes, changeLikelihood: new Map(), anomalousFrom: 0.25 });
  };

  it('a dependency does not explain its caller using more CPU, memory or disk: waiting is cheap', () => {
    // own 0.6: CPU 0.5 and latency; the CPU part stays whole, only the rest (0.1) is explained away
    const services = new Map<string, ServiceAnomaly>([
      ['x', { ...svc('x', 0.6), families: { 'saturation:self:cpu': 0.5, 'latency:self:latency': 0.2 } }],
      ['y', { ...svc('y', 0.6), families: { logs: 0.6 } }],
    ]);
    const x = rankServices({ graph, services, candidates: graph.nodes, changeLikelihood: new Map(), anomalousFrom: 0.25 }).find((r) => r.service === 'x')!;
    expect(x.parts.explained).toBeCloseTo(0.6, 6);
    expect(x.score).toBeCloseTo(0.5 + 0.1 * (1 - 0.75 * 0.6), 3);
    const byPool = rank({ 'saturation:self:pool': 0.5 }).find((r) => r.service === 'x')!;
    // connections held while waiting on a slow dependency: explained like any other evidence
    expect(byPool.score).toBeCloseTo(0.5 * (1 - 0.75 * 0.6), 3);
  });

  it('a dependency that went wrong explains a caller\'s own anomaly', () => {
    const byLogs = rank({ logs: 0.6 }).find((r) => r.service === 'x')!;
    expect(byLogs.parts.explained).toBeCloseTo(0.6, 6);
    expect(byLogs.parts.explainedBy).toBe('y');
    expect(byLogs.score).toBeCloseTo(0.6 * (1 - 0.75 * 0.6), 3);
  });

  it('requests that skipped a service\'s step, and its slow calls, count at their weights: an anomalous dependency explains neither', () => {
    const logs = { service: 'x', score: 0, novelTemplates: 0, errorRateBefore: 0, errorRateDuring: 0, top: [], references: [], skipped: 0.9, slowCalls: 0.4 };
    const services = new Map([
      ['x', { ...svc('x', 0.3), families: { logs: 0.3 }, logs }],
      ['y', { ...svc('y', 0.6), families: { logs: 0.6 } }],
    ]);
    const x = rankServices({ graph, services, candidates: graph.nodes, changeLikelihood: new Map(), anomalousFrom: 0.25 }).find((r) => r.service === 'x')!;
    expect(x.parts.skippedSteps).toBe(0.9);
    expect(x.parts.explained).toBeCloseTo(0.6, 6);
    expect(x.parts.slowCalls).toBe(0.4);
    expect(x.score).toBeCloseTo(0.3 * (1 - 0.75 * 0.6) + RANKING_WEIGHTS.skippedSteps * 0.9 + RANKING_WEIGHTS.slowCalls * 0.4, 3);
  });
});

describe('what cannot explain a caller', () => {
  const rank = (graph: ReturnType<typeof buildGraph>, services: ServiceAnomaly[]) =>
    rankServices({ graph, services: new Map(services.map((s) => [s.service, s])), candidates: graph.nodes, changeLikelihood: new Map(), anomalousFrom: 0.25 });
  // a broker failing to take messages, and a consumer it delivers to that got busier a little earlier
  const broker = { ...svc('broker', 0.9), families: { 'errors:self:err': 0.9 }, onset: 2 };
  const consumer = { ...svc('consumer', 0.8), families: { 'saturation:self:cpu': 0.8 }, onset: 1 };
  const deliver = (mode?: 'async'): GraphEdge => ({ ...e('broker', 'consumer'), ...(mode ? { mode } : {}) });

  it('an async consumer does not explain its broker: the broker does not wait on it', () => {
    const r = rank(buildGraph([], [deliver('async')], false), [broker, consumer]);
    expect(r[0].service).toBe('broker');
    expect(r[0].parts.explained).toBe(0);
    expect(r[0].parts.explainedBy).toBeNull();
  });

  it('the same edge as a call the broker waits on does explain it (the control)', () => {
    const r = rank(buildGraph([], [deliver()], false), [broker, consumer]);
    const b = r.find((x) => x.service === 'broker')!;
    expect(b.parts.explainedBy).toBe('consumer');
    expect(b.parts.explained).toBeCloseTo(0.8, 6);
  });

  it('a dependency whose only evidence is that it received less load explains nothing', () => {
    const graph = buildGraph([], [e('x', 'y')], false);
    const x = { ...svc('x', 0.9), families: { 'errors:self:err': 0.9 }, onset: 2 };
    const starved = { ...svc('y', 0.7), families: { 'detector:load-drop': 0.7 }, loadDropFamilies: ['detector:load-drop'], onset: 1 };
    expect(rank(graph, [x, starved]).find((r) => r.service === 'x')!.parts.explained).toBe(0);
    // the same strength of evidence that is not a load drop explains as before
    const failing = { ...starved, loadDropFamilies: [] };
    expect(rank(graph, [x, failing]).find((r) => r.service === 'x')!.parts.explained).toBeCloseTo(0.7, 6);
  });

  it("a caller's degraded calls blame only the dependencies it waits on", () => {
    const graph = buildGraph([], [e('web', 'api'), { ...e('web', 'mailer'), mode: 'async' }], false);
    const r = rank(graph, [svc('web', 0, 0.6), svc('api', 0), svc('mailer', 0)]);
    const blame = (s: string) => r.find((x) => x.service === s)!.parts.blame;
    expect(blame('api')).toBeCloseTo(0.6, 6);
    expect(blame('mailer')).toBe(0);
  });
});

describe('extra load aimed at one service', () => {
  // gw → web → {target, other}; target → {db, cache}. Extra requests for `target` come in through gw and web.
  const graph = buildGraph([], [e('gw', 'web'), e('web', 'target'), e('web', 'other'), e('target', 'db'), e('target', 'cache')], false);
  const T = 'traffic:self:requests';
  const loaded = (service: string, own: number, rise: number, extra: Record<string, number> = {}): ServiceAnomaly => ({
    ...svc(service, own),
    families: { [T]: rise, ...extra },
  });
  const surge = new Map(
    [
      loaded('gw', 0.9, 0.45),
      loaded('web', 0.9, 0.45),
      // target runs out of CPU; db is overloaded by what target sends it (CPU, latency, errors)
      loaded('target', 0.95, 0.45, { 'saturation:self:cpu': 0.8 }),
      loaded('other', 0, 0),
      loaded('db', 0.99, 0.45, { 'saturation:self:cpu': 0.8, 'latency:self:latency': 0.99 }),
      loaded('cache', 0.3, 0.45),
    ].map((s) => [s.service, s]),
  );
  const rank = (services: Map<string, ServiceAnomaly>) => rankServices({ graph, services, candidates: graph.nodes, changeLikelihood: new Map(), anomalousFrom: 0.25 });

  it('a caller that sent more to one dependency only is a conduit; the target is a source, and what it sends on is its doing', () => {
    const a = aimedLoad({ graph, services: surge, anomalousFrom: 0.25 });
    expect(a.sources.has('target')).toBe(true);
    expect(a.sources.has('db')).toBe(false);
    expect(a.fromAbove.get('db')).toEqual({ source: 'target', depth: 1 });
    const r = rank(surge);
    expect(r[0].service).toBe('target');
    expect(r.find((x) => x.service === 'db')!.parts.explainedVia).toBe('load');
  });

  it('the why-not of a service below the source says its load came from there', () => {
    const r = rank(surge);
    const db = r.find((x) => x.service === 'db')!;
    expect(db.parts.loadFrom).toBe('target');
    expect(whyNot(db, r[0], { services: surge, anomalousFrom: 0.25 })).toBe('its load rose with the extra requests target received and passed on: its anomaly is that load');
  });

  it('a caller that passed its own rise on to every dependency (more customers) makes the dependencies no source', () => {
    const ramp = new Map(surge);
    ramp.set('other', loaded('other', 0.3, 0.45));
    const a = aimedLoad({ graph, services: ramp, anomalousFrom: 0.25 });
    expect(a.sources.has('target')).toBe(false);
    expect(a.sources.has('other')).toBe(false);
    // without a source of aimed load, the overloaded db explains target as any failing dependency does
    const r = rank(ramp);
    expect(r.find((x) => x.service === 'target')!.parts.explainedBy).toBe('db');
  });

  it('off (aimedLoad 0, loadFromAbove 0): db explains target and ranks first', () => {
    const saved = { a: RANKING_WEIGHTS.aimedLoad, l: RANKING_WEIGHTS.loadFromAbove };
    RANKING_WEIGHTS.aimedLoad = 0;
    RANKING_WEIGHTS.loadFromAbove = 0;
    try {
      expect(rank(surge)[0].service).toBe('db');
    } finally {
      RANKING_WEIGHTS.aimedLoad = saved.a;
      RANKING_WEIGHTS.loadFromAbove = saved.l;
    }
  });
});

import { describe, expect, it } from 'vitest';
import { DETECTORS, type EngineAnomaly } from './engine.js';
import { DEFAULT_POLICY, decide, evidenceKeys, neighbourMap, quietIncidents, type OpenIncidentActivity } from './grouping.js';
import { MemoryCorrelator } from './memory-correlator.js';

const T0 = Date.UTC(2026, 2, 2, 12);
const iso = (min: number) => new Date(T0 + min * 60_000).toISOString();
let n = 0;
const an = (service: string, series: string, min: number, score = 0.8, detector: string = DETECTORS.seasonal): EngineAnomaly => ({
  id: `a${n++}`,
  service,
  series,
  ts: iso(min),
  value: 1,
  baseline: 0,
  score,
  direction: 'up',
  detector,
  signalId: null,
});
const edges = [
  { from: 'frontend', to: 'checkout' },
  { from: 'checkout', to: 'payments' },
];
const neighbours = neighbourMap(edges);
const base = { open: [] as OpenIncidentActivity[], recent: [], neighbours, policy: DEFAULT_POLICY };

describe('correlation policy', () => {
  it('opens on an SLO breach; keeps one lone series, weak findings and log novelty alone', () => {
    expect(decide({ ...base, anomalies: [an('payments', 'http_error_rate', 0, 0.9, DETECTORS.slo)] })).toMatchObject([{ kind: 'open', service: 'payments', severity: 'sev2', startedAt: iso(0) }]);
    expect(decide({ ...base, anomalies: [an('payments', 'cpu', 0)] })).toMatchObject([{ kind: 'keep', why: 'uncorroborated' }]);
    expect(decide({ ...base, anomalies: [an('payments', 'cpu', 0, 0.2), an('payments', 'mem', 0, 0.2)] })).toMatchObject([{ kind: 'keep', why: 'below_severity' }]);
    const novel = [an('payments', 'log.template.1', 0, 0.4, DETECTORS.novelTemplate), an('payments', 'log.template.2', 1, 0.4, DETECTORS.novelTemplate)];
    expect(decide({ ...base, anomalies: novel })).toMatchObject([{ kind: 'keep', why: 'uncorroborated' }]);
    const burst = [an('payments', 'log.errors', 0, 0.9, DETECTORS.errorBurst), an('payments', 'log.template.3', 0, 0.8, DETECTORS.novelTemplate)];
    expect(decide({ ...base, anomalies: burst })).toMatchObject([{ kind: 'keep', why: 'uncorroborated' }]);
    expect(decide({ ...base, anomalies: [...burst, an('payments', 'latency_p95_ms', 0)] })).toMatchObject([{ kind: 'open' }]);
  });

  it('pages on a within-SLO slowdown only when it is shared along a call path', () => {
    const w = (svc: string, series: string) => an(svc, series, 0, 0.95, DETECTORS.seasonalWithinSlo);
    expect(decide({ ...base, anomalies: [w('checkout', 'latency_p50_ms'), w('checkout', 'latency_p95_ms')] })).toMatchObject([{ kind: 'keep', why: 'uncorroborated' }]);
    const shared = decide({ ...base, anomalies: [w('checkout', 'latency_p50_ms'), w('checkout', 'latency_p95_ms'), w('payments', 'latency_p95_ms'), w('frontend', 'latency_p95_ms')] });
    expect(shared.filter((d) => d.kind === 'open').map((d) => d.service)).toEqual(['checkout']);
    expect(shared.filter((d) => d.kind === 'attach').map((d) => d.service).sort()).toEqual(['frontend', 'payments']);
  });

  it('opens on two series of one service within the corroboration window (one of them from an earlier batch)', () => {
    const recent = [{ service: 'payments', series: 'latency_p95_ms', ts: iso(-5), detector: DETECTORS.seasonal }];
    expect(decide({ ...base, recent, anomalies: [an('payments', 'cpu', 0)] })).toMatchObject([{ kind: 'open' }]);
    const stale = [{ service: 'payments', series: 'latency_p95_ms', ts: iso(-30), detector: DETECTORS.seasonal }];
    expect(decide({ ...base, recent: stale, anomalies: [an('payments', 'cpu', 0)] })).toMatchObject([{ kind: 'keep' }]);
  });

  it('groups a cascade into the incident of the service that broke first, and never the unconnected', () => {
    const d = decide({
      ...base,
      anomalies: [an('checkout', 'http_error_rate', 2, 0.9, DETECTORS.slo), an('payments', 'http_error_rate', 1, 0.95, DETECTORS.slo), an('search', 'http_error_rate', 2, 0.9, DETECTORS.slo)],
    });
    expect(d.map((x) => [x.kind, x.service])).toEqual([
      ['open', 'payments'],
      ['attach', 'checkout'],
      ['open', 'search'],
    ]);
    expect(d[1]).toMatchObject({ why: 'opened_in_batch', incidentId: (d[0] as { key: string }).key });
  });

  it('attaches to the service’s own open incident until it recovered (rate limit), and a person\'s for serviceQuietMs', () => {
    const open: OpenIncidentActivity[] = [{ id: 'inc1', service: 'payments', startedAt: iso(0), openedBy: 'detector', lastTs: iso(10), services: ['payments'] }];
    expect(decide({ ...base, open, anomalies: [an('payments', 'http_error_rate', 39, 0.9, DETECTORS.slo)] })).toMatchObject([{ kind: 'attach', incidentId: 'inc1', why: 'same_service' }]);
    // quiet for autoMitigateMs (30 min): recovered, even if not yet marked mitigated
    expect(decide({ ...base, open, anomalies: [an('payments', 'http_error_rate', 40, 0.9, DETECTORS.slo)] })).toMatchObject([{ kind: 'open' }]);
    const manual = [{ ...open[0], openedBy: 'alice' }];
    expect(decide({ ...base, open: manual, anomalies: [an('payments', 'http_error_rate', 60, 0.9, DETECTORS.slo)] })).toMatchObject([{ kind: 'attach', why: 'same_service' }]);
    expect(decide({ ...base, open: manual, anomalies: [an('payments', 'http_error_rate', 80, 0.9, DETECTORS.slo)] })).toMatchObject([{ kind: 'open' }]);
  });

  it('attaches a connected service only while a service of the incident next to it is still anomalous', () => {
    const open: OpenIncidentActivity[] = [{ id: 'inc1', service: 'payments', startedAt: iso(0), openedBy: 'detector', lastTs: iso(10), services: ['payments'] }];
    const payments = (min: number) => ({ service: 'payments', series: 'http_error_rate', ts: iso(min), detector: DETECTORS.slo });
    const checkout = (min: number) => an('checkout', 'http_error_rate', min, 0.9, DETECTORS.slo);
    // payments' last anomaly 2 min before checkout's onset: one fault spreading
    expect(decide({ ...base, open, recent: [payments(10)], anomalies: [checkout(12)] })).toMatchObject([{ kind: 'attach', incidentId: 'inc1', why: 'connected' }]);
    // 8 min after payments went quiet (the incident is still open): a new outage, its own incident
    expect(decide({ ...base, open, recent: [payments(10)], anomalies: [checkout(18)] })).toMatchObject([{ kind: 'open', service: 'checkout' }]);
    // anomalous together, but no edge between them: no causal path
    expect(decide({ ...base, open, recent: [payments(10)], anomalies: [an('search', 'http_error_rate', 11, 0.9, DETECTORS.slo)] })).toMatchObject([{ kind: 'open', service: 'search' }]);
    // a service already in the incident rejoins while its own fault continues; after a pause, only through a live neighbour
    const both: OpenIncidentActivity[] = [{ ...open[0], services: ['payments', 'search'] }];
    const search = (min: number) => ({ service: 'search', series: 'http_error_rate', ts: iso(min), detector: DETECTORS.slo });
    expect(decide({ ...base, open: both, recent: [search(9)], anomalies: [an('search', 'http_error_rate', 11, 0.9, DETECTORS.slo)] })).toMatchObject([{ kind: 'attach', why: 'connected' }]);
    expect(decide({ ...base, open: both, recent: [search(2)], anomalies: [an('search', 'http_error_rate', 11, 0.9, DETECTORS.slo)] })).toMatchObject([{ kind: 'open', service: 'search' }]);
  });

  it('names the severity of each attaching finding, so the incident can be raised to it', () => {
    const open: OpenIncidentActivity[] = [{ id: 'inc1', service: 'payments', startedAt: iso(0), openedBy: 'detector', lastTs: iso(10), services: ['payments'] }];
    const recent = [{ service: 'payments', series: 'http_error_rate', ts: iso(10), detector: DETECTORS.slo }];
    expect(decide({ ...base, open, recent, anomalies: [an('checkout', 'http_error_rate', 11, 0.95, DETECTORS.slo)] })).toMatchObject([{ kind: 'attach', severity: 'sev2' }]);
    expect(decide({ ...base, open, recent, anomalies: [an('checkout', 'http_error_rate', 11, 0.5, DETECTORS.slo)] })).toMatchObject([{ kind: 'attach', severity: 'sev3' }]);
  });

  it('controls storms: past the limit, new findings join the newest incident', () => {
    const services = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const d = decide({ ...base, neighbours: new Map(), anomalies: services.map((s, i) => an(s, 'http_error_rate', i * 0.1, 0.9, DETECTORS.slo)) });
    expect(d.filter((x) => x.kind === 'open')).toHaveLength(DEFAULT_POLICY.stormLimit);
    expect(d.filter((x) => x.kind === 'attach').map((x) => x.kind === 'attach' && x.why)).toEqual(['storm', 'storm']);
  });

  it('keeps one evidence row per service, series and 5-minute bucket: the highest score', () => {
    const rows = evidenceKeys([an('a', 'x', 0, 0.5), an('a', 'x', 1, 0.9), an('a', 'x', 6, 0.6), an('a', 'y', 1, 0.5)], DEFAULT_POLICY.evidenceBucketMs);
    expect(rows.map((r) => [r.anomaly.series, r.anomaly.score])).toEqual([
      ['x', 0.9],
      ['x', 0.6],
      ['y', 0.5],
    ]);
  });

  it('in memory, a replay of batches opens one incident for a cascade', () => {
    const c = new MemoryCorrelator(DEFAULT_POLICY, edges);
    c.add([an('payments', 'http_error_rate', 0, 0.9, DETECTORS.slo)], iso(0));
    c.add([an('checkout', 'http_error_rate', 2, 0.9, DETECTORS.slo)], iso(2));
    c.add([an('frontend', 'latency_p95_ms', 3, 0.9, DETECTORS.slo)], iso(3));
    expect(c.incidents).toHaveLength(1);
    expect([...c.incidents[0].services]).toEqual(['payments', 'checkout', 'frontend']);
  });

  it('in memory, a neighbour\'s outage after the first fault healed is a new incident; a worse finding raises the severity', () => {
    const c = new MemoryCorrelator(DEFAULT_POLICY, edges);
    c.add([an('payments', 'http_error_rate', 0, 0.5, DETECTORS.slo)], iso(0));
    c.add([an('checkout', 'http_error_rate', 1, 0.95, DETECTORS.slo)], iso(1));
    expect(c.incidents.map((i) => [i.service, i.severity])).toEqual([['payments', 'sev2']]);
    c.add([], iso(5)); // healed
    c.add([an('frontend', 'http_error_rate', 9, 0.9, DETECTORS.slo)], iso(9));
    expect(c.incidents.map((i) => [i.service, [...i.services]])).toEqual([
      ['payments', ['payments', 'checkout']],
      ['frontend', ['frontend']],
    ]);
  });

  it('in memory as in the pipeline, an incident quiet for 30 min of signal time is mitigated, and the next fault opens a new one', () => {
    const c = new MemoryCorrelator(DEFAULT_POLICY, edges);
    c.add([an('payments', 'http_error_rate', 0, 0.9, DETECTORS.slo)], iso(0));
    c.add([], iso(20)); // batches without anomalies move signal time on too
    expect(c.incidents[0].mitigatedAt).toBeUndefined();
    c.add([], iso(31));
    expect(c.incidents[0].mitigatedAt).toBe(iso(31));
    c.add([an('payments', 'http_error_rate', 40, 0.9, DETECTORS.slo)], iso(40));
    expect(c.incidents.map((i) => [i.service, i.openedAt])).toEqual([
      ['payments', iso(0)],
      ['payments', iso(40)],
    ]);
  });
});

describe('recovered incidents', () => {
  const at = (min: number) => new Date(Date.UTC(2026, 0, 1) + min * 60_000).toISOString();
  const inc = (id: string, lastMin: number, openedBy = 'detector'): OpenIncidentActivity => ({ id, service: id, startedAt: at(0), openedBy, lastTs: at(lastMin), services: [id] });
  it('are the detector-opened ones quiet for autoMitigateMs of signal time; a person\'s stay; 0 turns it off', () => {
    const open = [inc('quiet', 5), inc('busy', 20), inc('manual', 0, 'alice')];
    const now = Date.parse(at(36));
    expect(quietIncidents(open, now, DEFAULT_POLICY).map((i) => i.id)).toEqual(['quiet']);
    expect(quietIncidents(open, now, { autoMitigateMs: 0 })).toEqual([]);
    expect(quietIncidents(open, Date.parse(at(34)), DEFAULT_POLICY)).toEqual([]);
  });
});

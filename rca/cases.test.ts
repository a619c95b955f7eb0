import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import { caseToInput, clusterLogRows, LABEL_FIELDS, logLevel, parseCaseTopology, parseJsonLines, parseMetricsCsv, stripLabels, toLogRows, type LogRow } from './cases.js';

// A tiny case in the layout of ../shared/data/rca, written inline (tests never read that folder).
const INJECT = 1_700_000_000;
const caseJson = {
  id: 'demo-001',
  dataset: 'demo',
  system: 'shop',
  fault_type: 'cpu',
  root_cause_service: 'cart',
  root_cause_pod: 'cart-1',
  label_extra: { note: 'secret answer' },
  source: { repo: 'x' },
  split: 'dev',
  inject_ts: INJECT,
  window: { start_ts: INJECT - 1800, end_ts: INJECT + 300 },
  candidate_services: ['frontend', 'cart', 'catalog'],
  entry_service: 'entry-sli',
};

function csv(): string {
  const lines = ['ts,service,metric,value'];
  for (let t = INJECT - 1800; t <= INJECT + 300; t += 60) {
    const after = t >= INJECT;
    const w = ((t / 60) % 5) * 0.2;
    lines.push(`${t},cart,CpuUsageRate(%),${after ? 90 + w : 10 + w}`);
    lines.push(`${t},cart,PodServerLatencyP90(s),${after ? 0.4 + w / 100 : 0.01 + w / 1000}`);
    lines.push(`${t},frontend,PodServerLatencyP90(s),${after ? 0.9 + w / 100 : 0.2 + w / 100}`);
    lines.push(`${t},frontend,PodClientLatencyP90(s),${after ? 0.7 + w / 100 : 0.05 + w / 1000}`);
    lines.push(`${t},catalog,PodServerLatencyP90(s),${0.02 + w / 1000}`);
    lines.push(`${t},entry-sli,LatencyP90(s),${after ? 1 + w / 100 : 0.3 + w / 100}`);
  }
  return lines.join('\r\n'); // CRLF and no final newline, as some exports have
}

describe('cases → AnalysisInput', () => {
  it('strips every label field before analysis', () => {
    const stripped = stripLabels(caseJson);
    for (const k of LABEL_FIELDS) expect(stripped).not.toHaveProperty(k);
    const input = caseToInput({ caseJson, metrics: parseMetricsCsv(csv()), topology: { nodes: ['frontend', 'cart', 'catalog'], edges: [['frontend', 'cart'], ['frontend', 'catalog']] } });
    const text = JSON.stringify(input);
    expect(text).not.toMatch(/root_cause|secret answer|cart-1|demo-001|fault_type/);
  });

  it('maps window, baseline, candidates and the entry SLI, and ranks the injected service first', () => {
    const input = caseToInput({ caseJson, metrics: parseMetricsCsv(csv()), topology: { nodes: ['frontend', 'cart', 'catalog'], edges: [['frontend', 'cart'], ['frontend', 'catalog']] } });
    expect(input.window).toEqual({ from: INJECT * 1000, to: (INJECT + 300) * 1000 });
    expect(input.baseline).toEqual({ from: (INJECT - 1800) * 1000, to: INJECT * 1000 });
    expect(input.candidates).toEqual(['frontend', 'cart', 'catalog']);
    expect(input.incident.service).toBe('entry-sli');
    // the entry SLI observes the graph's roots
    expect(input.topology!.edges).toContainEqual({ from: 'entry-sli', to: 'frontend', attributes: {} });
    const r = analyze(input);
    expect(r.ranking[0].service).toBe('cart');
    expect(r.ranking.map((x) => x.service)).not.toContain('entry-sli');
  });

  it('reads which edges are async hand-offs, in either topology shape, and passes them on', () => {
    expect(parseCaseTopology({ nodes: ['a', 'q', 'c'], edges: [['a', 'q'], ['q', 'c', 'async']] })!.edges).toEqual([['a', 'q'], ['q', 'c', 'async']]);
    const put = { nodes: [{ id: 'a' }, { id: 'q' }, { id: 'c' }, { id: 'd' }], edges: [{ from: 'a', to: 'q', mode: 'sync' }, { from: 'q', to: 'c', mode: 'async' }, { from: 'q', to: 'd', attributes: { mode: 'async' } }] };
    const topology = parseCaseTopology(put)!;
    expect(topology.edges).toEqual([['a', 'q'], ['q', 'c', 'async'], ['q', 'd', 'async']]);
    const input = caseToInput({ caseJson: { ...caseJson, entry_service: 'a', candidate_services: undefined }, metrics: parseMetricsCsv(csv()), topology });
    expect(input.topology!.edges).toEqual([
      { from: 'a', to: 'q', attributes: {} },
      { from: 'q', to: 'c', mode: 'async', attributes: {} },
      { from: 'q', to: 'd', mode: 'async', attributes: {} },
    ]);
  });

  it('uses the normal period as the baseline when the case has one', () => {
    const input = caseToInput({ caseJson: { ...caseJson, normal_window: { start_ts: INJECT + 10_000, end_ts: INJECT + 20_000 } }, metrics: [] });
    expect(input.baseline).toEqual({ from: (INJECT + 10_000) * 1000, to: (INJECT + 20_000) * 1000 + 1 });
    expect(input.window.from).toBe((INJECT - 1800) * 1000);
  });

  it('parses CSV with CRLF, a header, bad rows and service names with odd characters', () => {
    const rows = parseMetricsCsv('ts,service,metric,value\r\n1,PGSQL Query_remote,latency_p50,0.5\r\nbad,row\r\n2,a::b/c@d,requests_Sum,3');
    expect(rows).toEqual([
      { ts: 1, service: 'PGSQL Query_remote', metric: 'latency_p50', value: 0.5 },
      { ts: 2, service: 'a::b/c@d', metric: 'requests_Sum', value: 3 },
    ]);
    expect(parseJsonLines('{"a":1}\n{torn\n\n{"b":2}')).toEqual([{ a: 1 }, { b: 2 }]);
  });
});

describe('log rows', () => {

  it('reads the level written in a text line', () => {
    const m = '17:20:20.150 ERROR o.a.Foo#175 TraceID: 176d5f04fa159b3c SpanID: 651d7f0d Order 8c756d0c-b064-4dc6-b705-496a75343ddb failed after 35 ms';
    expect(logLevel(m)).toBe('ERROR');
    expect(logLevel('no level here')).toBeNull();
  });

  it('drops rows without a usable timestamp and counts templates before and during', () => {
    const rows = toLogRows([
      { ts: -6795364578.87, service: 'a', message: 'x' },
      { ts: 100, service: 'a', message: '10:00:00 ERROR boom 1' },
      { ts: 110, service: 'a', message: '10:00:10 ERROR boom 2' },
      { ts: 130, service: 'a', message: '10:00:30 ERROR boom 3' },
      { ts: 'x', service: 'a', message: 'y' },
    ]);
    expect(rows).toHaveLength(3);
    const cl = clusterLogRows(rows, 120_000, 200_000);
    expect(cl).toHaveLength(1);
    expect(cl[0]).toMatchObject({ service: 'a', template: '<:TIME:> ERROR boom <:NUM:>', countsBefore: 2, countsDuring: 1, level: 'error', novel: false, secondsBefore: 20, secondsDuring: 10 });
  });

  it('ignores lines before the baseline start, so a stray timestamp does not stretch the exposure', () => {
    const rows: LogRow[] = [
      { ts: 5, service: 'a', message: 'ERROR boom 0' }, // a clock years off in a real dump
      { ts: 100, service: 'a', message: 'ERROR boom 1' },
      { ts: 110, service: 'a', message: 'ERROR boom 2' },
      { ts: 130, service: 'a', message: 'ERROR boom 3' },
    ];
    expect(clusterLogRows(rows, 120_000, 200_000)[0]).toMatchObject({ countsBefore: 3, secondsBefore: 115 });
    expect(clusterLogRows(rows, 120_000, 200_000, 90_000)[0]).toMatchObject({ countsBefore: 2, countsDuring: 1, secondsBefore: 20 });
  });
});

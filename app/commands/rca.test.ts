import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../rca/analyze.js';
import { caseToInput } from '../../rca/cases.js';
import { readCaseFolder, runRca } from './rca.js';

// A small case folder: the payments service fails after a deploy; its callers' errors follow.
const INJECT = 1_750_000_000;
const START = INJECT - 1200;
const END = INJECT + 600;

function writeCase(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'case.json'),
    JSON.stringify({
      id: 'secret-case-id',
      root_cause_service: 'payments',
      fault_type: 'errors',
      label_extra: { hint: 'the answer is payments' },
      inject_ts: INJECT,
      window: { start_ts: START, end_ts: END },
      candidate_services: ['gateway', 'checkout', 'payments', 'catalog'],
      entry_service: 'gateway',
    }),
  );
  const rows = ['ts,service,metric,value,instance'];
  const logs: string[] = [];
  for (let t = START; t <= END; t += 30) {
    const after = t >= INJECT;
    const w = ((t / 30) % 5) * 0.1;
    rows.push(`${t},payments,error_ratio,${after ? 0.3 + w / 10 : 0.002 + w / 1000},payments-0`);
    rows.push(`${t},payments,latency_p95_ms,${after ? 300 + w * 10 : 50 + w},`);
    rows.push(`${t},checkout,error_ratio,${after ? 0.2 + w / 10 : 0.003 + w / 1000},`);
    rows.push(`${t},checkout,client_error_ratio,${after ? 0.25 + w / 10 : 0.002 + w / 1000},`);
    rows.push(`${t},gateway,error_ratio,${after ? 0.1 + w / 10 : 0.001 + w / 1000},`);
    rows.push(`${t},catalog,latency_p95_ms,${20 + w},`);
    logs.push(JSON.stringify({ ts: t + 1, service: 'checkout', pod: 'checkout-0', message: `INFO order placed in ${(t % 17) + 10} ms` }));
    if (after) logs.push(JSON.stringify({ ts: t + 2.5, service: 'payments', pod: 'payments-0', message: `ERROR NullPointerException in PaymentValidator line ${t % 3}` }));
  }
  writeFileSync(join(dir, 'metrics.csv'), rows.join('\n') + '\n');
  writeFileSync(join(dir, 'logs.jsonl'), logs.join('\n') + '\n');
  writeFileSync(
    join(dir, 'events.jsonl'),
    JSON.stringify({ source: 'argocd', kind: 'deploy', ts: new Date((INJECT - 60) * 1000).toISOString(), key: 'payments', text: 'Deployed payments 3.0.0', labels: { service: 'payments' }, meta: { change_id: 'chg-77' } }) + '\n',
  );
  writeFileSync(
    join(dir, 'topology.json'),
    JSON.stringify({ nodes: ['gateway', 'checkout', 'payments', 'catalog'], edges: [['gateway', 'checkout'], ['checkout', 'payments'], ['gateway', 'catalog']] }),
  );
}

describe('warroom rca CASE_DIR', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'warroom-rca-'));
    writeCase(join(root, 'demo-case'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('replays the folder through the API and prints the ranking analyze(caseToInput(case)) gives', async () => {
    let out = '';
    let err = '';
    const code = await runRca(join(root, 'demo-case'), { out: (s) => (out += s), err: (s) => (err += s), batch: 200 });
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.case).toBe('demo-case');
    // the last second's log lines fall after the window's end and are not read
    expect(report.signals).toMatchObject({ metric_points: 6 * 61, log_lines: 60 + 20, events: 1, rejected: 0 });
    expect(report.ranking[0].service).toBe('payments');
    expect(report.verdict).toBe('confident');
    expect(report.hypotheses[0]).toMatchObject({ rank: 1, service: 'payments', change_id: 'chg-77' });
    const ref = analyze(caseToInput(readCaseFolder(join(root, 'demo-case'))));
    expect(report.ranking).toEqual(ref.ranking.map((r) => ({ service: r.service, score: r.score })));
    expect(report.hypotheses.map((h: { statement: string }) => h.statement)).toEqual(ref.hypotheses.map((h) => h.statement));
    // the labels never travel
    expect(out).not.toMatch(/secret-case-id|the answer is|root_cause/);
  });

  it('reads the call graph from spans.jsonl when the folder declares none, in memory and through the API alike', async () => {
    const dir = join(root, 'spans-case');
    writeCase(dir);
    rmSync(join(dir, 'topology.json'));
    const spans: string[] = [];
    for (let i = 0; i < 20; i++) {
      const at = new Date((START + i * 60) * 1000).toISOString();
      const span = (id: string, parent: string | null, service: string) =>
        JSON.stringify({ source: 'otel', kind: 'event', ts: at, key: 'span', labels: { service }, meta: { trace_id: `t${i}`, span_id: `${i}-${id}`, parent_span_id: parent && `${i}-${parent}` } });
      spans.push(span('g', null, 'gateway'), span('c', 'g', 'checkout'), span('p', 'c', 'payments'), span('k', 'g', 'catalog'));
    }
    writeFileSync(join(dir, 'spans.jsonl'), spans.join('\n') + '\n');
    const content = readCaseFolder(dir);
    const input = caseToInput(content);
    expect(input.topology!.edges.filter((e) => (e.attributes as { source?: string }).source === 'spans').map((e) => `${e.from}>${e.to}`)).toEqual(['checkout>payments', 'gateway>catalog', 'gateway>checkout']);
    let out = '';
    const code = await runRca(dir, { out: (x) => (out += x), err: () => {}, batch: 500 });
    expect(code).toBe(0);
    const report = JSON.parse(out);
    // the spans were ingested (nothing rejected) and read as calls, not as change events
    expect(report.signals).toMatchObject({ events: 1, rejected: 0 });
    expect(report.ranking[0].service).toBe('payments');
    expect(report.ranking).toEqual(analyze(input).ranking.map((r) => ({ service: r.service, score: r.score })));
  });

  it('exits 2 with a clear message on a folder that is not a case', async () => {
    const bad = join(root, 'bad');
    mkdirSync(bad);
    const run = async (dir: string) => {
      let err = '';
      const code = await runRca(dir, { out: () => undefined, err: (s) => (err += s) });
      return { code, err };
    };
    expect(await run(join(root, 'missing'))).toEqual({ code: 2, err: expect.stringMatching(/is not a folder/) });
    expect(await run(bad)).toEqual({ code: 2, err: expect.stringMatching(/no case\.json/) });
    writeFileSync(join(bad, 'case.json'), '{ nope');
    expect(await run(bad)).toEqual({ code: 2, err: expect.stringMatching(/case\.json is not valid JSON/) });
    writeFileSync(join(bad, 'case.json'), JSON.stringify({ inject_ts: 1 }));
    expect(await run(bad)).toEqual({ code: 2, err: expect.stringMatching(/no metrics\.csv/) });
    writeFileSync(join(bad, 'metrics.csv'), 'ts,service,metric,value\n1,a,b,2\n');
    expect(await run(bad)).toEqual({ code: 2, err: expect.stringMatching(/needs a window/) });
  });

  it('is wired into the warroom binary', () => {
    const bin = new URL('../../bin/warroom.js', import.meta.url).pathname;
    const help = spawnSync(process.execPath, [bin, 'rca', '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: warroom rca \[options\] <case_dir>/);
    const r = spawnSync(process.execPath, [bin, 'rca', join(root, 'no-such-case')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/warroom: rca: .*no-such-case is not a folder/);
    expect(r.stdout).toBe('');
  });
});

/**
 * `warroom bench analyze`: latency of `POST /v1/incidents/{id}/analyze` over a 1 h window of the
 * 20-service sandbox shop. A sandbox scenario with a fault (default bad-deploy-errors-checkout,
 * 90 min, 2,000 log lines/min) is replayed through the public ingest API into a fresh embedded
 * instance (PGlite by default; --engine postgres for a fresh database on the Postgres server), an
 * incident is opened at the fault's start, and the analysis is called --runs times (default 20) over
 * the 30 minutes before and after the start, first cold (the analysis cache cleared before each
 * call), then warm (a re-run on unchanged data). Ingest is not timed. One call is then taken apart
 * in-process: the store read, building the input, and analyze().
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { DEFAULT_ORG, type Config } from '../../app/config.js';
import { replayScenario } from '../../sim/edge/replay.js';
import { startEmbedded, type Engine } from '../../app/embedded.js';
import { waitForPipelineIdle } from './settle.js';

import { analyze } from '../../rca/analyze.js';
import { inputFromStored } from '../../rca/from-signals.js';
import { formatTable } from '../harness.js';
import { percentile } from './percentile.js';


export async function runAnalyzeBench(o: Record<string, string>, _cfg?: Config): Promise<number> {
  const engine = (o.engine && o.engine !== 'both' ? o.engine : 'pglite') as Engine;
  if (engine !== 'pglite' && engine !== 'postgres') {
    process.stderr.write('warroom bench analyze: --engine must be pglite or postgres\n');
    return 2;
  }
  const runs = Math.max(1, Number(o.runs ?? 20));
  const scenario = o.scenario ?? 'bad-deploy-errors-checkout';
  const halfMs = 30 * 60_000;
  const cpu = os.cpus();
  process.stdout.write(`bench analyze: ${scenario} on ${engine}, ${runs} calls over a 1 h window (30 min before and after the fault)\n`);
  process.stdout.write(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, Node ${process.version}\n`);

  const e = await startEmbedded(engine);
  try {
    const t0 = Date.now();
    const replay = await replayScenario(scenario, { url: e.w.url, key: e.apiKey, settleMs: 30_000 });
    // the detection pipeline works through the batches in the background: time the analysis once it is idle
    await waitForPipelineIdle(e.w);
    const org = e.w.store().forOrg(DEFAULT_ORG);
    const ingestS = (Date.now() - t0) / 1000;
    const fault = replay.faults[0];
    if (!fault) throw new Error(`scenario ${scenario} has no fault to analyse`);
    const start = Date.parse(fault.start);
    const c = e.client();
    const inc = await c.post('/v1/incidents/open', { title: `bench: ${scenario}`, service: 'edge-gateway', started_at: start });
    if (inc.status !== 201) throw new Error(`open incident: ${inc.status} ${JSON.stringify(inc.body)}`);
    const body = { from: start - halfMs, to: start + halfMs };

    // cold: the cache cleared before every call (store read, build, analyze, evidence); warm: a
    // re-run on unchanged data (watermark queries, cached result, evidence and audit writes)
    const call = async (cold: boolean) => {
      if (cold) e.w.analysisCache.clear();
      const t = performance.now();
      const r = await c.post(`/v1/incidents/${inc.body.id}/analyze`, body);
      const ms = performance.now() - t;
      if (r.status !== 200) throw new Error(`analyze: ${r.status} ${JSON.stringify(r.body)}`);
      return { ms, r };
    };
    const times: number[] = [];
    const warm: number[] = [];
    let first: { status: number; body: any } | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
    for (let i = 0; i < runs; i++) {
      const { ms, r } = await call(true);
      times.push(ms);
      first ??= r;
    }
    for (let i = 0; i < runs; i++) warm.push((await call(false)).ms);
    const b = first!.body;

    // one call taken apart, in-process
    let t = performance.now();
    const data = await org.readAnalysisSignals({ from: new Date(body.from).toISOString(), to: new Date(body.to).toISOString(), changesFrom: new Date(body.from).toISOString() });
    const readMs = performance.now() - t;
    t = performance.now();
    const input = inputFromStored({ incident: { service: 'edge-gateway', startedAt: start }, window: body, series: data.series, logs: data.logs, signals: data.changes, topology: await org.getTopology() });
    const buildMs = performance.now() - t;
    t = performance.now();
    analyze(input);
    const analyzeMs = performance.now() - t;

    const figures = {
      p50_ms: Math.round(percentile(times, 50)),
      p95_ms: Math.round(percentile(times, 95)),
      max_ms: Math.round(Math.max(...times)),
      min_ms: Math.round(Math.min(...times)),
      warm_p50_ms: Math.round(percentile(warm, 50)),
      warm_p95_ms: Math.round(percentile(warm, 95)),
      warm_max_ms: Math.round(Math.max(...warm)),
    };
    process.stdout.write(`ingest and detection (not timed): ${replay.signals.accepted.toLocaleString('en')} signals in ${ingestS.toFixed(1)} s; ground truth ${fault.kind} on ${fault.root_cause_service} at ${fault.start}\n`);
    process.stdout.write(
      `${formatTable([
        { figure: 'calls (cold, then warm)', value: `${runs} + ${runs}` },
        { figure: 'cold p50 / p95 / max ms', value: `${figures.p50_ms} / ${figures.p95_ms} / ${figures.max_ms}` },
        { figure: 'warm p50 / p95 / max ms', value: `${figures.warm_p50_ms} / ${figures.warm_p95_ms} / ${figures.warm_max_ms}` },
        { figure: 'metric points read', value: b.signals.metric_points },
        { figure: 'series', value: b.signals.series },
        { figure: 'log lines read', value: b.signals.log_lines },
        { figure: 'changes', value: b.signals.changes },
        { figure: 'detector anomalies', value: b.signals.anomalies },
        { figure: 'evidence rows / hypotheses', value: `${b.evidence.length} / ${b.hypotheses.length}` },
        { figure: 'verdict, top 3', value: `${b.verdict}; ${b.ranking.slice(0, 3).map((x: { service: string; score: number }) => `${x.service} ${x.score}`).join(', ')}` },
        { figure: 'one call apart: store read ms', value: Math.round(readMs) },
        { figure: 'one call apart: build input ms', value: Math.round(buildMs) },
        { figure: 'one call apart: analyze() ms', value: Math.round(analyzeMs) },
      ])}\n`,
    );
    if (o.json) {
      writeFileSync(
        o.json,
        `${JSON.stringify(
          {
            bench: 'analyze',
            engine,
            scenario,
            machine: { cpus: cpu.length, model: cpu[0]?.model, node: process.version },
            runs,
            ...figures,
            signals: b.signals,
            verdict: b.verdict,
            top: b.ranking.slice(0, 3),
            parts_ms: { read: Math.round(readMs), build: Math.round(buildMs), analyze: Math.round(analyzeMs) },
            times_ms: times.map((x) => Math.round(x)),
            warm_times_ms: warm.map((x) => Math.round(x)),
          },
          null,
          2,
        )}\n`,
      );
    }
    return 0;
  } finally {
    await e.stop();
  }
}

/**
 * `warroom sim export`: writes a scenario's case (case.ts: the same content the rca-sandbox eval
 * analyses in memory) and ground truth as files. The layout follows the recorded-incident folders
 * (`../shared/data/rca`), so the same loaders read both:
 * - metrics.csv      `ts,service,metric,value,instance` (ts in unix seconds; instance empty for service roll-ups)
 * - logs.jsonl       `{ts, service, pod, level, message}` (ts in unix seconds with milliseconds)
 * - events.jsonl     deploys, flag and config changes, Kubernetes events, as ingestable signals
 * - spans.jsonl      trace spans, when the scenario samples traces
 * - topology.json    the service graph in the shape of `PUT /v1/topology`
 * - case.json        the case summary (window, candidate services, labels)
 * - ground-truth.json the full ground truth (faults, changes, red herrings, planted secrets)
 * - scenario.json    the scenario definition, topology inline (loadable on its own)
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { MetricRow } from '../../rca/cases.js';
import type { GroundTruthDoc } from '../generate.js';
import type { Scenario } from '../schema.js';
import { World, type WorldOptions } from '../world.js';
import { caseSteps, caseSummary, scenarioWindow } from './case.js';

export interface ExportSummary {
  dir: string;
  files: string[];
  metric_points: number;
  log_lines: number;
  events: number;
  spans: number;
  ground_truth: GroundTruthDoc;
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!text) return;
  if (!stream.write(text)) await once(stream, 'drain');
}

async function close(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

/** A metrics.csv line (seconds to the millisecond, whole seconds without decimals). */
const metricLine = (r: MetricRow): string => `${r.ts.toFixed(3).replace(/\.000$/, '')},${r.service},${r.metric},${r.value},${r.instance ?? ''}\n`;

/** A JSON-lines line. */
const jsonLine = (v: unknown): string => `${JSON.stringify(v)}\n`;

export async function exportScenario(scenario: Scenario, dir: string, opts: WorldOptions = {}): Promise<ExportSummary> {
  mkdirSync(dir, { recursive: true });
  const metrics = createWriteStream(join(dir, 'metrics.csv'));
  const logs = createWriteStream(join(dir, 'logs.jsonl'));
  const events = createWriteStream(join(dir, 'events.jsonl'));
  let spans: WriteStream | undefined;
  await write(metrics, 'ts,service,metric,value,instance\n');
  const w = new World(scenario, opts);
  let nMetrics = 0;
  let nLogs = 0;
  let nEvents = 0;
  let nSpans = 0;
  for (const rows of caseSteps(w)) {
    await write(metrics, rows.metrics.map(metricLine).join(''));
    await write(logs, rows.logs.map(jsonLine).join(''));
    await write(events, rows.events.map(jsonLine).join(''));
    if (rows.spans.length) {
      spans ??= createWriteStream(join(dir, 'spans.jsonl'));
      await write(spans, rows.spans.map(jsonLine).join(''));
    }
    nMetrics += rows.metrics.length;
    nLogs += rows.logs.length;
    nEvents += rows.events.length;
    nSpans += rows.spans.length;
  }
  await Promise.all([close(metrics), close(logs), close(events), spans ? close(spans) : undefined]);

  const { caseJson, topology, truth } = caseSummary(w, scenarioWindow(scenario), { metric_points: nMetrics, log_lines: nLogs, spans: nSpans });
  const { startMs: _s, durationMs: _d, stepMs: _st, ...definition } = scenario;
  writeFileSync(join(dir, 'topology.json'), `${JSON.stringify(topology, null, 2)}\n`);
  writeFileSync(join(dir, 'ground-truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
  writeFileSync(join(dir, 'case.json'), `${JSON.stringify(caseJson, null, 2)}\n`);
  writeFileSync(join(dir, 'scenario.json'), `${JSON.stringify(definition, null, 2)}\n`);
  const files = ['metrics.csv', 'logs.jsonl', 'events.jsonl', ...(nSpans ? ['spans.jsonl'] : []), 'topology.json', 'case.json', 'ground-truth.json', 'scenario.json'];
  return { dir, files, metric_points: nMetrics, log_lines: nLogs, events: nEvents, spans: nSpans, ground_truth: truth };
}

/**
 * `warroom rca CASE_DIR`: replays a recorded incident folder (the layout of ../shared/data/rca, or a
 * `warroom sim export`) into a fresh embedded instance through the public API — topology, signals,
 * an incident at the injection time — runs `POST /v1/incidents/{id}/analyze` over the case window and
 * prints the ranked root-cause services as JSON. The case's label fields are never sent.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { SignalInput } from '../../core/schemas.js';
import { caseToInput, parseCaseTopology, parseJsonLines, parseMetricsCsv, stripLabels, toLogRows, toSignals, type CaseContent } from '../../rca/cases.js';
import { startEmbedded, type HttpClient } from '../embedded.js';

type Out = (s: string) => void;

export interface RcaOptions {
  /** Signals per ingest request (default 5,000). */
  batch?: number;
  out?: Out;
  err?: Out;
}

export interface RcaReport {
  case: string;
  window: { from: string; to: string; started_at: string; baseline_from: string | null; baseline_to: string };
  signals: { metric_points: number; log_lines: number; events: number; rejected: number };
  verdict: string;
  ranking: { service: string; score: number }[];
  hypotheses: { rank: number; service: string | null; confidence: number; statement: string; change_id: string | null; evidence_ids: string[] }[];
}

/** A case folder that cannot be read: exit code 2. */
export class CaseFolderError extends Error {}

/** Reads a case folder into CaseContent (labels still present; they are stripped before use). */
export function readCaseFolder(dir: string): CaseContent {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CaseFolderError(`${dir} is not a folder`);
  const file = (name: string) => join(dir, name);
  if (!existsSync(file('case.json'))) throw new CaseFolderError(`${dir} has no case.json (expected the layout of a recorded case: case.json, metrics.csv, optional logs.jsonl, events.jsonl, spans.jsonl, topology.json)`);
  let caseJson: unknown;
  try {
    caseJson = JSON.parse(readFileSync(file('case.json'), 'utf8'));
  } catch (e) {
    throw new CaseFolderError(`${file('case.json')} is not valid JSON (${(e as Error).message})`);
  }
  if (!caseJson || typeof caseJson !== 'object' || Array.isArray(caseJson)) throw new CaseFolderError(`${file('case.json')} must hold a JSON object`);
  if (!existsSync(file('metrics.csv'))) throw new CaseFolderError(`${dir} has no metrics.csv`);
  const metrics = parseMetricsCsv(readFileSync(file('metrics.csv'), 'utf8'));
  const logs = existsSync(file('logs.jsonl')) ? toLogRows(parseJsonLines(readFileSync(file('logs.jsonl'), 'utf8'))) : null;
  const events = existsSync(file('events.jsonl')) ? parseJsonLines(readFileSync(file('events.jsonl'), 'utf8')) : null;
  const spans = existsSync(file('spans.jsonl')) ? parseJsonLines(readFileSync(file('spans.jsonl'), 'utf8')) : null;
  let topology = null;
  if (existsSync(file('topology.json'))) {
    try {
      topology = parseCaseTopology(JSON.parse(readFileSync(file('topology.json'), 'utf8')));
    } catch (e) {
      throw new CaseFolderError(`${file('topology.json')} is not valid JSON (${(e as Error).message})`);
    }
  }
  const content: CaseContent = { caseJson: stripLabels(caseJson as Record<string, unknown>), metrics, logs, topology, events, spans };
  const w = (content.caseJson.window ?? null) as { start_ts?: unknown; end_ts?: unknown } | null;
  if (!w || typeof w.start_ts !== 'number' || typeof w.end_ts !== 'number' || !(w.end_ts > w.start_ts)) {
    throw new CaseFolderError(`${file('case.json')} needs a window {start_ts, end_ts} (unix seconds, end after start)`);
  }
  if (metrics.length === 0) throw new CaseFolderError(`${file('metrics.csv')} has no readable rows (ts,service,metric,value[,instance])`);
  return content;
}

const ms = (seconds: number) => Math.round(seconds * 1000);

/** The case's signals as the public ingest API takes them (labels: service and instance). */
export function caseSignals(c: CaseContent, idPrefix = 'case-'): SignalInput[] {
  const out: SignalInput[] = [];
  for (const m of c.metrics) out.push({ source: 'case', kind: 'metric', ts: ms(m.ts), key: m.metric, value: m.value, labels: m.instance ? { service: m.service, instance: m.instance } : { service: m.service } });
  // Log ids number the lines in file order: analysis takes lines of one millisecond in id order.
  const width = String(c.logs?.length ?? 0).length;
  (c.logs ?? []).forEach((l, i) =>
    out.push({ id: `${idPrefix}log-${String(i).padStart(width, '0')}`, source: 'case', kind: 'log', ts: ms(l.ts), key: 'log', text: l.message, labels: l.pod ? { service: l.service, instance: l.pod } : { service: l.service } }),
  );
  // trace spans are events too: the analysis reads the call graph from them when none is declared
  for (const e of toSignals([...(c.events ?? []), ...(c.spans ?? [])])) out.push({ id: e.id, source: e.source, kind: e.kind, ts: e.ts, key: e.key, value: e.value, text: e.text, labels: e.labels, meta: e.meta });
  return out;
}

async function must<T>(what: string, p: Promise<{ status: number; body: T }>, ok: number): Promise<T> {
  const r = await p;
  if (r.status !== ok) {
    const b = r.body as { detail?: string; errors?: { path: string; message: string }[] } | undefined;
    const issues = b?.errors?.map((e) => `; ${e.path}: ${e.message}`).join('') ?? '';
    throw new Error(`${what} failed (${r.status}): ${b?.detail ?? JSON.stringify(r.body)}${issues}`);
  }
  return r.body;
}

/** Replays the case into a running instance reachable through `client` and analyses it. */
export async function replayCase(client: HttpClient, name: string, c: CaseContent, opts: { batch?: number } = {}): Promise<RcaReport> {
  // The analysis view of the case (no signals needed): periods, graph with the entry SLI, candidates.
  // (Without spans and logs: a graph they show is the API's to find, not declared here.)
  const shape = caseToInput({ ...c, metrics: [], logs: null, events: null, spans: null });
  if (shape.topology) {
    const entries = new Set(shape.entryPoints ?? []);
    const topology = {
      nodes: shape.topology.nodes.map((n) => (entries.has(n.id) ? { ...n, attributes: { ...n.attributes, entry_point: true } } : n)),
      edges: shape.topology.edges,
    };
    await must('PUT /v1/topology', client.put('/v1/topology', topology), 200);
  }
  const signals = caseSignals(c);
  const batch = Math.max(1, opts.batch ?? 5000);
  let rejected = 0;
  for (let i = 0, n = 0; i < signals.length; i += batch, n++) {
    const body = await must<{ rejected: unknown[] }>('POST /v1/signals/ingest', client.post('/v1/signals/ingest', { signals: signals.slice(i, i + batch) }, { 'idempotency-key': `rca-${n}` }), 202);
    rejected += body.rejected.length;
  }
  const startedAt = Number(shape.incident.startedAt);
  const service = shape.incident.service ?? (typeof c.caseJson.system === 'string' && c.caseJson.system ? c.caseJson.system : 'unknown');
  const inc = await must<{ id: string }>('POST /v1/incidents/open', client.post('/v1/incidents/open', { title: `Replay of ${name}`, service, started_at: startedAt }), 201);
  const w = shape.window as { from: number; to: number };
  const b = shape.baseline as { from: number; to: number } | undefined;
  // caseToInput's periods: with no separate normal period the baseline runs from the case window's start to the injection
  const explicitBaseline = b && !(b.from < w.from && b.to === w.from && w.from === startedAt);
  const request = {
    from: explicitBaseline ? w.from : (b?.from ?? w.from),
    to: w.to,
    ...(explicitBaseline ? { baseline: b } : {}),
    anomalies: false,
    ...(shape.candidates ? { candidates: shape.candidates } : {}),
    ...(shape.entryPoints ? { entry_points: shape.entryPoints } : {}),
  };
  const r = await must<{
    window: RcaReport['window'];
    signals: { metric_points: number; log_lines: number; changes: number };
    verdict: string;
    ranking: { service: string; score: number }[];
    hypotheses: RcaReport['hypotheses'];
  }>(`POST /v1/incidents/${inc.id}/analyze`, client.post(`/v1/incidents/${inc.id}/analyze`, request), 200);
  return {
    case: name,
    window: r.window,
    signals: { metric_points: r.signals.metric_points, log_lines: r.signals.log_lines, events: r.signals.changes, rejected },
    verdict: r.verdict,
    ranking: r.ranking.map((x) => ({ service: x.service, score: x.score })),
    hypotheses: r.hypotheses.map((h) => ({ rank: h.rank, service: h.service, confidence: h.confidence, statement: h.statement, change_id: h.change_id, evidence_ids: h.evidence_ids })),
  };
}

/** `warroom rca CASE_DIR`: exit 0 with the JSON report, 2 for a folder that is not a case, 1 when the replay fails. */
export async function runRca(dir: string, opts: RcaOptions = {}): Promise<number> {
  const out = opts.out ?? ((s: string) => process.stdout.write(s));
  const err = opts.err ?? ((s: string) => process.stderr.write(s));
  let content: CaseContent;
  try {
    content = readCaseFolder(resolve(dir));
  } catch (e) {
    err(`warroom: rca: ${(e as Error).message}\n`);
    return e instanceof CaseFolderError ? 2 : 1;
  }
  const e = await startEmbedded('pglite');
  try {
    const report = await replayCase(e.client(), basename(resolve(dir)), content, opts);
    out(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  } catch (x) {
    err(`warroom: rca: ${(x as Error).message}\n`);
    return 1;
  } finally {
    await e.stop();
  }
}

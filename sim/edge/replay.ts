/**
 * `warroom replay` without the command line: feeds a scenario through a running instance's public
 * ingest API (at `speed` simulated seconds per second, or as fast as it takes them), waits for the
 * pipeline to settle, and compares the incidents it opened with the scenario's ground truth.
 * Which instance, and with which key, is the caller's choice (the CLI starts an embedded one).
 */
import type { Scenario } from '../schema.js';
import { flatten, groundTruthDoc } from '../generate.js';
import { toTopologyInput } from '../topology.js';
import { formatDuration } from '../util.js';
import { World } from '../world.js';
import { httpIngest, type IngestTotals } from './ingest.js';
import { loadScenario } from './library.js';

export interface ReplayOptions {
  /** The instance, e.g. http://127.0.0.1:3000. */
  url: string;
  /** An API key with the ingest and read scopes. */
  key: string;
  /** Simulated seconds per wall-clock second (default: as fast as the instance takes them). */
  speed?: number;
  logsPerMin?: number;
  /** How long to wait for the pipeline to settle after the last batch (default 20 s). */
  settleMs?: number;
  /** Prefix of the batches' Idempotency-Keys (default: scenario, seed and log rate, so a re-run stores nothing twice). */
  runId?: string;
}

export interface ReplaySummary {
  scenario: string;
  target: string;
  seconds: number;
  simulated: string;
  signals: IngestTotals;
  incidents: { service: string; title: string; severity: string; started_at: string }[];
  faults: { kind: string; root_cause_service: string; start: string; incident_opened: boolean }[];
}

type IncidentRow = ReplaySummary['incidents'][number];

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Feeds a scenario (or a library scenario's id) through the public ingest API; returns what happened. */
export async function replayScenario(scenario: string | Scenario, opts: ReplayOptions): Promise<ReplaySummary> {
  const sc = typeof scenario === 'string' ? loadScenario(scenario) : scenario;
  const { url, key } = opts;
  const client = httpIngest(url, key);
  await client.putTopology(toTopologyInput(sc.topology));
  const speed = opts.speed && opts.speed > 0 && Number.isFinite(opts.speed) ? opts.speed : 0;
  const w = new World(sc, { logsPerMin: opts.logsPerMin });
  const runKey = opts.runId ?? `replay-${sc.id}-${sc.seed}-${opts.logsPerMin ?? sc.baseline.logs_per_min}`;
  const t0 = Date.now();
  let batch: ReturnType<typeof flatten> = [];
  let seq = 0;
  const send = async () => {
    if (!batch.length) return;
    const b = batch;
    batch = [];
    await client.post(b, `${runKey}-${seq++}`);
  };
  while (!w.done) {
    const c = w.step();
    if (speed) {
      await send();
      const due = t0 + (c.from - sc.startMs) / speed;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    for (const s of flatten(c)) {
      batch.push(s);
      if (batch.length >= 10_000) await send();
    }
  }
  await send();

  // Let the pipeline finish: the incident list stops changing.
  const readIncidents = async (): Promise<IncidentRow[]> => {
    const res = await fetch(`${url}/v1/incidents?limit=500`, { headers: { authorization: `Bearer ${key}` } });
    const body = (await res.json()) as { incidents?: IncidentRow[] };
    return body.incidents ?? [];
  };
  const until = Date.now() + (opts.settleMs ?? 20_000);
  let last = '';
  let stable = 0;
  let incidents = await readIncidents();
  while (Date.now() < until && stable < 3) {
    await sleep(500);
    incidents = await readIncidents();
    const sig = JSON.stringify(incidents.map((i) => i.service).sort());
    stable = sig === last ? stable + 1 : 0;
    last = sig;
  }
  const truth = groundTruthDoc(w);
  const opened = new Set(incidents.map((i) => i.service));
  return {
    scenario: sc.id,
    target: url,
    seconds: Math.round((Date.now() - t0) / 100) / 10,
    simulated: formatDuration(sc.durationMs),
    signals: client.totals,
    incidents: incidents.map((i) => ({ service: i.service, title: i.title, severity: i.severity, started_at: i.started_at })),
    faults: truth.faults.map((f) => ({ kind: f.kind, root_cause_service: f.root_cause_service, start: f.start, incident_opened: opened.has(f.root_cause_service) })),
  };
}

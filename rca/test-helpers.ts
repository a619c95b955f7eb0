/**
 * A small synthetic service world for tests and timing: a call graph, per-minute metrics with
 * seeded noise, and faults that propagate the way real ones do (latency and errors flow up to
 * callers a minute per hop; a network fault shows only in the callers' view; a caller that fails
 * early starves its dependencies). Pure: time and randomness are parameters.
 */
import type { Signal } from '../core/schemas.js';
import { seededRng, type Rng } from '../core/rng.js';
import type { AnalysisInput, MetricSeriesInput } from './types.js';

export interface SynthFault {
  service: string;
  kind: 'latency' | 'errors' | 'cpu' | 'network' | 'fail_early';
  /** Minute the fault starts. */
  at: number;
  /** Multiplier of the effect (1 = a clear fault). */
  magnitude?: number;
}

export interface SynthOptions {
  /** service → the services it calls. */
  graph: Record<string, string[]>;
  faults?: SynthFault[];
  /** Minutes of baseline before the incident window. */
  baselineMinutes?: number;
  /** Minutes of incident window. */
  windowMinutes?: number;
  /** Points per minute (1 = one point a minute). */
  perMinute?: number;
  seed?: number;
  /** Services whose every metric is extra noisy (baseline and incident alike). */
  noisy?: string[];
  /** Epoch ms of minute 0. */
  t0?: number;
  changes?: Signal[];
  withTopology?: boolean;
}

export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

/** Minute m as epoch ms. */
export const minute = (m: number, t0 = T0) => t0 + m * 60_000;

function gauss(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Callees first, then callers (the graph must be acyclic). */
function order(graph: Record<string, string[]>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const visit = (s: string) => {
    if (seen.has(s)) return;
    seen.add(s);
    for (const c of graph[s] ?? []) visit(c);
    out.push(s);
  };
  for (const s of Object.keys(graph).sort()) visit(s);
  return out;
}

/** Generate the world and the AnalysisInput that describes its incident window. */
export function synthWorld(o: SynthOptions): AnalysisInput {
  const base = o.baselineMinutes ?? 60;
  const win = o.windowMinutes ?? 20;
  const per = o.perMinute ?? 1;
  const t0 = o.t0 ?? T0;
  const rng = seededRng(o.seed ?? 7);
  const services = order(o.graph);
  const callers: Record<string, string[]> = {};
  for (const [s, cs] of Object.entries(o.graph)) for (const c of cs) (callers[c] ??= []).push(s);
  const faults = o.faults ?? [];
  const noisy = new Set(o.noisy ?? []);
  const series = new Map<string, MetricSeriesInput>();
  const push = (service: string, metric: string, ts: number, value: number) => {
    const k = `${service}/${metric}`;
    let s = series.get(k);
    if (!s) series.set(k, (s = { service, metric, points: [] }));
    s.points.push({ ts, value });
  };
  const steps = (base + win) * per;
  // per-step state, so callers can see their callees' previous minute (a hop of delay)
  const lat: Record<string, number[]> = {};
  const err: Record<string, number[]> = {};
  const starve: Record<string, number[]> = {};
  for (const s of services) {
    lat[s] = [];
    err[s] = [];
    starve[s] = [];
  }
  const active = (f: SynthFault, m: number) => m >= f.at;
  for (let i = 0; i < steps; i++) {
    const m = i / per;
    const ts = t0 + Math.round(m * 60_000);
    const lagIdx = Math.max(0, i - per); // one minute earlier
    for (const s of services) {
      const noise = noisy.has(s) ? 6 : 1;
      const own = faults.filter((f) => f.service === s && active(f, m));
      const mag = (k: SynthFault['kind']) => own.filter((f) => f.kind === k).reduce((a, f) => a + (f.magnitude ?? 1), 0);
      const callees = o.graph[s] ?? [];
      // what this service sees of its callees a minute ago, plus network faults on them
      let outbound = 0;
      let calleeErr = 0;
      for (const c of callees) {
        const net = faults.filter((f) => f.service === c && f.kind === 'network' && active(f, m)).reduce((a, f) => a + (f.magnitude ?? 1), 0);
        outbound += (lat[c][lagIdx] ?? 20) + 200 * net;
        calleeErr = Math.max(calleeErr, err[c][lagIdx] ?? 0);
      }
      const cpu = 30 + 1.5 * noise * gauss(rng) + 55 * mag('cpu');
      const ownLat = 20 * (1 + 0.04 * noise * gauss(rng)) + 300 * mag('latency') + 150 * mag('cpu');
      const latency = ownLat + outbound;
      const errors = Math.max(0, 0.004 + 0.0008 * noise * gauss(rng)) + 0.3 * mag('errors') + 0.5 * mag('fail_early') + 0.8 * calleeErr;
      // a caller that fails before calling on sends less to its callees
      const starving = (callers[s] ?? []).some((p) => faults.some((f) => f.service === p && f.kind === 'fail_early' && active(f, m - 1)));
      const rps = Math.max(0, 100 * (1 + 0.03 * noise * gauss(rng)) * (starving ? 0.2 : 1));
      lat[s].push(latency);
      err[s].push(errors);
      starve[s].push(starving ? 1 : 0);
      push(s, 'latency_p95_ms', ts, latency);
      push(s, 'http_error_rate', ts, errors);
      push(s, 'cpu_utilization', ts, cpu);
      push(s, 'http_requests_per_s', ts, rps);
      if (callees.length) push(s, 'client_latency_p95_ms', ts, outbound * (1 + 0.04 * noise * gauss(rng)));
    }
  }
  const from = minute(base, t0);
  return {
    incident: { service: services[services.length - 1], startedAt: from },
    window: { from, to: minute(base + win, t0) - 1 },
    metrics: [...series.values()],
    changes: o.changes ?? [],
    topology:
      o.withTopology === false
        ? null
        : {
            nodes: services.map((id) => ({ id, type: 'service', attributes: {} })),
            edges: Object.entries(o.graph).flatMap(([a, cs]) => cs.map((b) => ({ from: a, to: b, attributes: {} }))),
          },
  };
}

/** A deploy signal as the ingest pipeline stores it. */
export function deploySignal(id: string, service: string, atMinute: number, t0 = T0): Signal {
  return {
    id,
    orgId: 'org',
    source: 'argocd',
    kind: 'deploy',
    ts: new Date(minute(atMinute, t0)).toISOString(),
    key: service,
    value: null,
    text: `Deployed ${service}`,
    labels: { service, version: 'v2' },
    meta: { change_id: id },
  };
}

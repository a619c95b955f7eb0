/**
 * `warroom bench sim`: how fast the sandbox generates signals. Generates an hour of the 20-service
 * shop with logs at 200,000 lines/min (12 million lines) as SignalInput objects, counting them
 * without retaining them; optionally also serialises every chunk to JSON (what an ingest client
 * or an export would do next). Prints figures; asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import { calmScenario } from '../scenario.js';
import type { TopologySpec } from '../schema.js';
import { World } from '../world.js';

export interface SimBenchOptions {
  topology: TopologySpec;
  minutes?: number;
  linesPerMin?: number;
  /** Also JSON-serialise every signal (bytes are reported). */
  serialize?: boolean;
  seed?: number;
  /** Called after each simulated minute with the progress so far. */
  progress?(done: number, total: number): void;
}

export interface SimBenchResult {
  generated: string;
  simulated_minutes: number;
  services: number;
  pods: number;
  log_lines: number;
  metric_points: number;
  events: number;
  seconds: number;
  lines_per_s: number;
  points_per_s: number;
  json_bytes: number | null;
  avg_line_chars: number;
  realtime_factor: number;
  /** A second pass with no logs: how fast metric points alone are made. */
  metrics_only: { seconds: number; metric_points: number; points_per_s: number };
}

export function benchGenerate(o: SimBenchOptions): SimBenchResult {
  const minutes = o.minutes ?? 60;
  const scenario = calmScenario(o.topology, Date.parse('2026-03-04T12:00:00Z'), o.seed ?? 1, {
    logs_per_min: o.linesPerMin ?? 200_000,
    deploys_per_day: 24,
    instance_metrics: '10s',
    service_metrics: '1m',
  });
  let lines = 0;
  let chars = 0;
  // Lines are counted as they are made and never retained (a consumer would send them on in batches).
  const w = new World(scenario, o.serialize ? {} : { onLog: (l) => { lines++; chars += l.text!.length; } });
  const steps = Math.round((minutes * 60_000) / w.stepMs);
  let points = 0;
  let events = 0;
  let bytes = 0;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const c = w.step();
    points += c.metrics.length;
    events += c.events.length;
    if (o.serialize) {
      lines += c.logs.length;
      for (let k = 0; k < c.logs.length; k++) chars += c.logs[k].text!.length;
      bytes += JSON.stringify(c.events).length + JSON.stringify(c.metrics).length + JSON.stringify(c.logs).length;
    }
    if (o.progress && (i + 1) % Math.round(60_000 / w.stepMs) === 0) o.progress((i + 1) / Math.round(60_000 / w.stepMs), minutes);
  }
  const seconds = (performance.now() - t0) / 1000;

  const m = new World(calmScenario(o.topology, scenario.startMs, o.seed ?? 1, { logs_per_min: 0, deploys_per_day: 24 }));
  let mPoints = 0;
  const t1 = performance.now();
  for (let i = 0; i < steps; i++) mPoints += m.step().metrics.length;
  const mSeconds = (performance.now() - t1) / 1000;
  return {
    generated: o.serialize ? 'SignalInput objects in per-step arrays, then JSON.stringify' : 'SignalInput objects, streamed (counted, not retained)',
    simulated_minutes: minutes,
    services: w.services.length,
    pods: w.services.reduce((n, s) => n + s.pods.length, 0),
    log_lines: lines,
    metric_points: points,
    events,
    seconds: Math.round(seconds * 100) / 100,
    lines_per_s: Math.round(lines / seconds),
    points_per_s: Math.round(points / seconds),
    json_bytes: o.serialize ? bytes : null,
    avg_line_chars: lines ? Math.round(chars / lines) : 0,
    realtime_factor: Math.round((minutes * 60) / seconds),
    metrics_only: { seconds: Math.round(mSeconds * 100) / 100, metric_points: mPoints, points_per_s: Math.round(mPoints / mSeconds) },
  };
}

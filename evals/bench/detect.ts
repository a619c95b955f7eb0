/**
 * `warroom bench detect`: metric points per second per core through the full detector (registry
 * lookup, seasonal baseline, ESD, KDE tail, windows, level shifts), and the memory each series
 * costs, measured as heap growth over 10,000 warmed-up series. The data is synthetic but shaped
 * like service metrics: a level spread over four decades, daily and weekly cycles of random
 * amplitude and phase, relative noise and rare spikes, from a seeded generator (core/rng.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { seededRng, type Rng } from '../../core/rng.js';
import { DetectorRegistry, type SeriesKey } from '../../detectors/metrics/registry.js';
import { formatTable } from '../harness.js';

const STEP = 5 * 60_000;
const T0 = Date.UTC(2026, 0, 5); // a Monday

/** A generator of one synthetic series, point by point. */
function seriesGenerator(rng: Rng): (i: number) => number {
  const level = Math.pow(10, rng() * 4);
  const daily = rng() * 0.6;
  const weekly = rng() * 0.3;
  const phase = rng() * 2 * Math.PI;
  const noise = 0.01 + rng() * 0.09;
  return (i) => {
    const t = i * STEP;
    const day = Math.floor(t / 86_400_000) % 7;
    const gauss = Math.sqrt(-2 * Math.log(rng() + 1e-12)) * Math.cos(2 * Math.PI * rng());
    const spike = rng() < 0.001 ? 1 + rng() * 3 : 0;
    return level * (1 + daily * Math.sin(phase + (2 * Math.PI * t) / 86_400_000) - (day >= 5 ? weekly : 0) + noise * gauss + spike);
  };
}

function keysFor(n: number): SeriesKey[] {
  return Array.from({ length: n }, (_, s) => ({ org: `org${s % 7}`, service: `svc${s % 97}`, metric: `http_requests_${s}` }));
}

/** Runs `gc` if the runtime can be asked to (it can, through V8 flags, without restarting). */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as (() => void) | undefined;
  gc?.();
  gc?.();
}

/**
 * CPU seconds of the main (JavaScript) thread alone, from /proc on Linux: process.cpuUsage() also
 * counts V8's parallel GC helpers, and wall time counts being descheduled on a busy machine.
 * Null where /proc is not available.
 */
function mainThreadCpuSeconds(): number | null {
  const file = `/proc/self/task/${process.pid}/stat`;
  if (!existsSync(file)) return null;
  const fields = readFileSync(file, 'utf8').split(') ')[1].split(' ');
  // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const heap = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

export async function runDetectBench(o: Record<string, string>): Promise<number> {
  const seriesN = Number(o.series ?? 2_000);
  const pointsN = Number(o.points ?? 2_016);
  const memSeries = Number(o.memorySeries ?? o['memory-series'] ?? 10_000);
  const memPoints = Number(o.memoryPoints ?? o['memory-points'] ?? 720);

  // Throughput: every series advances one step per round, as a scrape would deliver them.
  const rng = seededRng(42);
  const data = Array.from({ length: seriesN }, () => {
    const g = seriesGenerator(rng);
    return Float32Array.from({ length: pointsN }, (_, i) => g(i));
  });
  const keys = keysFor(seriesN);
  const reg = new DetectorRegistry({ maxSeries: seriesN });
  let alerts = 0;
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuSeconds();
  for (let i = 0; i < pointsN; i++) {
    const ts = T0 + i * STEP;
    for (let s = 0; s < seriesN; s++) if (reg.update(keys[s], ts, data[s][i]).alert) alerts++;
  }
  const cpu = process.cpuUsage(cpu0);
  const main1 = mainThreadCpuSeconds();
  const wall = (performance.now() - wall0) / 1000;
  const mainSeconds = main0 !== null && main1 !== null ? main1 - main0 : null;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const total = seriesN * pointsN;
  data.length = 0;

  // Memory: heap growth for `memSeries` series, each warmed past seasonality detection.
  collectGarbage();
  const before = heap();
  const memReg = new DetectorRegistry({ maxSeries: memSeries });
  const memKeys = keysFor(memSeries);
  const gens = memKeys.map(() => seriesGenerator(rng));
  for (let i = 0; i < memPoints; i++) {
    const ts = T0 + i * STEP;
    for (let s = 0; s < memSeries; s++) memReg.update(memKeys[s], ts, gens[s](i));
  }
  gens.length = 0;
  collectGarbage();
  const bytesPerSeries = (heap() - before) / memSeries;
  const sample = memKeys.slice(0, 100).map((k) => JSON.stringify(memReg.get(k)!.toJSON()).length);
  const jsonPerSeries = sample.reduce((a, b) => a + b, 0) / sample.length;
  const seasonal = memKeys.filter((k) => memReg.get(k)!.periodMs !== null).length;

  const rows = [
    {
      measure: 'throughput',
      series: seriesN,
      points: total,
      wall_s: round(wall, 2),
      points_per_s: Math.round(total / wall),
      // Per core: points per CPU second of the thread running the detector.
      points_per_core_s: mainSeconds ? Math.round(total / mainSeconds) : 'n/a',
      points_per_process_cpu_s: Math.round(total / cpuSeconds),
      alert_rate: round(alerts / total, 5),
    },
    { measure: 'memory', series: memSeries, points: memSeries * memPoints, bytes_per_series: Math.round(bytesPerSeries), mb_per_10k_series: round((bytesPerSeries * 10_000) / 1e6, 1), json_bytes_per_series: Math.round(jsonPerSeries), seasonal_series: seasonal },
  ];
  process.stdout.write(`detect benchmark — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, one thread; synthetic 5-minute series with daily/weekly cycles (seed 42)\n`);
  process.stdout.write(formatTable(rows) + '\n');
  if (o.json) writeFileSync(o.json, JSON.stringify({ machine: { cores: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, rows }, null, 2));
  return 0;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

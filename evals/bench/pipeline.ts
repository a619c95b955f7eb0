/**
 * `warroom bench pipeline`: ingest → anomaly latency on the embedded default (PGlite, in-process
 * bus, one process), with the sandbox shop's calm traffic posted in real time from a separate
 * process at each requested log rate (default 200,000 and 2,000,000 lines/min). Latency is the
 * server's own histogram `warroom_detect_latency_seconds`: from a batch accepted (stored) to its
 * anomalies stored, queueing included — p50/p95 read from its buckets by linear interpolation.
 * When the server cannot keep up, the queue grows and so does the latency: that is the figure.
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import { startEmbedded } from '../../app/embedded.js';
import { detectionThread } from '../../app/runtime.js';
import { formatTable } from '../harness.js';
import { percentile } from './percentile.js';

interface Bucket {
  le: number;
  count: number;
}

/** The detect-latency histogram from /metrics text: cumulative buckets and the count. */
export function parseLatencyHistogram(text: string): { buckets: Bucket[]; count: number; sum: number } {
  const buckets: Bucket[] = [];
  let count = 0;
  let sum = 0;
  for (const line of text.split('\n')) {
    const b = /^warroom_detect_latency_seconds_bucket\{le="([^"]+)"\} (\S+)/.exec(line);
    if (b) buckets.push({ le: b[1] === '+Inf' ? Infinity : Number(b[1]), count: Number(b[2]) });
    const c = /^warroom_detect_latency_seconds_count (\S+)/.exec(line);
    if (c) count = Number(c[1]);
    const s = /^warroom_detect_latency_seconds_sum (\S+)/.exec(line);
    if (s) sum = Number(s[1]);
  }
  return { buckets, count, sum };
}

/** The q-quantile (0..1) of a cumulative histogram, interpolated within its bucket (Prometheus' histogram_quantile). */
export function histogramQuantile(q: number, buckets: Bucket[]): number {
  const total = buckets.length ? buckets[buckets.length - 1].count : 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return prevLe;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / Math.max(1, b.count - prevCount);
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}


export async function runPipelineBench(o: Record<string, string>): Promise<number> {
  const rates = (o.rates ?? '200000,2000000').split(',').map(Number);
  const seconds = Number(o.seconds ?? 60);
  const rows = [];
  let thread = '';
  for (const rate of rates) {
    const e = await startEmbedded('pglite', o.thread ? { WARROOM_DETECTION_THREAD: o.thread } : {});
    thread = detectionThread(e.cfg.WARROOM_DETECTION_THREAD);
    try {
      // Built, the load generator is compiled next to this file; from the sources it needs tsx.
      const built = import.meta.url.endsWith('.js');
      const child = fork(new URL(built ? './paced-load.js' : './paced-load.ts', import.meta.url), [], { execArgv: built ? [] : ['--import', 'tsx'], serialization: 'advanced' });
      const msg = (want: string) =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          const on = (m: Record<string, unknown>) => {
            if (m[want]) {
              child.off('message', on);
              resolve(m);
            }
          };
          child.on('message', on);
          child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
        });
      child.send({ url: e.w.url, key: e.apiKey, linesPerMin: rate, seconds, maxBatch: e.cfg.WARROOM_MAX_BATCH });
      const ready = await msg('ready');
      const before = parseLatencyHistogram(await (await fetch(`${e.w.url}/metrics`)).text());
      const t0 = performance.now();
      child.send({ go: true });
      const done = await msg('done');
      // Wait for the detect queue to drain: every accepted batch observed in the histogram.
      let after = parseLatencyHistogram(await (await fetch(`${e.w.url}/metrics`)).text());
      for (let i = 0; i < 600; i++) {
        const now = parseLatencyHistogram(await (await fetch(`${e.w.url}/metrics`)).text());
        if (now.count === after.count && i > 0) break;
        after = now;
        await new Promise((r) => setTimeout(r, 500));
      }
      const drainS = (performance.now() - t0) / 1000 - seconds;
      const delta = after.buckets.map((b, i) => ({ le: b.le, count: b.count - (before.buckets[i]?.count ?? 0) }));
      const lat = done.latencies as number[];
      rows.push({
        lines_per_min: rate,
        log_lines: ready.lines as number,
        signals: ready.signals as number,
        requests: ready.requests as number,
        failed: done.failed as number,
        batches_detected: after.count - before.count,
        detect_p50_ms: Math.round(histogramQuantile(0.5, delta) * 1000),
        detect_p95_ms: Math.round(histogramQuantile(0.95, delta) * 1000),
        detect_mean_ms: Math.round(((after.sum - before.sum) / Math.max(1, after.count - before.count)) * 1000),
        post_p95_ms: Math.round(percentile(lat, 95)),
        drain_after_s: Math.max(0, Math.round(drainS * 10) / 10),
        rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
      });
    } finally {
      await e.stop();
    }
  }
  process.stdout.write(`pipeline latency (embedded PGlite, in-process bus, detection ${thread}; ${os.cpus().length} cores; ${seconds} s of real-time load per rate)\n${formatTable(rows)}\n`);
  return 0;
}

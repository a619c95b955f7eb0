/**
 * `warroom bench ingest`: signals/s accepted by POST /v1/signals/ingest in batches of 1,000 log
 * signals, with p50/p95 request latency, into PGlite and into Postgres (a fresh database). The
 * load comes from a separate process; the server (API, pipeline, outbox) is this one process.
 * `drain_s` is how long detection and correlation still ran after the last response;
 * `cpu_us_per_signal` is the server process's CPU (every thread; PGlite included, Postgres not)
 * from the first request to drained, per signal — steadier than wall time on a shared machine;
 * `main_us_per_signal` is the main thread's busy time during the load per signal (what bounds
 * throughput when that thread is the bottleneck).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance as nodePerformance } from 'node:perf_hooks';
import { fork } from 'node:child_process';
import { startEmbedded, type Engine } from '../../app/embedded.js';
import { detectionThread } from '../../app/runtime.js';
import type { Config } from '../../app/config.js';
import { seededRng } from '../../core/rng.js';
import { formatTable } from '../harness.js';
import { percentile } from './percentile.js';
import type { InprocBus } from '../../bus/inproc.js';

const SERVICES = ['frontend', 'cart', 'checkout', 'payments', 'catalog', 'search', 'shipping', 'email'];
const PATHS = ['/api/cart', '/api/checkout', '/api/products/42', '/healthz', '/api/search?q=shoes'];

function batchBody(rng: () => number, t0: number, n: number): string {
  const signals = [];
  for (let i = 0; i < n; i++) {
    const svc = SERVICES[Math.floor(rng() * SERVICES.length)];
    const ms = Math.floor(rng() * 400);
    signals.push({
      source: 'fluentbit',
      kind: 'log',
      ts: t0 + i,
      key: svc,
      text: `${new Date(t0 + i).toISOString()} INFO ${svc} request_id=${Math.floor(rng() * 1e9).toString(16)} GET ${PATHS[Math.floor(rng() * PATHS.length)]} 200 ${ms}ms from 10.0.${Math.floor(rng() * 255)}.${Math.floor(rng() * 255)}`,
      labels: { service: svc, pod: `${svc}-7d9f8-${Math.floor(rng() * 5)}` },
    });
  }
  return JSON.stringify({ signals });
}


/** Waits until every accepted batch went through detection and correlation. */
async function drain(e: Awaited<ReturnType<typeof startEmbedded>>): Promise<void> {
  const bus = e.w.bus() as InprocBus;
  for (let i = 0; i < 3; i++) {
    await e.w.relay().flush();
    await bus.idle();
  }
}

export async function runIngestBench(o: Record<string, string>, cfg: Config): Promise<number> {
  const engines: Engine[] = o.engine === 'both' ? ['pglite', 'postgres'] : [o.engine as Engine];
  const batches = Number(o.batches ?? 200);
  const concurrency = Number(o.concurrency ?? 4);
  const rng = seededRng(42);
  const bodies = Array.from({ length: batches }, (_, i) => batchBody(rng, Date.UTC(2026, 0, 1) + i * 1000, 1000));
  const warm = Array.from({ length: 5 }, (_, i) => batchBody(rng, Date.UTC(2025, 0, 1) + i * 1000, 1000));
  const threads = o.thread === 'both' ? (['worker', 'inline'] as const) : ([(o.thread as 'worker' | 'inline' | undefined) ?? detectionThread(cfg.WARROOM_DETECTION_THREAD)] as const);
  const rows = [];
  for (const engine of engines) for (const thread of threads) {
    const ownerUrl = cfg.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const e = await startEmbedded(engine, { WARROOM_DETECTION_THREAD: thread }, ownerUrl);
    try {
      const run = (b: string[]) =>
        new Promise<{ seconds: number; accepted: number; failed: number; latencies: number[] }>((resolve, reject) => {
          const child = fork(new URL('./ingest-client.mjs', import.meta.url), [], { serialization: 'advanced' });
          child.once('message', (m) => resolve(m as { seconds: number; accepted: number; failed: number; latencies: number[] }));
          child.once('error', reject);
          child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
          child.send({ url: e.w.url, key: e.apiKey, bodies: b, concurrency });
        });
      await run(warm);
      await drain(e);
      const before = process.memoryUsage().rss;
      const cpu0 = process.cpuUsage();
      const elu0 = nodePerformance.eventLoopUtilization();
      const r = await run(bodies);
      const elu = nodePerformance.eventLoopUtilization(elu0);
      const t = performance.now();
      await drain(e);
      const cpu = process.cpuUsage(cpu0);
      rows.push({
        engine,
        thread,
        batches,
        concurrency,
        signals: r.accepted,
        failed_requests: r.failed,
        seconds: Number(r.seconds.toFixed(2)),
        signals_per_s: Math.round(r.accepted / r.seconds),
        p50_ms: Number(percentile(r.latencies, 50).toFixed(1)),
        p95_ms: Number(percentile(r.latencies, 95).toFixed(1)),
        drain_s: Number(((performance.now() - t) / 1000).toFixed(2)),
        cpu_us_per_signal: Number(((cpu.user + cpu.system) / r.accepted).toFixed(1)),
        main_us_per_signal: Number(((elu.active * 1000) / r.accepted).toFixed(1)),
        rss_mb: Math.round(Math.max(before, process.memoryUsage().rss) / 1e6),
      });
    } finally {
      await e.stop();
    }
  }
  process.stdout.write(`ingest benchmark — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, batches of 1,000 log signals\n`);
  process.stdout.write(formatTable(rows) + '\n');
  if (o.json) writeFileSync(o.json, JSON.stringify({ machine: { cores: os.cpus().length, node: process.version }, rows }, null, 2));
  return rows.every((r) => r.failed_requests === 0) ? 0 : 1;
}

/**
 * Load generator for `warroom bench pipeline`, a separate process (run with tsx) so the server
 * process carries only the server. It builds the whole load first — the sandbox shop's calm
 * traffic at the requested log rate, one request body per second of traffic (split at the batch
 * limit) — then posts second t's bodies at wall time t0 + t, and reports request latencies.
 */
import { flatten, run } from '../../sim/generate.js';
import { loadTopology } from '../../sim/edge/library.js';
import { calmScenario } from '../../sim/scenario.js';

interface Job {
  url: string;
  key: string;
  linesPerMin: number;
  seconds: number;
  maxBatch: number;
}

const job = await new Promise<Job>((resolve) => process.once('message', (m) => resolve(m as Job)));
const startMs = Math.floor(Date.now() / 60_000) * 60_000 - job.seconds * 1000;
const scenario = { ...calmScenario(loadTopology('shop'), startMs, 11, { logs_per_min: job.linesPerMin }), durationMs: job.seconds * 1000 };
const perSecond: string[][] = Array.from({ length: job.seconds }, () => []);
let lines = 0;
let signals = 0;
run(scenario, {}, (c) => {
  const bySec = new Map<number, object[]>();
  for (const s of flatten(c)) {
    const sec = Math.floor((Date.parse(String(s.ts)) - startMs) / 1000);
    if (sec < 0 || sec >= job.seconds) continue;
    let l = bySec.get(sec);
    if (!l) bySec.set(sec, (l = []));
    l.push(s);
    if (s.kind === 'log') lines++;
    signals++;
  }
  for (const [sec, l] of bySec) for (let i = 0; i < l.length; i += job.maxBatch) perSecond[sec].push(JSON.stringify({ signals: l.slice(i, i + job.maxBatch) }));
});
process.send!({ ready: true, lines, signals, requests: perSecond.reduce((n, b) => n + b.length, 0) });
await new Promise((r) => process.once('message', r));

const latencies: number[] = [];
let failed = 0;
const t0 = performance.now();
const inflight: Promise<void>[] = [];
for (let sec = 0; sec < job.seconds; sec++) {
  const wait = t0 + sec * 1000 - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  for (const body of perSecond[sec]) {
    const s = performance.now();
    inflight.push(
      fetch(`${job.url}/v1/signals/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${job.key}` }, body })
        .then(async (res) => {
          await res.text();
          latencies.push(performance.now() - s);
          if (res.status !== 202) failed++;
        })
        .catch(() => {
          failed++;
        }),
    );
  }
}
await Promise.all(inflight);
process.send!({ done: true, seconds: (performance.now() - t0) / 1000, latencies, failed }, () => process.exit(0));

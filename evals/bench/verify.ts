/**
 * `warroom bench verify`: the canary judge's time to a decision once the post window closed
 * (issue 17 target: under 1 s of compute). Two figures:
 *  - judge: the pure judgement of 4 impacted services over 300 s windows (the defaults), and of 8
 *    over 600 s, at one point per second (per-interval p95 latencies and four resource levels per
 *    side, request/error counts), repeated `--runs` times (default 200);
 *  - verifyFix: the whole use case on an in-memory PGlite store, from reading the 7 series × 2
 *    windows per service to the stored verdict (one run: it is stored once per plan).
 * Synthetic data from a seeded generator; figures only, nothing asserted.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { seededRng } from '../../core/rng.js';
import type { Signal } from '../../core/schemas.js';
import { DEFAULT_SECRET_MASKS } from '../../detectors/secrets.js';
import { judge, type ServiceWindows, type WindowSample } from '../../remediate/verify/judge.js';
import { openPgliteStore } from '../../store/index.js';
import { memoryAnalysisCache } from '../../usecases/analysis-cache.js';
import { directSession, type UseCaseDeps } from '../../usecases/session.js';
import { verifyFix } from '../../usecases/verify.js';
import { percentile } from './percentile.js';

const RESOURCES = ['cpu_utilization', 'memory_utilization', 'disk_utilization', 'saturation'] as const;

function windowOf(rng: () => number, seconds: number, errorRate: number, p95: number): WindowSample {
  const requests = 40 * seconds;
  const lat = Array.from({ length: seconds }, () => p95 * (0.9 + 0.2 * rng()));
  const saturation = Object.fromEntries(RESOURCES.map((r) => [r, Array.from({ length: seconds }, () => 0.4 + 0.1 * rng())]));
  return { requests, errors: Math.round(requests * errorRate * (0.9 + 0.2 * rng())), latencyMs: lat, saturation };
}

async function endToEnd(services: number, seconds: number): Promise<{ ms: number; judgeMs: number; points: number; decision: string }> {
  const opened = await openPgliteStore();
  try {
    await opened.store.createOrg({ id: 'bench', name: 'Bench' });
    const org = opened.store.forOrg('bench');
    const executedAt = Date.parse('2026-12-07T12:00:00Z');
    let n = 0;
    const rng = seededRng(7);
    const names = Array.from({ length: services }, (_, i) => `svc${i}`);
    const inc = await org.openIncident({ id: 'inc1', title: 'bench', service: names[0], severity: 'sev2', startedAt: new Date(executedAt - 600_000).toISOString(), openedAt: new Date(executedAt - 600_000).toISOString(), openedBy: 'detector' });
    const signals: Signal[] = [];
    for (const service of names) {
      for (let t = executedAt - seconds * 1000; t < executedAt + seconds * 1000; t += 1000) {
        const after = t >= executedAt;
        const ts = new Date(t).toISOString();
        const sig = (key: string, value: number): Signal => ({ id: `s${++n}`, orgId: 'bench', source: 'bench', kind: 'metric', ts, key, value, text: null, labels: { service }, meta: {} });
        signals.push(sig('http_requests_per_s', 40), sig('http_error_rate', (after ? 0.002 : 0.1) * (0.9 + 0.2 * rng())), sig('latency_p95_ms', (after ? 180 : 700) * (0.9 + 0.2 * rng())));
        for (const r of RESOURCES) signals.push(sig(r, 0.4 + 0.1 * rng()));
      }
    }
    for (let i = 0; i < signals.length; i += 5_000) await org.insertSignals(signals.slice(i, i + 5_000));
    const steps = names.map((target) => ({ action: 'restart', target, params: {}, command: `kubectl rollout restart deployment/${target} -n shop` }));
    await org.createFixPlan({ id: 'plan1', incidentId: inc.id, title: 'bench', env: 'dev', runner: 'none', risk: 'low', steps, status: 'approved', requestedBy: 'bench' });
    await org.transitionFixPlan('plan1', ['approved'], 'executing');
    const at = new Date(executedAt).toISOString();
    await org.addCommand({ id: 'c1', planId: 'plan1', step: 0, runner: 'none', command: 'x', output: '', exitCode: 0, status: 'succeeded', startedAt: at, finishedAt: at });
    await org.transitionFixPlan('plan1', ['executing'], 'executed');
    const deps: UseCaseDeps = {
      clock: { now: () => new Date(executedAt + seconds * 1000) },
      newId: () => `id${++n}`,
      masks: DEFAULT_SECRET_MASKS,
      runners: {},
      analysisCache: memoryAnalysisCache(),
      verify: { windowMs: seconds * 1000, settleMs: 0 },
    };
    const s = directSession({ orgId: 'bench', userId: 'bench', scopes: ['read', 'approve'], via: 'system' }, org, deps, () => undefined);
    const t0 = performance.now();
    const out = await verifyFix(s, { planId: 'plan1' });
    return { ms: performance.now() - t0, judgeMs: out.verification.ms, points: signals.length, decision: out.verification.decision };
  } finally {
    await opened.store.close();
    await opened.admin.close();
  }
}

/** The judge alone on `services` services with windows of `seconds` at 1 point/s: its run times in ms, and its decision. */
function timeJudge(services: number, seconds: number, runs: number): { times: number[]; decision: string } {
  const rng = seededRng(17);
  const input: ServiceWindows[] = Array.from({ length: services }, (_, i) => ({
    service: `svc${i}`,
    sloTarget: 0.99,
    latencyKind: 'p95_per_interval',
    pre: windowOf(rng, seconds, 0.1, 700),
    post: windowOf(rng, seconds, 0.002, 180),
  }));
  for (let i = 0; i < 20; i++) judge(input); // warm-up
  const times: number[] = [];
  let decision = '';
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    decision = judge(input).decision;
    times.push(performance.now() - t0);
  }
  return { times, decision };
}

export async function runVerifyBench(o: Record<string, string>): Promise<number> {
  const runs = Number(o.runs ?? 200);
  const f = (x: number) => x.toFixed(2);
  const lines = [`machine: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.availableParallelism()}, node ${process.version}; ${runs} runs each`];
  // the defaults (4 impacted services, 5-minute windows), then a large case (8 services, 10 minutes)
  for (const [services, seconds] of [[4, 300], [8, 600]] as const) {
    const { times, decision } = timeJudge(services, seconds, runs);
    lines.push(`judge, ${services} services × ${seconds} s windows at 1 point/s (p95 per interval + 4 resources a side): p50 ${f(percentile(times, 50))} ms, p95 ${f(percentile(times, 95))} ms, max ${f(Math.max(...times))} ms (${decision})`);
  }
  const e2e = await endToEnd(4, 300);
  lines.push(`verifyFix on PGlite, 4 services × 300 s (${e2e.points} points stored; reads, judge, stored verdict): ${f(e2e.ms)} ms, of which the judge ${f(e2e.judgeMs)} ms (${e2e.decision})`, '');
  process.stdout.write(lines.join('\n'));
  return 0;
}

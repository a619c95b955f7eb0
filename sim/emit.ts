/**
 * Turning a step into signals: metrics per pod and per-service roll-ups, log lines from the
 * template sets (the hot path: no allocation beyond the line and its signal object), trace spans,
 * and the signal that announces each change.
 */
import type { Rng } from '../core/rng.js';
import type { SignalInput } from '../core/schemas.js';
import { pickTemplate, render } from './logs.js';
import type { Chunk, SvcRt, WorldState } from './model.js';
import type { ChangeRecord, Scalar } from './state.js';
import { effectiveShare, type ShareView } from './traffic.js';
import { PAD3, hex8, round } from './util.js';

/** What the metrics read: the services (whose roll-up sums it advances) and the step's place. */
export type MetricsView = Pick<WorldState, 'iso' | 'services' | 'stepMs' | 'stepIndex' | 'instEvery' | 'svcEvery'>;
/** What moving the shared line clock reads and writes. */
export type LineClockView = Pick<WorldState, 'iso' | 'line'>;
/** What the log lines read (and the logs stream they draw from). */
export type LogsView = LineClockView & Pick<WorldState, 'services' | 'stepMs' | 'logsPerMin' | 'scenario' | 'opts' | 'rl'>;
/** What sampling traces reads (and the traces stream it draws from). */
export type TraceSampleView = Pick<WorldState, 'rt' | 'tracesPerMin' | 'stepMs'>;
/** What the spans-only walk reads. */
export type SpansView = TraceSampleView & ShareView & Pick<WorldState, 'iso' | 'entry'>;

function metric(ts: string, key: string, value: number, labels: Record<string, string>): SignalInput {
  return { source: 'prometheus', kind: 'metric', ts, key, value, labels };
}

/** Pod metrics at the instance resolution and service roll-ups averaged over their window. */
export function emitMetrics(w: MetricsView, t: number, c: Chunk): void {
  const ts = w.iso.iso(t);
  const out = c.metrics;
  const instNow = w.instEvery > 0 && w.stepIndex % w.instEvery === 0;
  const svcWindow = w.svcEvery;
  for (const s of w.services) {
    if (s.spec.type !== 'external' && instNow) {
      for (const p of s.pods) {
        const L = p.labels;
        out.push(metric(ts, 'http_requests_per_s', round(p.rps, 2), L));
        if ((p.ready || p.crashedThisStep) && p.rps > 0) {
          out.push(metric(ts, 'http_error_rate', round(p.err, 5), L));
          out.push(metric(ts, 'latency_p50_ms', round(p.p50, 2), L));
          out.push(metric(ts, 'latency_p95_ms', round(p.p95, 2), L));
          out.push(metric(ts, 'latency_p99_ms', round(p.p99, 2), L));
        }
        out.push(metric(ts, 'cpu_utilization', round(p.cpu, 4), L));
        out.push(metric(ts, 'memory_utilization', round(Math.min(1, p.mem), 4), L));
        out.push(metric(ts, 'saturation', round(p.sat, 4), L));
        out.push(metric(ts, 'restarts_total', p.restarts, L));
        out.push(metric(ts, 'disk_utilization', round(p.disk, 4), L));
      }
    }
    if (svcWindow === 0) continue;
    // Service roll-ups: averaged over the window.
    const r = s.roll;
    r[0] += s.rps;
    r[1] += s.err;
    r[2] += s.p50;
    r[3] += s.p95;
    r[4] += s.p99;
    r[5] += s.cpu;
    let mem = 0;
    let restarts = 0;
    let disk = 0;
    for (const p of s.pods) {
      mem = Math.max(mem, Math.min(1, p.mem));
      restarts += p.restarts;
      disk = Math.max(disk, p.disk);
    }
    r[6] = Math.max(r[6], mem);
    r[7] = Math.max(r[7], s.sat);
    r[8] = restarts;
    r[9] = disk;
    s.rollN++;
    if (s.rollN < svcWindow) continue;
    const n = s.rollN;
    const wts = w.iso.iso(t - (n - 1) * w.stepMs);
    const L = s.labels;
    if (s.spec.type === 'external') {
      out.push(metric(wts, 'probe_success', s.probeOk, L));
      out.push(metric(wts, 'probe_duration_ms', round(s.probeMs, 2), L));
    } else {
      out.push(metric(wts, 'http_requests_per_s', round(r[0] / n, 2), L));
      out.push(metric(wts, 'http_error_rate', round(r[1] / n, 5), L));
      out.push(metric(wts, 'latency_p50_ms', round(r[2] / n, 2), L));
      out.push(metric(wts, 'latency_p95_ms', round(r[3] / n, 2), L));
      out.push(metric(wts, 'latency_p99_ms', round(r[4] / n, 2), L));
      out.push(metric(wts, 'cpu_utilization', round(r[5] / n, 4), L));
      out.push(metric(wts, 'memory_utilization', round(r[6], 4), L));
      out.push(metric(wts, 'saturation', round(r[7], 4), L));
      out.push(metric(wts, 'restarts_total', r[8], L));
      out.push(metric(wts, 'disk_utilization', round(r[9], 4), L));
      if (s.spec.type === 'cache') {
        out.push(metric(wts, 'cache_hit_ratio', round(s.hit, 4), L));
        out.push(metric(wts, 'cache_evictions_per_s', round(s.evictions, 1), L));
      }
      if (s.spec.type === 'queue') out.push(metric(wts, 'queue_depth', Math.round(s.queueDepth), L));
      if (s.actual.certNotAfterMs !== null) out.push(metric(wts, 'tls_cert_expiry_seconds', Math.round((s.actual.certNotAfterMs - t) / 1000), L));
    }
    r.fill(0);
    s.rollN = 0;
  }
}

/** The step's log lines: spread over services (by traffic) and pods, spaced evenly in time. */
export function emitLogs(w: LogsView, t: number, c: Chunk): void {
  const rl = w.rl;
  const perStep = (w.logsPerMin * w.stepMs) / 60_000;
  const secretRate = w.scenario.baseline.secrets_per_10k / 10_000;
  let wsum = 0;
  for (const s of w.services) if (s.logs) wsum += Math.sqrt(Math.max(0.1, s.rps)) * s.spec.log_weight;
  const sink = w.opts.onLog;
  const out = sink ? { push: sink } : c.logs;
  const line = w.line;
  const stepMs = w.stepMs;
  for (const s of w.services) {
    const logs = s.logs;
    if (!logs || wsum === 0) continue;
    const svcLines = (perStep * Math.sqrt(Math.max(0.1, s.rps)) * s.spec.log_weight) / wsum;
    let served = 0;
    for (const p of s.pods) served += p.ready ? p.rps : 0;
    const key = s.id;
    for (const p of s.pods) {
      // Bursts (OOM kill, start-up lines) first.
      for (const b of p.burst) {
        for (let k = 0; k < b.count; k++) {
          lineAt(w, t + k * 7);
          const tpl = b.set.templates[k % b.set.templates.length];
          out.push({ source: 'fluentbit', kind: 'log', ts: line.iso, key, text: render(tpl, rl, line, b.vars), labels: p.logLabels[tpl.level] });
        }
      }
      p.burst.length = 0;
      if (!p.ready) continue;
      const share = served > 0 ? p.rps / served : 1 / s.pods.length;
      const expect = svcLines * share;
      let n = Math.floor(expect);
      if (rl() < expect - n) n++;
      if (n === 0) continue;
      const extra = p.extra;
      let extraTotal = 0;
      for (let i = 0; i < extra.length; i++) extraTotal += extra[i].frac;
      const scale = extraTotal > 0.9 ? 0.9 / extraTotal : 1;
      const vars = p.vars;
      for (let k = 0; k < n; k++) {
        lineAt(w, t + Math.floor(((k + 0.5) * stepMs) / n));
        const u = rl();
        let set = logs.calm;
        let v = vars;
        if (u < secretRate) set = logs.secrets;
        else if (extraTotal > 0) {
          let x = (u - secretRate) / scale;
          for (let i = 0; i < extra.length; i++) {
            x -= extra[i].frac;
            if (x < 0) {
              set = extra[i].set;
              v = extra[i].vars;
              break;
            }
          }
        }
        const tpl = pickTemplate(set, rl);
        out.push({ source: 'fluentbit', kind: 'log', ts: line.iso, key, text: render(tpl, rl, line, v), labels: p.logLabels[tpl.level] });
      }
    }
  }
}

/** Moves the shared line clock to `ms` (one ISO text per line, seconds cached). */
export function lineAt(w: LineClockView, ms: number): void {
  const l = w.line;
  l.sec = w.iso.at(ms);
  l.ms = ((ms % 1000) + 1000) % 1000;
  l.iso = `${l.sec.iso}.${PAD3[l.ms]}Z`;
}

/** Sampled traces: a walk down the call graph from the entry. */
export function emitSpans(w: SpansView, t: number, c: Chunk): void {
  sampleTraces(w, t, (traceId, start) => span(w, c, w.rt, w.entry, traceId, null, start, 0));
}

/** The step's sampled traces: their ids and start times, from the traces stream. */
export function sampleTraces(w: TraceSampleView, t: number, each: (traceId: string, start: number) => void): void {
  const r = w.rt;
  const expect = (w.tracesPerMin * w.stepMs) / 60_000;
  let n = Math.floor(expect);
  if (r() < expect - n) n++;
  for (let i = 0; i < n; i++) {
    const traceId = hex8(r) + hex8(r) + hex8(r) + hex8(r);
    const start = t + Math.floor(r() * w.stepMs);
    each(traceId, start);
  }
}

/** One span and its children; returns its duration. (With trace logs on, sim/trace-logs.ts walks requests instead.) */
export function span(w: SpansView, c: Chunk, r: Rng, s: SvcRt, traceId: string, parent: string | null, start: number, depth: number): number {
  const spanId = hex8(r) + hex8(r);
  let dur = s.p50 * (0.5 + -Math.log(1 - r()) * 0.6);
  const failed = r() < s.err;
  if (depth < 6) {
    for (const e of s.out) {
      if (e.spec.mode !== 'sync') continue;
      const share = effectiveShare(w, e);
      let calls = Math.floor(share);
      if (r() < share - calls) calls++;
      for (let k = 0; k < Math.min(calls, 3); k++) span(w, c, r, e.to, traceId, spanId, start + Math.floor(dur * 0.1), depth + 1);
    }
  }
  dur = Math.max(0.1, dur);
  c.spans.push({
    source: 'otel',
    kind: 'event',
    ts: w.iso.iso(Math.floor(start)),
    key: 'span',
    labels: { service: s.id },
    meta: { trace_id: traceId, span_id: spanId, parent_span_id: parent, name: `${parent ? 'rpc' : 'GET'} ${s.id}`, duration_ms: round(dur, 2), status: failed ? 'error' : 'ok' },
  });
  return dur;
}

const fmt = (v: Scalar | null) => (v === null ? '∅' : String(v));

/** The signal that announces a change (deploy, flag, config, or a Kubernetes action). */
export function changeSignal(c: ChangeRecord): SignalInput {
  const labels: Record<string, string> = { service: c.service };
  switch (c.kind) {
    case 'deploy':
      return {
        source: 'argocd',
        kind: 'deploy',
        ts: c.ts,
        key: c.service,
        text: c.rollback
          ? `Rolled back ${c.service} from ${fmt(c.from)} to ${fmt(c.to)} by ${c.author}`
          : `Deployed ${c.service} ${fmt(c.to)} (commit ${c.commit?.slice(0, 7)}) by ${c.author}: ${c.summary ?? ''}`.trim(),
        labels: { ...labels, version: String(c.to) },
        meta: { change_id: c.id, version: c.to, previous_version: c.from, commit: c.commit ?? null, author: c.author, summary: c.summary ?? null, rollback: !!c.rollback },
      };
    case 'flag':
      return {
        source: 'flagd',
        kind: 'flag',
        ts: c.ts,
        key: c.key,
        value: typeof c.to === 'boolean' ? (c.to ? 1 : 0) : typeof c.to === 'number' ? c.to : null,
        text: `Flag ${c.key} on ${c.service}: ${fmt(c.from)} → ${fmt(c.to)} by ${c.author}`,
        labels: { ...labels, flag: c.key },
        meta: { change_id: c.id, flag: c.key, from: c.from, to: c.to, author: c.author },
      };
    case 'config':
      return {
        source: 'kubernetes',
        kind: 'event',
        ts: c.ts,
        key: 'config_change',
        text: `ConfigMap ${c.service}-config: ${c.key} ${fmt(c.from)} → ${fmt(c.to)} by ${c.author}${c.summary ? ` (${c.summary})` : ''}`,
        labels: { ...labels, key: c.key },
        meta: { change_id: c.id, configmap: `${c.service}-config`, key: c.key, from: c.from, to: c.to, author: c.author },
      };
    default:
      return {
        source: c.kind === 'index' ? 'postgres' : 'kubernetes',
        kind: 'event',
        ts: c.ts,
        key: `${c.kind}_change`,
        text: `${c.kind} ${c.service}${c.instance ? `/${c.instance}` : ''}: ${c.key} ${fmt(c.from)} → ${fmt(c.to)} by ${c.author}`,
        labels: c.instance ? { ...labels, instance: c.instance } : labels,
        meta: { change_id: c.id, change: c.kind, key: c.key, from: c.from, to: c.to, author: c.author },
      };
  }
}

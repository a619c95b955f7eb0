/**
 * Sampled requests that log (baseline `trace_logs`): each sampled trace walks the call graph call
 * by call, and every span of a service whose log format carries trace context writes its steps —
 * `handling <op>`, `calling <callee>` before each call, then `<op> done in N ms` or
 * `<op> failed after N ms: <why>` — with the trace id and its own span id, as a traced production
 * service does. That is what the request view of the root-cause analysis reads
 * (rca/trace-patterns.ts, rca/slow-calls.ts): requests that skip or stop in a service, hand-offs
 * that grow.
 *
 * Unlike the spans-only walk (emit.ts `span`), a request's times and failures are its own:
 * - a span's own work comes from its service's latency on the pod that serves it (not the
 *   service's p50, which already holds its callees'), so a slow callee makes every caller slower
 *   by exactly its own extra time; queueing on a busy pod comes before the handler logs;
 * - its own failures come from that pod's errors (not the service's error rate, which holds its
 *   callees'); a failing span gives up part-way, so the callees it would have called next are
 *   never called;
 * - a call fails when the edge fails (DNS, TLS: mostly before the callee hears of it), when no pod
 *   can serve it, when the callee fails, or when the callee outlasts the caller's timeout (the
 *   caller gives up then; the callee carries on and logs its end later). A failed call on a
 *   critical edge fails the caller; on an optional one the caller logs a warning and goes on.
 * Calls are not retried (a fault's errors mostly fail again on a retry anyway).
 */
import type { Rng } from '../core/rng.js';
import type { SignalInput } from '../core/schemas.js';
import { lineAt, sampleTraces, type LineClockView, type TraceSampleView } from './emit.js';
import { TRACE_CONTEXT_FORMATS, compileTraced, render, type Msg, type Vars } from './logs.js';
import type { Chunk, EdgeRt, Pod, SvcRt, TraceTemplates, WorldState } from './model.js';
import type { LogFormat } from './schema.js';
import { effectiveShare, gcSlowdown, queueFactor, timeoutOf, type ShareView } from './traffic.js';
import { dec, hex8, round } from './util.js';

/** What sampled requests read: the graph from its entry, the traces stream, the line clock, where lines go. */
export type RequestsView = TraceSampleView & LineClockView & ShareView & Pick<WorldState, 'entry' | 'opts'>;

const MSGS: Record<Exclude<keyof TraceTemplates, 'op'>, Msg> = {
  start: { level: 'info', text: 'handling %{$op}' },
  call: { level: 'debug', text: 'calling %{$callee}' },
  done: { level: 'info', text: '%{$op} done in %{$took} ms' },
  failed: { level: 'error', text: '%{$op} failed after %{$took} ms: %{$why}' },
  degraded: { level: 'warn', text: 'call to %{$callee} failed (%{$why}), continuing without it' },
};

/** Services whose operations write rather than read. */
const WRITES = new Set(['cart', 'checkout', 'orders', 'payments']);
const method = (service: string) => (WRITES.has(service) ? 'POST' : 'GET');

/** The lines of a service in its format, or null when the format carries no trace context. */
export function traceTemplates(service: string, format: LogFormat): TraceTemplates | null {
  if (!TRACE_CONTEXT_FORMATS.has(format)) return null;
  const c = (m: Msg) => compileTraced(format, m);
  return { op: `${method(service)} /v1/${service}`, start: c(MSGS.start), call: c(MSGS.call), done: c(MSGS.done), failed: c(MSGS.failed), degraded: c(MSGS.degraded) };
}

/** One way through the cluster network (ms); constant, so a slow callee adds exactly its own extra time. */
const NET_MS = 0.3;
/** Share of a span's own work done before its handler logs (reading the request). */
const WAIT_SHARE = 0.1;
/** Calls deeper than this are not followed (as in the spans-only walk). */
const MAX_DEPTH = 6;

/** One sampled request under way: where its spans and lines go. */
interface Req {
  w: RequestsView;
  c: Chunk;
  r: Rng;
  traceId: string;
  out: { push(s: SignalInput): void };
}

/** How a call ended for the caller: when it got its answer (or gave up), and why it failed (null: ok). */
interface Answer {
  end: number;
  why: string | null;
}

/** The step's sampled requests: spans to the chunk, lines where the ordinary log lines go. */
export function emitRequests(w: RequestsView, t: number, c: Chunk): void {
  const out = w.opts.onLog ? { push: w.opts.onLog } : c.logs;
  sampleTraces(w, t, (traceId, start) => {
    const x: Req = { w, c, r: w.rt, traceId, out };
    const pod = podFor(w.entry, x.r);
    // no pod to serve the entry: customers are refused, nothing of ours records it
    if (pod) serve(x, w.entry, pod, null, start, 0, true);
  });
}

/** A pod to serve one call: any ready one; a shard owns its keys, so one that is down refuses. */
function podFor(s: SvcRt, r: Rng): Pod | null {
  let n = 0;
  for (const p of s.pods) if (p.ready || (s.spec.sharded && p.owns)) n++;
  if (n === 0) return null;
  let k = Math.floor(r() * n);
  for (const p of s.pods) if ((p.ready || (s.spec.sharded && p.owns)) && k-- === 0) return p.ready ? p : null;
  return null;
}

/**
 * The operation of the request's first service that logs: named after the page, and a page is
 * told apart by what it calls — its least frequent callee (`POST /checkout`, `GET /search`) — so
 * requests of one kind share their steps.
 */
function pageOf(plan: readonly EdgeRt[]): string {
  let best: EdgeRt | null = null;
  for (const e of plan) if (!best || e.spec.share < best.spec.share) best = e;
  return best ? `${method(best.to.id)} /${best.to.id}` : 'GET /';
}

/**
 * One span on pod `p`, from `start`: its lines, its calls in turn, its span signal; returns when
 * it answered and why it failed. `page`: no service of the request has logged yet.
 */
function serve(x: Req, s: SvcRt, p: Pod, parent: string | null, start: number, depth: number, page: boolean): Answer {
  const { w, r } = x;
  const spanId = hex8(r) + hex8(r);
  const imp = p.imp;
  // own work on this pod, with the long tail of the spans-only walk; queueing comes before the handler
  const base = s.spec.latency_ms.p50 * imp.latMul * gcSlowdown(p.mem) * (0.5 + -Math.log(1 - r()) * 0.6 * imp.tailMul);
  const wait = base * (WAIT_SHARE + queueFactor(p.rho) - 1);
  const work = base * (1 - WAIT_SHARE);
  // own failure: shed by an overloaded pod (at once), or an error of the pod (part-way through)
  const shed = p.rho > 1 ? 1 - 1 / p.rho : 0;
  const err = 1 - (1 - s.spec.error_rate) * (1 - imp.err);
  const u = r();
  const rejected = u < shed;
  const broken = !rejected && u < 1 - (1 - shed) * (1 - err);
  const plan: EdgeRt[] = [];
  if (depth < MAX_DEPTH)
    for (const e of s.out) {
      if (e.spec.mode !== 'sync') continue;
      const share = effectiveShare(w, e);
      let calls = Math.floor(share);
      if (r() < share - calls) calls++;
      for (let k = 0; k < Math.min(calls, 3); k++) plan.push(e);
    }
  const n = plan.length;
  // a broken span fails instead of making call `failAt` (n: at the end of its work)
  const failAt = broken ? Math.floor(r() * (n + 1)) : -1;
  const log = s.traceLogs ? new SpanLog(x, s, p, s.traceLogs, spanId, page ? pageOf(plan) : s.traceLogs.op) : null;

  let now = start + wait;
  log?.line('start', now);
  let why: string | null = null;
  let answer = '';
  if (rejected) {
    why = 'server overloaded, request rejected';
    answer = '503 Service Unavailable';
  } else {
    // the work: 30 % before the first call, 30 % spread between the calls, the rest after the last
    const pre = n ? 0.3 * work : 0;
    const gap = n > 1 ? (0.3 * work) / (n - 1) : 0;
    for (let i = 0; i <= n && why === null; i++) {
      now += i === n ? work - pre - (n - 1) * gap : i === 0 ? pre : gap;
      if (i === failAt) {
        why = `internal error: ${p.vars.errtype}`;
        answer = '500 Internal Server Error';
      } else if (i < n) {
        const e = plan[i];
        log?.calling(e.to.id, now);
        const a = call(x, e, spanId, now, depth, page && !log);
        now = a.end;
        if (a.why === null) continue;
        if (e.spec.critical) {
          why = `call to ${e.to.id} failed: ${a.why}`;
          // a dependency failed, not the service itself
          answer = '502 Bad Gateway';
        } else log?.degraded(e.to.id, a.why, now);
      }
    }
  }
  log?.end(Math.round(now - start), why, now);
  x.c.spans.push({
    source: 'otel',
    kind: 'event',
    ts: w.iso.iso(Math.floor(start)),
    key: 'span',
    labels: { service: s.id },
    meta: { trace_id: x.traceId, span_id: spanId, parent_span_id: parent, name: `${parent ? 'rpc' : 'GET'} ${s.id}`, duration_ms: round(Math.max(0.1, now - start), 2), status: why === null ? 'ok' : 'error' },
  });
  return { end: now, why: why === null ? null : answer };
}

/** The lines of one span, in its service's format, with the request's trace id and its own span id. */
class SpanLog {
  private readonly v: Vars;
  constructor(
    private readonly x: Req,
    private readonly s: SvcRt,
    private readonly p: Pod,
    private readonly tpl: TraceTemplates,
    spanId: string,
    op: string,
  ) {
    // one worker thread serves the whole span
    this.v = { ...p.vars, trace_id: x.traceId, span_id: spanId, thread: dec(1 + Math.floor(x.r() * 200)), op, callee: '', why: '', took: '' };
  }

  line(which: 'start' | 'call' | 'degraded' | 'done' | 'failed', ms: number): void {
    const { w, r, out } = this.x;
    const t = this.tpl[which];
    lineAt(w, Math.floor(ms));
    out.push({ source: 'fluentbit', kind: 'log', ts: w.line.iso, key: this.s.id, text: render(t, r, w.line, this.v), labels: this.p.logLabels[t.level] });
  }

  calling(callee: string, ms: number): void {
    this.v.callee = callee;
    this.line('call', ms);
  }

  degraded(callee: string, why: string, ms: number): void {
    this.v.callee = callee;
    this.v.why = why;
    this.line('degraded', ms);
  }

  end(tookMs: number, why: string | null, ms: number): void {
    this.v.took = dec(tookMs);
    this.v.why = why ?? '';
    this.line(why === null ? 'done' : 'failed', ms);
  }
}

/** A call on edge `e` made at `at`: the callee's span if it is reached, and what the caller hears. */
function call(x: Req, e: EdgeRt, parent: string, at: number, depth: number, page: boolean): Answer {
  const r = x.r;
  const callee = e.to;
  // failed over to a backup: it answers in the callee's usual time, and is none of ours
  if (e.bypass) return { end: at + 2 * NET_MS + callee.spec.latency_ms.p50 * (0.5 + -Math.log(1 - r()) * 0.6), why: null };
  const edgeFails = e.fail > 0 && r() < e.fail;
  if (edgeFails && r() < e.failPre) return { end: at + 2 * NET_MS, why: edgeWhy(e) };
  const pod = podFor(callee, r);
  if (!pod) return { end: at + 2 * NET_MS, why: 'connection refused' };
  const a = serve(x, callee, pod, parent, at + NET_MS, depth + 1, page);
  const end = a.end + NET_MS;
  const timeout = timeoutOf(e);
  if (end - at > timeout) return { end: at + timeout, why: `timed out after ${timeout} ms` };
  return { end, why: edgeFails ? edgeWhy(e) : a.why };
}

/** What a caller hears when the edge itself fails. */
function edgeWhy(e: EdgeRt): string {
  switch (e.failLog?.cat) {
    case 'dns':
      return `lookup ${e.failLog.vars.host ?? e.to.id}: no such host`;
    case 'tls':
      return 'x509: certificate has expired';
    default:
      return '502 Bad Gateway';
  }
}

/**
 * Requests that skip a step or stop in a service: trace-correlated log lines (a `TraceID: …` in the message) compared
 * with the requests of the same kind before the incident, after Nezha's event-pattern mining
 * (Yu et al., FSE 2023) cut down to what logs alone carry.
 *
 * A request's *kind* is its first event (service and line shape: `GET /travel` on the front door,
 * say). An event is counted by occurrence — a loop's second pass is a step of its own — so that a
 * request cut short inside a loop is seen too. Before the incident, the events found in nearly
 * every request of a kind are its expected steps, in their usual order. During the incident, a
 * request of that kind can miss an expected step in two ways that point at a service:
 * - it *skipped* it: the step is missing yet a later one ran — the call was made and failed before
 *   its callee logged anything (an injected exception, a crash, a refused connection), and the
 *   caller carried on;
 * - it *stopped* in it: the next expected step after the last one that ran is service S's, S had
 *   already logged in the request (it was working on it, or its call had returned to it), and the
 *   request went no further — nothing more was logged, or only lines of services it had already
 *   reached (S and its callers unwinding: error lines, failed replies). S gave up part-way through
 *   its own work (an exception thrown in a loop, say). Judged only well before the data ends.
 * Neither counts against S when S's own lines in the request report another known service in
 * trouble (`call to auth failed: x509: certificate has expired`): S missed its step because of
 * that one, and rca/logs.ts already reads such lines as references to the service they name.
 * Any other early end is not counted — log sampling, a request still running when the data ends,
 * an end where another service's step was due (the call failed, or the caller gave up, or the
 * line was not sampled: Train Ticket's "No instances available for ts-basic-service" requests end
 * like that, and the error line names the service anyway), or a request that went on to services
 * it had not reached (it ran differently) point at no step in particular. Only the first missed
 * step of a request counts: what it would have called is missed with it.
 *
 * The result is one derived log template per service and way (skipped / stopped), with the counts
 * before and during the incident and, as the exposure, the number of requests of the kinds that
 * expect the service (not seconds: the load may differ between the periods). rca/logs.ts scores
 * its surprise like any template's (with one pseudo-count added to the reference), apart from the
 * service's own logs; the ranking adds it outside explain-away.
 *
 * Also here: reading trace ids, grouping lines into requests (shared by every reader of
 * trace-correlated lines) and the call graph those requests show (`topologyFromRequests`).
 */
import type { TopologyInput } from '../core/schemas.js';
import { lineShape, maskedExemplar, type LogRow } from './log-clusters.js';
import { ERROR_WORDS, namePatterns } from './logs.js';
import type { LogClusterInput } from './types.js';

/**
 * A trace id in a line: `TraceID: …` (text), `trace_id=…` (logfmt), `"trace_id":"…"` / `"traceId"` /
 * `"trace.id"` / `"dd.trace_id"` / `"otelTraceID"` (JSON), or a W3C `traceparent` header value
 * (`00-<trace id>-<span id>-<flags>`). Hex (or decimal) of 8 to 32 digits; case of the key ignored.
 */
const TRACE_ID = /(?:\b(?:otel|dd\.)?trace[_.]?id["']?\s*[:=]\s*["']?|\btraceparent["']?\s*[:=]\s*["']?00-)([0-9a-f]{8,32})(?![0-9a-z])/i;

/** The trace id a log line carries, or null (see TRACE_ID). */
export function traceIdOf(message: string): string | null {
  return TRACE_ID.exec(message)?.[1]?.toLowerCase() ?? null;
}

export const TRACE_PATTERN_DEFAULTS = {
  /** Requests of a kind needed before the incident to learn its steps. */
  minTraces: 3,
  /** Share of a kind's requests an event must appear in to be an expected step. */
  expectedShare: 0.8,
  /** Characters of a line's shape that name its event (the rest is payload). */
  eventChars: 96,
  /** The services known (the call graph's): lines naming one of them in trouble are about it. */
  services: [] as readonly string[],
  /**
   * A request that could still have been running when the data ends is not judged as stopped:
   * one that started within this many times the kind's longest reference request, or within
   * `stopGuardMinMs`, of the last line.
   */
  stopGuardFactor: 2,
  stopGuardMinMs: 10_000,
};

interface Event {
  key: string;
  service: string;
  text: string;
}

interface Trace {
  startMs: number;
  endMs: number;
  /** Events (by occurrence) in order of appearance. */
  events: Event[];
}

/** A step in a kind's usual order. */
interface Step {
  key: string;
  service: string;
  text: string;
  /** Median position among the requests that have it. */
  position: number;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Log rows → requests: the rows in [fromMs, toMs] that carry a trace id, grouped by it, each in
 * time order; lines of one time keep the order they came in (pass them in source order: a replayed
 * file's line numbers, a store's ids); requests in trace id order. A single line is no request
 * to compare (no step order, no hand-off) and is left out — shippers that stamp a fresh id on
 * every line would otherwise make one request per line. `ids`: the rows' trace ids when the
 * caller has read them already (aligned with `rows`).
 */
export function requestsOf(rows: readonly LogRow[], fromMs: number, toMs: number, ids?: readonly (string | null)[]): LogRow[][] {
  const by = new Map<string, LogRow[]>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const ms = r.ts * 1000;
    if (!(ms >= fromMs && ms <= toMs)) continue;
    const id = ids ? ids[i] : traceIdOf(r.message);
    if (!id) continue;
    const l = by.get(id);
    if (l) l.push(r);
    else by.set(id, [r]);
  }
  return [...by.entries()]
    .filter(([, lines]) => lines.length > 1)
    .sort(([a], [b]) => cmp(a, b))
    .map(([, lines]) => lines.sort((a, b) => a.ts - b.ts));
}

/**
 * Requests as their events: service and the start of the line's shape, numbered by occurrence
 * (the n-th line of that shape in the request is event n of it).
 */
function tracesOf(requests: readonly (readonly LogRow[])[], eventChars: number): Trace[] {
  const out: Trace[] = [];
  for (const lines of requests) {
    const seen = new Map<string, number>();
    const events: Event[] = [];
    for (const l of lines) {
      const shape = `${l.service}\u0000${lineShape(l.message).slice(0, eventChars)}`;
      const n = (seen.get(shape) ?? 0) + 1;
      seen.set(shape, n);
      events.push({ key: `${shape}\u0000${n}`, service: l.service, text: l.message });
    }
    out.push({ startMs: lines[0].ts * 1000, endMs: lines[lines.length - 1].ts * 1000, events });
  }
  return out;
}

/** A kind's expected steps, learnt from its requests before the incident, in their usual order. */
function expectedSteps(normal: readonly Trace[], share: number): Step[] {
  const positions = new Map<string, { e: Event; at: number[] }>();
  for (const t of normal)
    t.events.forEach((e, i) => {
      const p = positions.get(e.key);
      if (p) p.at.push(i);
      else positions.set(e.key, { e, at: [i] });
    });
  const steps: Step[] = [];
  for (const [key, { e, at }] of positions) {
    if (at.length < share * normal.length) continue;
    const s = [...at].sort((a, b) => a - b);
    steps.push({ key, service: e.service, text: e.text, position: s[(s.length - 1) >> 1] });
  }
  return steps.sort((a, b) => a.position - b.position || cmp(a.key, b.key));
}

const HOWS = ['skipped', 'stopped'] as const;
type Missed = { how: (typeof HOWS)[number]; step: Step };

/** Whether a line reports trouble with another of the known services (`call to auth failed: …`). */
type BlamesOther = (service: string, text: string) => boolean;

function blamesOther(services: readonly string[]): BlamesOther {
  const patterns = services.map((n) => ({ n, re: namePatterns(n) }));
  return (service, text) => {
    if (!ERROR_WORDS.test(text)) return false;
    const lower = text.toLowerCase();
    return patterns.some((p) => p.n !== service && p.re.some((re) => re.test(lower)));
  };
}

/**
 * The first expected step a request missed (see the file comment), or null. `mayStop`: whether
 * the request ended early enough to be judged as stopped.
 */
function firstMissed(t: Trace, steps: readonly Step[], mayStop: boolean, blames: BlamesOther): Missed | null {
  const m = missedStep(t, steps, mayStop);
  // a service that reports another's failure in this request ("call to auth failed: …") missed its
  // step because of that one; rca/logs.ts reads such lines as references to the service they name
  if (m && t.events.some((e) => e.service === m.step.service && blames(e.service, e.text))) return null;
  return m;
}

function missedStep(t: Trace, steps: readonly Step[], mayStop: boolean): Missed | null {
  const present = new Set(t.events.map((e) => e.key));
  let lastPresent = -1;
  for (let i = steps.length - 1; i >= 0; i--)
    if (present.has(steps[i].key)) {
      lastPresent = i;
      break;
    }
  if (lastPresent < 0) return null;
  const last = steps[lastPresent];
  for (let i = 0; i < lastPresent; i++) if (!present.has(steps[i].key) && steps[i].service !== last.service) return { how: 'skipped', step: steps[i] };
  const next = steps[lastPresent + 1];
  if (!mayStop || !next) return null;
  // what the request logged after its last expected step: nothing (it ended there), or only lines
  // of services it had already reached (the callers unwinding: error lines, a failed reply)
  const at = t.events.findIndex((e) => e.key === last.key);
  const reached = new Set(t.events.slice(0, at + 1).map((e) => e.service));
  if (!t.events.slice(at + 1).every((e) => reached.has(e.service))) return null;
  // the next step was a service's the request had not reached: the call failed, the caller gave
  // up, or the line was not sampled — no evidence about either side
  if (!reached.has(next.service)) return null;
  return { how: 'stopped', step: next };
}

interface Tally {
  service: string;
  how: Missed['how'];
  before: number;
  during: number;
  /** The missed steps seen during the incident (the most frequent one's line is the exemplar). */
  steps: Map<string, { text: string; n: number }>;
}

const TEMPLATES: Record<Missed['how'], (service: string) => string> = {
  skipped: (s) => `requests skipped ${s}: an expected step failed before it logged (a later step ran)`,
  stopped: (s) => `requests stopped in ${s}: it logged a step but not its next one, and the request went no further`,
};

/**
 * Missed steps per service, as derived log templates (see the file comment), from the requests
 * of `requestsOf`. Requests starting before `splitMs` are the reference.
 */
export function traceSkipClusters(requests: readonly (readonly LogRow[])[], splitMs: number, opts: Partial<typeof TRACE_PATTERN_DEFAULTS> = {}): LogClusterInput[] {
  const o = { ...TRACE_PATTERN_DEFAULTS, ...opts };
  const kinds = new Map<string, { normal: Trace[]; incident: Trace[] }>();
  let dataEndMs = -Infinity;
  for (const t of tracesOf(requests, o.eventChars)) {
    dataEndMs = Math.max(dataEndMs, t.endMs);
    if (t.events.length < 2) continue;
    const k = t.events[0].key;
    let g = kinds.get(k);
    if (!g) kinds.set(k, (g = { normal: [], incident: [] }));
    (t.startMs < splitMs ? g.normal : g.incident).push(t);
  }
  const known = new Set(o.services);
  for (const r of requests) for (const l of r) known.add(l.service);
  const blames = blamesOther([...known]);
  const exposure = new Map<string, { before: number; during: number }>();
  const tallies = new Map<string, Tally>();
  const count = (m: Missed, during: boolean) => {
    const id = `${m.how}\u0000${m.step.service}`;
    let x = tallies.get(id);
    if (!x) tallies.set(id, (x = { service: m.step.service, how: m.how, before: 0, during: 0, steps: new Map() }));
    if (!during) return void x.before++;
    x.during++;
    const st = x.steps.get(m.step.key);
    if (st) st.n++;
    else x.steps.set(m.step.key, { text: m.step.text, n: 1 });
  };
  for (const k of [...kinds.keys()].sort(cmp)) {
    const { normal, incident } = kinds.get(k)!;
    if (normal.length < o.minTraces || incident.length === 0) continue;
    const steps = expectedSteps(normal, o.expectedShare);
    // the entry step is the kind itself: it is never missed
    const expecting = [...new Set(steps.slice(1).map((s) => s.service))];
    const guardMs = Math.max(o.stopGuardMinMs, o.stopGuardFactor * Math.max(...normal.map((t) => t.endMs - t.startMs)));
    for (const [list, during] of [[normal, false], [incident, true]] as const)
      for (const t of list) {
        const mayStop = t.startMs + guardMs <= dataEndMs;
        // the requests that could have missed a step of the service, each way
        for (const service of expecting)
          for (const how of mayStop ? HOWS : HOWS.slice(0, 1)) {
            const id = `${how}\u0000${service}`;
            const e = exposure.get(id) ?? { before: 0, during: 0 };
            if (during) e.during++;
            else e.before++;
            exposure.set(id, e);
          }
        const m = firstMissed(t, steps, mayStop, blames);
        if (m) count(m, during);
      }
  }
  const out: LogClusterInput[] = [];
  for (const x of [...tallies.values()].sort((a, b) => cmp(a.service, b.service) || cmp(a.how, b.how))) {
    if (x.during === 0) continue;
    const top = [...x.steps.entries()].sort(([ka, a], [kb, b]) => b.n - a.n || cmp(ka, kb))[0][1];
    const e = exposure.get(`${x.how}\u0000${x.service}`)!;
    out.push({
      service: x.service,
      templateId: `${x.how}-step:${x.service}`,
      template: TEMPLATES[x.how](x.service),
      countsBefore: x.before,
      countsDuring: x.during,
      level: 'ERROR',
      exemplar: maskedExemplar(top.text),
      secondsBefore: e.before,
      secondsDuring: e.during,
      derived: `${x.how}-step`,
    });
  }
  return out;
}

/**
 * The call graph from trace-correlated log lines, for when none is given: within a request, a
 * service that logs for the first time right after a line of another service was called by it.
 * (A caller that got its reply and called on without logging in between is mistaken for the
 * callee it heard from; across many requests that reading is the rare one.) An edge needs
 * `minCalls` requests and at least `dominance` times as many as the opposite direction.
 */
export function topologyFromRequests(requests: readonly (readonly LogRow[])[], opts: { minCalls?: number; dominance?: number } = {}): TopologyInput | null {
  const minCalls = opts.minCalls ?? 2;
  const dominance = opts.dominance ?? 3;
  const calls = new Map<string, number>();
  const nodes = new Set<string>();
  for (const lines of requests) {
    const seen = new Set<string>();
    for (let i = 0; i < lines.length; i++) {
      const s = lines[i].service;
      nodes.add(s);
      if (seen.has(s)) continue;
      seen.add(s);
      if (i === 0) continue;
      const k = `${lines[i - 1].service}\u0000${s}`;
      calls.set(k, (calls.get(k) ?? 0) + 1);
    }
  }
  const edges: TopologyInput['edges'] = [];
  for (const [k, n] of [...calls.entries()].sort(([a], [b]) => cmp(a, b))) {
    const [from, to] = k.split('\u0000');
    if (n < minCalls || n < dominance * (calls.get(`${to}\u0000${from}`) ?? 0)) continue;
    edges.push({ from, to, attributes: { calls: n, source: 'trace-logs' } });
  }
  if (!edges.length) return null;
  return { nodes: [...nodes].sort(cmp).map((id) => ({ id, type: 'service', attributes: {} })), edges };
}

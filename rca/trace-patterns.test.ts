import { describe, expect, it } from 'vitest';
import type { LogRow } from './log-clusters.js';
import { logEvidence } from './logs.js';
import { requestsOf, traceIdOf, traceSkipClusters } from './trace-patterns.js';

const SPLIT = 1_000_000; // seconds
const msg = (service: string, step: string, trace: string) => `12:00:00.000 INFO c.${service}.Controller#42 TraceID: ${trace} SpanID: 1a2b3c4d5e6f7a8b [${step}][done]`;

/** One request: its steps as [service, step], a line each, 10 ms apart, starting at `at` (seconds). */
function request(id: number, at: number, steps: readonly (readonly [string, string])[]): LogRow[] {
  const trace = `abc${id.toString(16).padStart(29, '0')}`;
  return steps.map(([service, step], i) => ({ ts: at + i * 0.01, service, message: msg(service, step, trace) }));
}

const FULL = [
  ['front', 'query'],
  ['basic', 'lookup'],
  ['price', 'quote'],
  ['seat', 'count'],
  ['order', 'sold'],
] as const;
const without = (...services: string[]) => FULL.filter(([s]) => !services.includes(s));

function rows(normal: number, incident: readonly (readonly (readonly [string, string])[])[]): LogRow[] {
  const out: LogRow[] = [];
  for (let i = 0; i < normal; i++) out.push(...request(i, SPLIT - 60 + i, FULL));
  incident.forEach((steps, i) => out.push(...request(1000 + i, SPLIT + 1 + i, steps)));
  return out;
}

const run = (r: LogRow[]) => traceSkipClusters(requestsOf(r, (SPLIT - 600) * 1000, (SPLIT + 600) * 1000), SPLIT * 1000);

describe('requests that skip a step (trace-correlated logs)', () => {
  it('reads trace ids in the common spellings', () => {
    expect(traceIdOf('INFO TraceID: 4bf92f3577b34da6a3ce929d0e0e4736 SpanID: 00f0')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdOf('level=info trace_id=4bf92f3577b34da6 msg=ok')).toBe('4bf92f3577b34da6');
    expect(traceIdOf('{"level":"error","msg":"boom","trace_id":"4BF92F3577B34DA6A3CE929D0E0E4736"}')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdOf('{"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331"}')).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(traceIdOf('{"trace.id":"0af7651916cd43dd"}')).toBe('0af7651916cd43dd');
    expect(traceIdOf('{"dd.trace_id":"1234567890123456789"}')).toBe('1234567890123456789');
    expect(traceIdOf('{"otelTraceID":"0af7651916cd43dd8448eb211c80319c"}')).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(traceIdOf('GET /cart traceparent=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(traceIdOf('INFO no trace here')).toBeNull();
    // a UUID-style id: its first group stands for it (2^32 values: requests of one window do not collide)
    expect(traceIdOf('traceId: 3fa85f64-5717-4562-b3fc-2c963f66afa6')).toBe('3fa85f64');
    // not an id: too short, or a word that merely starts with hex digits
    expect(traceIdOf('trace_id=abc')).toBeNull();
    expect(traceIdOf('trace_id=deadbeefzz')).toBeNull();
  });

  it('blames the step requests skipped while later steps still ran, counting requests of the kind as the exposure', () => {
    const skipped = Array.from({ length: 12 }, () => without('price'));
    const normalAfter = Array.from({ length: 8 }, () => FULL);
    const [c, ...rest] = run(rows(10, [...skipped, ...normalAfter]));
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ service: 'price', countsBefore: 0, countsDuring: 12, secondsBefore: 10, secondsDuring: 20, derived: 'skipped-step', level: 'ERROR' });
    expect(c.exemplar).toContain('[quote][done]');
    // the exemplar is masked like any template's: the trace id is not in it
    expect(c.exemplar).not.toContain('abc');
  });

  it('counts only the first skipped step of a request: what it would have called is skipped with it', () => {
    const out = run(rows(10, Array.from({ length: 6 }, () => without('price', 'seat'))));
    expect(out.map((c) => [c.service, c.countsDuring])).toEqual([['price', 6]]);
  });

  it('does not count requests that end where a call to another service was due (sampling, a caller that gave up)', () => {
    const truncated = Array.from({ length: 15 }, () => FULL.slice(0, 2));
    expect(run(rows(10, truncated))).toEqual([]);
  });

  // a service that works through a loop: two passes of seat's own steps, then order
  const LOOP = [
    ['front', 'query'],
    ['seat', 'count'],
    ['seat', 'distance'],
    ['seat', 'count'],
    ['seat', 'distance'],
  ] as const;
  // a request of another kind, to say how far the data goes
  const later = (at: number) => request(5000 + at, SPLIT + at, [['batch', 'tick'], ['batch', 'done']]);
  const loopRows = (normal: number, incident: readonly (readonly (readonly [string, string])[])[]) => {
    const out: LogRow[] = [];
    for (let i = 0; i < normal; i++) out.push(...request(i, SPLIT - 60 + i, LOOP));
    incident.forEach((steps, i) => out.push(...request(1000 + i, SPLIT + 1 + i, steps)));
    return out;
  };

  it('blames the service a request stopped in: its last line a step of its own, its next step due, nothing more logged', () => {
    // the second pass through seat's loop never finishes (an exception thrown in it), long before the data ends
    const stopped = Array.from({ length: 12 }, () => LOOP.slice(0, 4));
    const whole = Array.from({ length: 8 }, () => LOOP);
    const r = loopRows(10, [...stopped, ...whole]);
    r.push(...later(120)); // the data goes on for another two minutes
    const [c, ...rest] = run(r);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ service: 'seat', templateId: 'stopped-step:seat', countsBefore: 0, countsDuring: 12, derived: 'stopped-step', level: 'ERROR' });
    expect(c.template).toContain('requests stopped in seat');
    // the missed step is the second pass's `distance` line: it is the exemplar
    expect(c.exemplar).toContain('[distance][done]');
    // every request of the kind could have stopped in seat: they are the exposure
    expect([c.secondsBefore, c.secondsDuring]).toEqual([10, 20]);
  });

  it('counts a stop whose callers unwind after it (only services already reached log), not an end where another service was due', () => {
    // seat gives up in its second pass and logs an error; front logs the failed reply
    const unwound = [...LOOP.slice(0, 4), ['seat', 'failed'], ['front', 'query failed']] as const;
    const r = loopRows(10, Array.from({ length: 12 }, () => unwound));
    r.push(...later(120));
    expect(run(r).map((c) => [c.templateId, c.countsDuring])).toEqual([['stopped-step:seat', 12]]);
    // front → basic → price: price's calls fail before it logs, basic and front log errors — the
    // request ends where price's step was due; no step is blamed (the error lines may name price)
    const failed = [['front', 'query'], ['basic', 'lookup'], ['basic', 'price call failed'], ['front', 'query failed']] as const;
    const f = rows(10, Array.from({ length: 12 }, () => failed));
    f.push(...later(120));
    expect(run(f)).toEqual([]);
  });

  it('counts a stop right after a callee answered: the caller was reached, its own next step never ran', () => {
    // front calls seat (its loop) and then order; during the incident front gives up once seat has answered
    const full = [['front', 'query'], ['seat', 'count'], ['seat', 'distance'], ['front', 'calling order'], ['order', 'sold']] as const;
    const r: LogRow[] = [];
    for (let i = 0; i < 10; i++) r.push(...request(i, SPLIT - 60 + i, full));
    for (let i = 0; i < 12; i++) r.push(...request(1000 + i, SPLIT + 1 + i, [...full.slice(0, 3), ['front', 'query failed']]));
    r.push(...later(120));
    expect(run(r).map((c) => [c.templateId, c.countsDuring])).toEqual([['stopped-step:front', 12]]);
  });

  it('does not count a missed step of a service whose own lines report another service failing (that one is named)', () => {
    // seat stops in its second pass, but its error line says why: its call to the pricing service failed
    const blamed = [...LOOP.slice(0, 4), ['seat', 'call to pricing failed: connection refused']] as const;
    const r = loopRows(10, Array.from({ length: 12 }, () => blamed));
    r.push(...later(120));
    const withNames = (x: LogRow[]) =>
      traceSkipClusters(requestsOf(x, (SPLIT - 600) * 1000, (SPLIT + 600) * 1000), SPLIT * 1000, { services: ['front', 'seat', 'pricing'] });
    expect(withNames(r)).toEqual([]);
    // an error that names no other service leaves the stop with seat
    const own = [...LOOP.slice(0, 4), ['seat', 'internal error: NullPointerException']] as const;
    const o = loopRows(10, Array.from({ length: 12 }, () => own));
    o.push(...later(120));
    expect(withNames(o).map((c) => [c.templateId, c.countsDuring])).toEqual([['stopped-step:seat', 12]]);
  });

  it('does not judge as stopped a request that could still be running when the data ends', () => {
    // the same cut-short requests, but they start within the guard (10 s) of the last line
    const r = loopRows(10, []);
    for (let i = 0; i < 12; i++) r.push(...request(1000 + i, SPLIT + 100 + i / 2, LOOP.slice(0, 4)));
    r.push(...later(107));
    expect(run(r)).toEqual([]);
    // given more data after them, they are judged, and only those that could be are the exposure
    r.push(...later(200));
    expect(run(r).map((c) => [c.templateId, c.countsDuring, c.secondsDuring])).toEqual([['stopped-step:seat', 12, 12]]);
  });

  it('does not count a request that went on to services it had not reached (it ran differently, not stopped)', () => {
    // the reference ends each request with seat's error line; during the incident the requests run
    // on past where it was (the earlier fault is gone): seat's expected error step is absent, yet
    // the request did not stop
    const withError = [['front', 'query'], ['seat', 'count'], ['seat', 'failed']] as const;
    const r: LogRow[] = [];
    for (let i = 0; i < 10; i++) r.push(...request(i, SPLIT - 60 + i, withError));
    for (let i = 0; i < 10; i++) r.push(...request(1000 + i, SPLIT + 1 + i, [['front', 'query'], ['seat', 'count'], ['order', 'sold'], ['seat', 'distance']]));
    r.push(...later(120));
    expect(run(r)).toEqual([]);
  });

  it('needs enough reference requests of the kind to learn its steps', () => {
    expect(run(rows(2, Array.from({ length: 10 }, () => without('price'))))).toEqual([]);
  });

  it('ignores lines without a trace id and steps that are not in nearly every request', () => {
    const r = rows(10, Array.from({ length: 6 }, () => without('seat')));
    // an optional step (1 of 11 reference requests) is not expected: requests without it skipped nothing
    r.push(...request(9000, SPLIT - 30, [...FULL, ['audit', 'log']]));
    r.push({ ts: SPLIT + 5, service: 'seat', message: 'ERROR seat pool exhausted' });
    expect(run(r).map((c) => c.service)).toEqual(['seat']);
  });

  it('scores skips apart from the service\'s own logs, and a handful against a zero reference is no evidence (add-one)', () => {
    const strong = run(rows(30, [...Array.from({ length: 26 }, () => without('price')), ...Array.from({ length: 30 }, () => FULL)]));
    const weak = run(rows(38, [...Array.from({ length: 3 }, () => without('price')), ...Array.from({ length: 37 }, () => FULL)]));
    const [s] = logEvidence(strong, 60, 120);
    const [w] = logEvidence(weak, 60, 120);
    expect(s.skipped).toBeGreaterThan(0.9);
    expect(s.score).toBe(0); // not the service's own log
    expect(s.errorRateDuring).toBe(0);
    expect(w.skipped).toBe(0);
  });
});

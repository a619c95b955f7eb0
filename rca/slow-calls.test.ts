import { describe, expect, it } from 'vitest';
import type { LogRow } from './log-clusters.js';
import { logEvidence } from './logs.js';
import { slowCallClusters } from './slow-calls.js';
import { requestsOf } from './trace-patterns.js';

const SPLIT = 2_000_000; // seconds
// gateway calls auth, then cart, then pay; each callee logs one line; gateway logs between calls
const CALLS = [
  ['gateway', 'auth'],
  ['gateway', 'cart'],
  ['gateway', 'pay'],
] as const;

/**
 * One request at `at` (seconds): gateway, auth, gateway, cart, gateway, pay, gateway, with every
 * hand-off 4 ms, plus `delay[callee]` seconds on the request into it and on its reply.
 */
function request(id: number, at: number, delay: Partial<Record<string, number>> = {}): LogRow[] {
  const trace = `d00d${id.toString(16).padStart(28, '0')}`;
  const line = (service: string, what: string) => `INFO ${service} TraceID: ${trace} SpanID: 0badc0ffee00 [${what}]`;
  const out: LogRow[] = [];
  let t = at;
  const push = (service: string, what: string) => out.push({ ts: t, service, message: line(service, what) });
  push('gateway', 'start');
  for (const callee of ['auth', 'cart', 'pay']) {
    t += 0.004 + (delay[callee] ?? 0);
    push(callee, 'serve');
    t += 0.004 + (delay[callee] ?? 0);
    push('gateway', `after ${callee}`);
  }
  return out;
}

function rows(before: number, during: number, delay: Partial<Record<string, number>>, affected = during): LogRow[] {
  const out: LogRow[] = [];
  for (let i = 0; i < before; i++) out.push(...request(i, SPLIT - 100 + i));
  for (let i = 0; i < during; i++) out.push(...request(1000 + i, SPLIT + 1 + i, i < affected ? delay : {}));
  return out;
}

const requests = (r: LogRow[]) => requestsOf(r, (SPLIT - 600) * 1000, (SPLIT + 600) * 1000);
const run = (r: LogRow[], calls: readonly (readonly [string, string])[] = CALLS) => slowCallClusters(requests(r), SPLIT * 1000, calls);

describe('slow calls, request by request', () => {
  it('charges calls that got slow to their callee when the caller\'s other calls stayed fast (a network delay on it)', () => {
    const out = run(rows(10, 12, { cart: 1 }));
    expect(out).toHaveLength(1);
    // request and reply of every affected call; exposure: the calls into cart
    expect(out[0]).toMatchObject({ service: 'cart', countsBefore: 0, countsDuring: 24, secondsBefore: 20, secondsDuring: 24, derived: 'slow-call', level: 'ERROR' });
    expect(out[0].template).toContain('gateway → cart');
    expect(out[0].exemplar).not.toContain('d00d'); // masked
  });

  it('keeps slow calls with a caller slow towards several of its callees (the caller is the slow one)', () => {
    const out = run(rows(10, 12, { auth: 0.5, cart: 0.5, pay: 0.5 }));
    expect(out.map((c) => [c.service, c.countsDuring])).toEqual([['gateway', 72]]);
  });

  it('a few slow calls to a second callee do not make the caller the slow one', () => {
    const r = rows(10, 12, { cart: 1 });
    r.push(...request(5000, SPLIT + 50, { cart: 1, pay: 0.3 }));
    const byService = new Map(run(r).map((c) => [c.service, c.countsDuring]));
    expect(byService.get('cart')).toBe(26);
    expect(byService.get('pay')).toBe(2);
    expect(byService.has('gateway')).toBe(false);
  });

  it('needs the call graph and enough reference calls; calls both ways between two services are skipped', () => {
    expect(run(rows(10, 12, { cart: 1 }), [])).toEqual([]);
    // one request before the incident holds 6 of the caller's hand-offs: fewer than asked for
    expect(slowCallClusters(requests(rows(1, 12, { cart: 1 })), SPLIT * 1000, CALLS, { minReference: 7 })).toEqual([]);
    expect(run(rows(0, 12, { cart: 1 }))).toEqual([]);
    expect(run(rows(10, 12, { cart: 1 }), [...CALLS, ['cart', 'gateway']]).map((c) => c.service)).toEqual([]);
  });

  it('scores a delay on most calls as strong evidence, and one slow call among many as none', () => {
    const [strong] = logEvidence(run(rows(10, 12, { cart: 1 })), 100, 600);
    const [weak] = logEvidence(run(rows(10, 40, { cart: 1 }, 1)), 100, 600);
    expect(strong.slowCalls).toBeGreaterThan(0.9);
    expect(strong.score).toBe(0); // not the service's own log
    expect(weak.slowCalls).toBe(0);
  });
});

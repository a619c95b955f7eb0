/** The preflight gates' rules on plain data: the runner's checks, the SLO budget against the risk, drift. */
import { describe, expect, it } from 'vitest';
import type { FixStep } from '../core/schemas.js';
import type { LiveService } from '../core/ports/live-state.js';
import { dryRunGate, driftGate, sloBudgetGate } from './preflight-gates.js';

const live = (over: Partial<LiveService> = {}): LiveService => ({ replicas: 2, memoryMb: 512, diskGb: 10, version: '1.0.0', flags: { 'new-checkout': true }, config: { timeout_ms: 500 }, callers: [], external: false, ...over });
const scale: FixStep = { action: 'scale', target: 'search', params: { replicas: 4, from_replicas: 2 }, command: 'kubectl scale' };
const rollback: FixStep = { action: 'rollback', target: 'cart', params: { from_version: '1.0.0' }, command: 'kubectl rollout undo' };
const slos = (breached: boolean[]) => breached.map((b, i) => ({ name: `slo-${i}`, service: 'cart', breached: b }));

describe('dryRunGate', () => {
  it('passes when every checked step would apply, and says how many were skipped', () => {
    expect(dryRunGate('k', [{ ok: true, reason: 'ok' }, null])).toMatchObject({ passed: true, reason: 'every step checked by runner "k" (1 skipped) would apply' });
    expect(dryRunGate('x', [null]).reason).toBe('runner "x" has no server-side dry run: 1 step(s) skipped');
  });
  it('fails with each failed step and its reason', () => {
    expect(dryRunGate('k', [{ ok: true, reason: 'ok' }, { ok: false, reason: 'not found' }])).toMatchObject({ passed: false, reason: 'step 2: not found' });
  });
});

describe('sloBudgetGate', () => {
  it('passes with no analysis or no SLOs, saying so', () => {
    expect(sloBudgetGate({ risk: 'high', steps: [scale] }, null, false)).toMatchObject({ passed: true, reason: expect.stringMatching(/no stored analysis/) });
    expect(sloBudgetGate({ risk: 'high', steps: [scale] }, [], false).reason).toMatch(/names no SLO/);
  });
  it('keeps a high-risk plan to at least half the budget left', () => {
    expect(sloBudgetGate({ risk: 'high', steps: [scale] }, slos([true, false]), false)).toMatchObject({ passed: true, details: { remaining: 0.5 } });
    expect(sloBudgetGate({ risk: 'high', steps: [scale] }, slos([true, true, false]), false)).toMatchObject({ passed: false, reason: '33% of the budget left (1 of 3 SLOs within objective): a high-risk plan needs at least 50%' });
  });
  it('lets a medium-risk plan spend the last budget only to restore a known state', () => {
    expect(sloBudgetGate({ risk: 'medium', steps: [scale] }, slos([true]), false).passed).toBe(false);
    expect(sloBudgetGate({ risk: 'medium', steps: [rollback] }, slos([true]), false).passed).toBe(true);
    expect(sloBudgetGate({ risk: 'low', steps: [scale] }, slos([true]), false).passed).toBe(true);
  });
  it('passes a dry run whatever the budget (it spends none)', () => {
    expect(sloBudgetGate({ risk: 'high', steps: [scale] }, slos([true]), true)).toMatchObject({ passed: true, reason: '0% of the budget left (0 of 1 SLOs within objective); the dry run spends none' });
  });
});

describe('driftGate', () => {
  it('passes when nothing was assumed, or when there is no reader (skipped, said)', () => {
    expect(driftGate([{ action: 'restart', target: 'cart', params: {}, command: 'x' }], new Map()).reason).toMatch(/assumed no live values/);
    expect(driftGate([scale], undefined)).toMatchObject({ passed: true, details: { skipped: true } });
  });
  it('compares every assumed value with the live state now', () => {
    const m = new Map([['search', live()], ['cart', live()]]);
    expect(driftGate([scale, rollback], m)).toMatchObject({ passed: true, reason: 'the live state matches what the plan assumed (2 value(s) compared)' });
    m.set('cart', live({ version: '1.1.0' }));
    expect(driftGate([scale, rollback], m)).toMatchObject({ passed: false, reason: 'the live state changed since the plan was drafted: cart version is 1.1.0 now, the plan assumed 1.0.0. Draft a new plan.' });
  });
  it('reads flags and config keys, and skips a service with no live state', () => {
    const flag: FixStep = { action: 'flag_off', target: 'cart', params: { flag: 'new-checkout', from_value: 'true' }, command: 'x' };
    const key: FixStep = { action: 'config_revert', target: 'cart', params: { key: 'timeout_ms', from_value: 500 }, command: 'x' };
    expect(driftGate([flag, key], new Map([['cart', live()]])).passed).toBe(true);
    expect(driftGate([key], new Map([['cart', live({ config: { timeout_ms: 50 } })]])).reason).toMatch(/cart config timeout_ms is 50 now, the plan assumed 500/);
    expect(driftGate([scale], new Map([['search', null]]))).toMatchObject({ passed: true, reason: 'no live state of search now: not compared (skipped)' });
  });
});

/** Click payloads: what a button carries, how a click is checked, how a stale one is told apart. */
import { describe, expect, it } from 'vitest';
import { encodeAction, isStale, MAX_ACTION_VALUE, parseAction, planVersion, type ActionPayload } from './actions.js';
import { plan } from './test-helpers.js';

const approve: ActionPayload = { v: 1, action: 'fix.approve', incidentId: 'inc_01', planId: 'plan_01', version: planVersion(plan) };

describe('action payloads', () => {
  it('round-trip through the encoded string and through an object', () => {
    expect(parseAction(encodeAction(approve))).toEqual({ ok: true, action: approve });
    expect(parseAction({ ...approve })).toEqual({ ok: true, action: approve });
  });

  it('encode the same payload the same way whatever its key order', () => {
    const shuffled = { version: approve.version, planId: 'plan_01', incidentId: 'inc_01', action: 'fix.approve', v: 1 } as ActionPayload;
    expect(encodeAction(shuffled)).toBe(encodeAction(approve));
    expect(encodeAction(approve).length).toBeLessThan(MAX_ACTION_VALUE);
  });

  it('accept Teams data with the card inputs merged in, keeping only the payload', () => {
    expect(parseAction({ ...approve, reason: 'because' })).toEqual({ ok: true, action: approve });
  });

  it.each([
    ['not JSON', '{nope', /not JSON/],
    ['too long', 'x'.repeat(MAX_ACTION_VALUE + 1), /longer than/],
    ['an unknown action', encodeAction({ ...approve, action: 'cluster.delete' as 'fix.approve' }), /action/],
    ['approve without a plan', JSON.stringify({ v: 1, action: 'fix.approve', incidentId: 'inc_01', version: 'x' }), /planId: fix.approve and fix.reject need a planId/],
    ['an id with markup', JSON.stringify({ ...approve, planId: '<script>' }), /planId: an id of letters/],
    ['another format version', JSON.stringify({ ...approve, v: 2 }), /^v:/],
    ['no version', JSON.stringify({ v: 1, action: 'incident.analyze', incidentId: 'inc_01' }), /version/],
    ['an array', [approve], /value/],
    ['null', null, /value/],
  ])('refuse %s, saying what is wrong', (_name, raw, error) => {
    const r = parseAction(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });

  it('tell a stale click from a current one by the plan version', () => {
    expect(isStale(approve, planVersion(plan))).toBe(false);
    expect(isStale(approve, planVersion({ ...plan, status: 'approved', updatedAt: '2026-03-01T10:30:00.000Z' }))).toBe(true);
    expect(isStale(approve, planVersion({ ...plan, updatedAt: '2026-03-01T10:21:00.000Z' }))).toBe(true);
  });
});

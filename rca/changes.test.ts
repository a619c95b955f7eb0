import { describe, expect, it } from 'vitest';
import type { Signal } from '../core/schemas.js';
import { changeId, changeKey, changeKind, correlateChanges, isChange, type ChangeContext } from './changes.js';

const sig = (over: Partial<Signal>): Signal => ({
  id: 's1',
  orgId: 'o',
  source: 'x',
  kind: 'deploy',
  ts: new Date(0).toISOString(),
  key: 'payments',
  value: null,
  text: null,
  labels: { service: 'payments' },
  meta: {},
  ...over,
});

const MIN = 60_000;
const ctx = (over: Partial<ChangeContext> = {}): ChangeContext => ({
  incidentStart: 30 * MIN,
  windowMs: 30 * MIN,
  magnitude: (s) => (s === 'payments' ? 0.9 : 0.02),
  onset: (s) => (s === 'payments' ? 31 * MIN : null),
  centrality: { payments: 0.4, catalog: 0.1 },
  ...over,
});

describe('change kinds', () => {
  it('reads deploys, flags, config and other changes the way the sandbox and CD tools send them', () => {
    expect(changeKind(sig({ kind: 'deploy' }))).toBe('deploy');
    expect(changeKind(sig({ kind: 'flag', key: 'new_ranking' }))).toBe('flag');
    expect(changeKind(sig({ kind: 'event', key: 'config_change' }))).toBe('config');
    expect(changeKind(sig({ kind: 'event', key: 'scale_change', meta: { change: 'scale' } }))).toBe('scale');
    expect(changeKind(sig({ kind: 'event', key: 'index_change' }))).toBe('index');
    expect(isChange(sig({ kind: 'event', key: 'k8s_event' }))).toBe(false);
    expect(isChange(sig({ kind: 'metric', key: 'cpu' }))).toBe(false);
    expect(changeId(sig({ meta: { change_id: 'chg-7' } }))).toBe('chg-7');
    expect(changeKey(sig({ labels: { service: 'payments', version: 'v42' } }))).toBe('payments@v42');
  });
});

describe('change-impact likelihood', () => {
  it('is high for a change on the anomalous service just before its onset', () => {
    const [c] = correlateChanges([sig({ ts: new Date(29 * MIN).toISOString() })], ctx());
    expect(c.leadMinutes).toBe(2);
    expect(c.likelihood).toBeGreaterThan(0.8);
  });

  it('says what the lead is measured to: the service\'s onset, or the incident start when the service shows none', () => {
    const [onPayments] = correlateChanges([sig({ ts: new Date(29 * MIN).toISOString() })], ctx());
    expect([onPayments.leadMinutes, onPayments.leadFrom]).toEqual([2, 'onset']);
    const [onCatalog] = correlateChanges([sig({ ts: new Date(29 * MIN).toISOString(), labels: { service: 'catalog' } })], ctx());
    expect([onCatalog.leadMinutes, onCatalog.leadFrom]).toEqual([1, 'incident_start']);
  });

  it('is low for a change on a calm service (red herring), whatever its timing', () => {
    const [c] = correlateChanges([sig({ ts: new Date(29 * MIN).toISOString(), labels: { service: 'catalog' } })], ctx());
    expect(c.likelihood).toBeLessThan(0.2);
  });

  it('falls when the change lands after the onset, and with the lead time', () => {
    const at = (m: number) => correlateChanges([sig({ ts: new Date(m * MIN).toISOString() })], ctx())[0].likelihood;
    expect(at(33)).toBeLessThan(at(30));
    expect(at(5)).toBeLessThan(at(25));
    expect(at(25)).toBeLessThan(at(30));
  });

  it('rises with the service’s prior change-failure rate and its centrality', () => {
    const base = correlateChanges([sig({ ts: new Date(20 * MIN).toISOString() })], ctx())[0].likelihood;
    const risky = correlateChanges([sig({ ts: new Date(20 * MIN).toISOString() })], ctx({ history: { payments: { changes: 10, failures: 6 } } }))[0];
    const central = correlateChanges([sig({ ts: new Date(20 * MIN).toISOString() })], ctx({ centrality: { payments: 1 } }))[0].likelihood;
    expect(risky.factors.priorFailureRate).toBeCloseTo(7 / 12, 4);
    expect(risky.likelihood).toBeGreaterThan(base);
    expect(central).toBeGreaterThan(base);
  });

  it('ignores changes outside the window and signals that are not changes; sorts by likelihood', () => {
    const cs = correlateChanges(
      [
        sig({ id: 'far', ts: new Date(-5 * MIN).toISOString() }),
        sig({ id: 'k8s', kind: 'event', key: 'k8s_event', ts: new Date(29 * MIN).toISOString() }),
        sig({ id: 'calm', labels: { service: 'catalog' }, ts: new Date(29 * MIN).toISOString() }),
        sig({ id: 'hot', ts: new Date(29 * MIN).toISOString() }),
      ],
      ctx(),
    );
    expect(cs.map((c) => c.changeId)).toEqual(['hot', 'calm']);
  });
});

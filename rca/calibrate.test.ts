import { describe, expect, it } from 'vitest';
import type { Signal } from '../core/schemas.js';
import { CURRENT_SETTING, calibrateChangeImpact, likelihoodOf, scoreSetting, type CalibrationCase } from './calibrate.js';
import { correlateChanges } from './changes.js';

const MIN = 60_000;

describe('change-impact calibration', () => {
  it('computes L exactly as change correlation does with the current weights', () => {
    const deploy: Signal = { id: 'd1', orgId: 'o', source: 'argocd', kind: 'deploy', ts: new Date(20 * MIN).toISOString(), key: 'cart', value: null, text: null, labels: { service: 'cart' }, meta: {} };
    const [c] = correlateChanges([deploy], {
      incidentStart: 25 * MIN,
      windowMs: 30 * MIN,
      magnitude: () => 0.6,
      onset: () => 26 * MIN,
      centrality: { cart: 0.3 },
    });
    const L = likelihoodOf({ service: 'cart', leadMinutes: c.leadMinutes, magnitude: 0.6, centrality: 0.3, priorFailureRate: c.factors.priorFailureRate, causal: true }, CURRENT_SETTING);
    expect(L).toBeCloseTo(c.likelihood, 3);
  });

  // Two faults caused by deploys on a service whose own evidence is slightly weaker than a
  // neighbour's, and an innocent deploy on a calm service in a third case.
  const cases: CalibrationCase[] = [
    {
      id: 'deploy-cart',
      truth: 'cart',
      base: [
        { service: 'frontend', score: 0.55, own: 0.5 },
        { service: 'cart', score: 0.5, own: 0.5 },
      ],
      changes: [{ service: 'cart', leadMinutes: 2, magnitude: 0.5, centrality: 0.2, priorFailureRate: 0.15, causal: true }],
    },
    {
      id: 'deploy-auth',
      truth: 'auth',
      base: [
        { service: 'users', score: 0.62, own: 0.6 },
        { service: 'auth', score: 0.6, own: 0.6 },
      ],
      changes: [{ service: 'auth', leadMinutes: 1, magnitude: 0.6, centrality: 0.5, priorFailureRate: 0.15, causal: true }],
    },
    {
      id: 'innocent',
      truth: 'db',
      base: [
        { service: 'db', score: 0.7, own: 0.7 },
        { service: 'search', score: 0.2, own: 0.02 },
      ],
      changes: [{ service: 'search', leadMinutes: 3, magnitude: 0.02, centrality: 0.1, priorFailureRate: 0.15, causal: false }],
    },
  ];

  it('scores a setting by AC@1 of the final ranking and by log-loss', () => {
    const none = scoreSetting(cases, { bias: -20, magnitude: 0, temporal: 0, centrality: 0, tauMinutes: 15 });
    expect(none.ac1).toBeCloseTo(1 / 3, 6); // without change evidence only the innocent case is right
    expect(none.missed).toEqual(['deploy-cart', 'deploy-auth']);
    const good = scoreSetting(cases, { bias: -4, magnitude: 6, temporal: 3, centrality: 0, tauMinutes: 15 });
    expect(good.ac1).toBe(1);
    expect(good.logLoss).toBeLessThan(none.logLoss);
  });

  it('picks a setting that ranks every fault first and separates causal from innocent changes', () => {
    const grid = { bias: [-8, -4, 0], magnitude: [0, 4, 8], temporal: [0, 3], centrality: [0], tauMinutes: [15] };
    const [best] = calibrateChangeImpact(cases, grid);
    expect(best.ac1).toBe(1);
    const L = (c: CalibrationCase) => likelihoodOf(c.changes[0], best.setting);
    expect(L(cases[0])).toBeGreaterThan(0.5);
    expect(L(cases[2])).toBeLessThan(0.5);
    // with three changes the data are separable: the penalty keeps the fit off the steepest weights
    expect(best.setting).not.toMatchObject({ bias: -8, magnitude: 8 });
  });
});

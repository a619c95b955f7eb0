import { describe, expect, it } from 'vitest';
import { nodeSlos } from './node-slo.js';

describe('nodeSlos', () => {
  it.each([
    ['both forms', { slo: { availability: 0.999, p95_ms: 300 }, slos: [{ metric: 'queue_depth', bad: 'up', objective: 100 }] }, { service: { availability: 0.999, p95Ms: 300 }, series: [{ metric: 'queue_depth', bad: 'up', objective: 100 }] }],
    ['the camel-case latency field', { slo: { p95Ms: 250 } }, { service: { availability: undefined, p95Ms: 250 }, series: [] }],
    ['an empty slo object (declared, no objective)', { slo: {} }, { service: { availability: undefined, p95Ms: undefined }, series: [] }],
    ['no SLO attributes', { owner: 'team-a' }, { series: [] }],
    ['no attributes at all', undefined, { series: [] }],
    ['attributes that are not an object', 'fast', { series: [] }],
    ['a bad field dropped on its own', { slo: { availability: 2, p95_ms: 300 } }, { service: { availability: undefined, p95Ms: 300 }, series: [] }],
    ['an availability of exactly 1 (no error budget) dropped', { slo: { availability: 1 } }, { service: { availability: undefined, p95Ms: undefined }, series: [] }],
    ['a text latency dropped', { slo: { p95_ms: '300ms' } }, { service: { availability: undefined, p95Ms: undefined }, series: [] }],
    ['an slo that is not an object', { slo: 'gold' }, { series: [] }],
    [
      'malformed series entries left out, the good ones kept in order',
      { slos: [{ metric: 'x', bad: 'sideways' }, null, { metric: 'a', bad: 'down', name: 'probe ok' }, { bad: 'up' }, { metric: 'b', bad: 'up', objective: 'high' }] },
      { series: [{ metric: 'a', bad: 'down', name: 'probe ok' }, { metric: 'b', bad: 'up', objective: undefined }] },
    ],
    ['slos that is not a list', { slos: { metric: 'a', bad: 'up' } }, { series: [] }],
  ])('%s', (_name, attributes, expected) => {
    expect(nodeSlos(attributes)).toEqual(expected);
  });
});

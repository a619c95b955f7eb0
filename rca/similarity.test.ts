/** Incident similarity: the facets read from stored rows, and the weighted Jaccard score over them. */
import { describe, expect, it } from 'vitest';
import { type FingerprintInput, incidentFingerprint, SIMILARITY_WEIGHTS as W, similarity } from './similarity.js';

type Ev = FingerprintInput['evidence'][number];
const log = (service: string, template: string): Ev => ({ kind: 'log_cluster', summary: `${service} template`, data: { service, template_id: 't', template } });
const change = (service: string, kind: string): Ev => ({ kind: 'change', summary: `${kind} ${service}@2 on ${service}`, data: { change_id: 'c1', service, kind, key: `${service}@2` } });
const fp = (service: string, evidence: Ev[] = [], hypotheses: (string | null)[] = []) =>
  incidentFingerprint({ incident: { service }, evidence, hypotheses: hypotheses.map((s) => ({ service: s })) });

describe('incidentFingerprint', () => {
  it('reads its own service (weighted higher), named services, log templates and change kinds', () => {
    const f = fp(
      'Checkout',
      [
        log('payments', 'Timeout   calling <*> after <*> ms'),
        change('checkout', 'deploy'),
        { kind: 'change', summary: 'flag new-pricing flipped at 09:40', data: { ts: '2026-03-01T09:40:00Z' } }, // no stored kind: the summary's first word
        { kind: 'change', summary: 'something happened', data: {} }, // neither: no kind
        { kind: 'metric_delta', summary: 'orders-db p95 up', data: { service: 'orders-db', metric: 'p95' } },
      ],
      ['checkout', 'payments', null],
    );
    expect(f).toEqual({
      services: { checkout: W.ownService, payments: 1, 'orders-db': 1 },
      templates: { 'Timeout calling <*> after <*> ms': 1 },
      changeKinds: { deploy: 1, flag: 1 },
    });
  });

  it('an incident with no rows is its own service only', () => {
    expect(fp('search')).toEqual({ services: { search: 2 }, templates: {}, changeKinds: {} });
  });
});

describe('similarity', () => {
  const base = fp('checkout', [log('checkout', 'NullPointerException in <*>'), change('checkout', 'deploy')]);
  it.each([
    ['identical incidents', base, 1, { services: ['checkout'], templates: ['NullPointerException in <*>'], changeKinds: ['deploy'] }],
    ['the same service only: the service facet, nothing else', fp('checkout'), W.services, { services: ['checkout'], templates: [], changeKinds: [] }],
    ['the same service and change kind, another template', fp('checkout', [log('checkout', 'disk full on <*>'), change('checkout', 'deploy')]), W.services + W.changeKinds, { services: ['checkout'], templates: [], changeKinds: ['deploy'] }],
    ['nothing shared', fp('search', [change('search', 'config')]), 0, { services: [], templates: [], changeKinds: [] }],
    // services: checkout is the other's own (2) but only named here (1): min 1 / max (2 + 2) = 0.25
    ['another service whose evidence names this one', fp('cart', [log('checkout', 'NullPointerException in <*>')]), W.services * 0.25 + W.templates, { services: ['checkout'], templates: ['NullPointerException in <*>'], changeKinds: [] }],
  ])('%s', (_name, other, score, shared) => {
    const r = similarity(base, other);
    expect(r.score).toBeCloseTo(score, 4);
    expect(r.shared).toEqual(shared);
    expect(similarity(other, base).score).toBe(r.score); // symmetric
  });

  it('two incidents that know nothing but different services score 0, and weights sum to 1', () => {
    expect(similarity(fp('a'), fp('b')).score).toBe(0);
    expect(W.services + W.templates + W.changeKinds).toBeCloseTo(1, 10);
  });
});

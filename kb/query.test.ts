import { describe, expect, it } from 'vitest';
import type { KbIncidentContext } from '../core/ports/index.js';
import { buildQuery, lexicalTerms, snippet } from './query.js';

describe('query building', () => {
  it('keeps content words and compound identifiers, drops stop words and bare numbers', () => {
    expect(lexicalTerms('Pod payments/redis-cache-2 has been in a non-ready state for longer than 15 minutes.')).toEqual([
      'pod', 'payments', 'redis', 'cache', 'non', 'ready', 'state', 'longer', 'minutes',
    ]);
    expect(lexicalTerms('KubePodCrashLooping')).toEqual(['kubepodcrashlooping', 'kube', 'pod', 'crash', 'looping']);
    expect(lexicalTerms('the of and 42 7')).toEqual([]);
    expect(lexicalTerms('a '.repeat(10) + Array.from({ length: 100 }, (_, i) => `w${i}x`).join(' '))).toHaveLength(48);
  });

  it('adds the incident: title, service, alert names and error templates without placeholders', () => {
    const ctx: KbIncidentContext = {
      incident: { id: 'i1', orgId: 'o', title: 'checkout errors', service: 'checkout', severity: 'sev2', status: 'open', startedAt: '', openedAt: '', openedBy: 'x', resolvedAt: null },
      alerts: ['KubePodCrashLooping'],
      templates: ['connection refused to <*>:<:NUM:> after {} retries'],
    };
    const q = buildQuery('why is it down', ctx);
    expect(q.text.split('\n')).toEqual(['why is it down', 'checkout errors', 'checkout', 'KubePodCrashLooping', 'connection refused to : after retries']);
    expect(q.terms).toEqual(['down', 'checkout', 'errors', 'kubepodcrashlooping', 'kube', 'pod', 'crash', 'looping', 'connection', 'refused', 'retries']);
    expect(buildQuery(undefined, null)).toEqual({ text: '', terms: [] });
  });
});

describe('snippet', () => {
  const text = '## Diagnosis\n\nCheck the pods.\nLook for CrashLoopBackOff in the events.\n\nThen restart the deployment.';
  it('picks the lines that share the most query terms, within the limit', () => {
    expect(snippet(text, 'pod crash looping', 320)).toBe('Check the pods. Look for CrashLoopBackOff in the events. Then restart the deployment.');
    expect(snippet(text, 'restart deployment', 30)).toBe('Then restart the deployment.');
    expect(snippet('x'.repeat(1000), 'x', 50)).toHaveLength(50);
  });
});

import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '../../sim/schema.js';
import { incidentCases, loadIncidentCorpus, rankOf, runIncidentSearches, summarize, worstByKind } from './kb-incidents.js';

describe('kb-incidents corpus and cases', () => {
  it('has one labelled runbook per sandbox fault kind, and a library scenario for every kind', () => {
    const { runbooks, labels } = loadIncidentCorpus();
    expect(Object.keys(labels).sort()).toEqual([...FAULT_KINDS].sort());
    expect(new Set(Object.values(labels)).size).toBe(FAULT_KINDS.length);
    expect(runbooks.length).toBeGreaterThanOrEqual(FAULT_KINDS.length + 15);
    const kinds = new Set(incidentCases().map((c) => c.kind));
    expect([...FAULT_KINDS].filter((k) => !kinds.has(k))).toEqual([]);
  });

  it("never names a fault kind's id in a runbook", () => {
    for (const r of loadIncidentCorpus().runbooks) for (const k of FAULT_KINDS) expect(r.text.toLowerCase()).not.toContain(k);
  });
});

describe('scoring', () => {
  it('ranks by file name whatever the folder, 0 when absent', () => {
    expect(rankOf(['runbooks/a.md', 'runbooks/b.md', null], 'b')).toBe(2);
    expect(rankOf(['runbooks/a.md'], 'c')).toBe(0);
  });

  it('summarizes R@1, R@3 and MRR, and takes the worst rank of a kind (absent is worst)', () => {
    expect(summarize([1, 3, 0, 2])).toEqual({ r_at_1: 0.25, r_at_3: 0.75, mrr_at_10: 0.458 });
    const w = worstByKind([{ kind: 'disk_full', rank: 1 }, { kind: 'disk_full', rank: 4 }, { kind: 'dns_failure', rank: 2 }, { kind: 'dns_failure', rank: 0 }]);
    expect(Object.fromEntries(w)).toEqual({ disk_full: 4, dns_failure: 0 });
  });
});

describe('one incident end to end', () => {
  // The whole path the suite scores, on one scenario: replay, analysis, the incident query as
  // GET /v1/search?incident_id= builds it, the rank of the kind's runbook (a name that stopped
  // resolving: the blamed service logs nothing and its error rate falls, so its callers' lines
  // must describe it). ~20 s on a loaded 2-core machine.
  it('puts the DNS runbook in the top 3 for a renamed Service', async () => {
    const [r] = await runIncidentSearches([{ scenario: 'dns-failure-users', kind: 'dns_failure', heldOut: false }]);
    expect(r.verdict).toBe('confident');
    expect(r.top).toBe('users');
    expect(r.ranks.incident).toBeGreaterThanOrEqual(1);
    expect(r.ranks.incident).toBeLessThanOrEqual(3);
    expect(r.query).toMatch(/no such host|ENOTFOUND/);
    expect(r.query).not.toMatch(/customers see errors/);
  }, 180_000);
});

/**
 * The analysis tools on stored data (incident_timeline, analyze_incident, explain_why_not,
 * blast_radius), called through the registry as the agent calls them: ok / no_data / error paths,
 * errors that name the valid values, citations that resolve, a read-only asker who cannot start an
 * analysis, and another org that sees nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Seeded, seed } from '../test-support/tool-fixtures.js';
import { OUTAGE_START, seedOutage } from '../test-support/outage.js';
import { openIncident } from '../usecases/incidents.js';
import { resolveCitations } from './citations.js';
import { READ_ONLY_TOOLS } from './index.js';
import { createRegistry } from './registry.js';
import type { Citation, ToolResult } from './types.js';

/** Runs on both engines: analysis-tools.test.ts (PGlite) and analysis-tools.int.test.ts (Postgres). */
export function analysisToolsContract(engine: 'pglite' | 'postgres'): void {
  describe(`on ${engine}`, () => {
    let s: Seeded;
    let outage: string;
    const reg = createRegistry(READ_ONLY_TOOLS);
    const reader = () => ({ session: s.session(['read']) });
    const planner = () => ({ session: s.session(['read', 'plan']) });
    const foreign = () => ({ session: s.session(['read', 'plan'], 'o2') });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tool data is checked field by field
    const data = (r: ToolResult): any => r.data;

    /** Every citation resolves for the asker's org, and none for another org. */
    async function expectResolvable(citations: Citation[]) {
      expect(citations.length).toBeGreaterThan(0);
      const ok = await resolveCitations(reader(), citations);
      expect(citations.filter((c) => !ok.has(c.id)).map((c) => `${c.kind} ${c.ref}`)).toEqual([]);
      expect(await resolveCitations({ session: s.session(['read'], 'o2') }, citations)).toEqual(new Set());
    }

    beforeAll(async () => {
      s = await seed(engine);
      await seedOutage(s.org);
      outage = (await openIncident(s.session(['read', 'plan']), { title: 'Checkout is slow', service: 'frontend', severity: 'sev2', started_at: OUTAGE_START })).id;
    }, 120_000);
    afterAll(async () => {
      await s.close();
    });

    describe('analyze_incident', () => {
      it('refuses to start an analysis for a read-only asker, and stores nothing', async () => {
        const r = await reg.call('analyze_incident', { incidentId: outage }, reader());
        expect(r.status).toBe('error');
        expect(r.error).toMatch(/has not been analysed yet, and running an analysis needs the "plan" scope/);
        expect(await s.org.latestAnalysis(outage)).toBeNull();
        expect(await s.org.listEvidence(outage)).toEqual([]);
      });

      it('runs and stores the analysis for an asker with "plan", without changing the incident status; then serves the stored one to anyone who reads', async () => {
        const r = await reg.call('analyze_incident', { incidentId: outage, window: '20m' }, planner());
        expect(r.status).toBe('ok');
        const d = data(r);
        expect(d).toMatchObject({ verdict: 'confident', fresh: true, topHypothesis: { id: expect.stringMatching(/^hy_/) } });
        expect(d.ranking[0]).toMatchObject({ rank: 1, service: 'cart' });
        expect(d.ranking.map((x: { service: string }) => x.service).sort()).toEqual(['cart', 'catalog', 'frontend']);
        expect(d.correlations.map((c: { changeId: string }) => c.changeId)).toContain('chg-cart-1');
        expect((await s.org.getIncident(outage))?.status).toBe('open');
        expect(r.citations.map((c) => c.kind)).toEqual(expect.arrayContaining(['analysis', 'hypothesis', 'evidence']));
        await expectResolvable(r.citations);

        const again = await reg.call('analyze_incident', { incidentId: outage }, reader());
        expect(again.status).toBe('ok');
        expect(data(again)).toMatchObject({ analysisId: d.analysisId, fresh: false, verdict: 'confident' });
        expect(data(again).ranking).toEqual(d.ranking);
        // the stored window asked for again is the stored analysis; another window needs "plan"
        expect(data(await reg.call('analyze_incident', { incidentId: outage, window: '20m' }, reader()))).toMatchObject({ fresh: false });
        const other = await reg.call('analyze_incident', { incidentId: outage, window: '2h' }, reader());
        expect(other.status).toBe('error');
        expect(other.error).toMatch(/covers another window, and running an analysis needs the "plan" scope/);
      });

      it('names the valid values on bad input and unknown incidents; another org sees nothing', async () => {
        const bad = await reg.call('analyze_incident', { incidentId: outage, window: 'soon' }, planner());
        expect(bad.error).toMatch(/window: a duration such as "30m", "1h" or "1h30m".*Valid fields: incidentId \(string\); window \(string, optional\)/);
        const unknown = await reg.call('analyze_incident', { incidentId: '01JNOSUCHINCIDENT000000000' }, planner());
        expect(unknown.error).toMatch(new RegExp(`^No incident 01JNOSUCHINCIDENT000000000\\. Recent incidents: .*${outage} \\(frontend, open: Checkout is slow\\)`));
        const theirs = await reg.call('analyze_incident', { incidentId: outage }, foreign());
        expect(theirs).toMatchObject({ status: 'error', error: expect.stringMatching(/^No incident .* There are no incidents\./) });
      });
    });

    describe('explain_why_not', () => {
      it('says there is no analysis yet (no_data) for an incident never analysed', async () => {
        const r = await reg.call('explain_why_not', { incidentId: s.search, service: 'search' }, reader());
        expect(r.status).toBe('no_data');
        expect(data(r).message).toMatch(/call analyze_incident first/);
      });

      it.each([
        ['the top suspect', 'cart', 'top'],
        ['a caller that suffered from it', 'frontend', 'ruled_out'],
        ['a calm service ranked last', 'catalog', 'ruled_out'],
      ])('explains %s (%s) with reasons, evidence and a citable analysis', async (_what, service, verdict) => {
        const r = await reg.call('explain_why_not', { incidentId: outage, service }, reader());
        expect(r.status).toBe('ok');
        const d = data(r);
        expect(d).toMatchObject({ service, verdict, rank: expect.any(Number), score: expect.any(Number), top: { service: 'cart', statement: expect.any(String) } });
        expect(d.reasons.length).toBeGreaterThan(0);
        if (verdict !== 'top') expect(d.reasons[0]).toMatch(new RegExp(`^ranked #${d.rank} of 3 with score .* for cart$`));
        if (service === 'cart') expect(d.supporting.some((x: { id: string }) => x.id.startsWith('ev_'))).toBe(true);
        await expectResolvable(r.citations);
      });

      it('tells why the suffering caller is not the cause: it is explained by its dependency, the evidence against it says so', async () => {
        const d = data(await reg.call('explain_why_not', { incidentId: outage, service: 'FRONTEND' }, reader()));
        expect(d.service).toBe('frontend');
        expect(d.reasons.join(' ')).toMatch(/cart/);
      });

      it('names the services the analysis saw for one it never saw; an unknown incident and another org get errors', async () => {
        const r = await reg.call('explain_why_not', { incidentId: outage, service: 'payments' }, reader());
        expect(r).toMatchObject({ status: 'error', error: `The analysis of ${outage} never saw a service "payments". Services it saw: cart, catalog, frontend.` });
        expect((await reg.call('explain_why_not', { incidentId: 'nope', service: 'cart' }, reader())).error).toMatch(/^No incident nope\. Recent incidents:/);
        expect((await reg.call('explain_why_not', { incidentId: outage, service: 'cart' }, foreign())).status).toBe('error');
      });
    });

    describe('blast_radius', () => {
      it('gives the origin and every service that depends on it, from the stored analysis', async () => {
        const r = await reg.call('blast_radius', { incidentId: outage }, reader());
        expect(r.status).toBe('ok');
        const d = data(r);
        expect(d.origin).toBe('cart');
        expect(d.incident.id).toBe(outage);
        expect(d.impacted).toEqual([expect.objectContaining({ service: 'frontend', depth: 1, via: ['frontend', 'cart'], entryPoint: true, evidence: expect.stringMatching(/^client_latency_p95_ms moved \d+\.\d\dσ, impact \d\.\d\d$/) })]);
        expect(d.analysisId).toMatch(/^an_/);
        expect(r.citations.map((c) => c.kind).sort()).toEqual(['analysis', 'incident']);
        await expectResolvable(r.citations);
      });

      it('has no data before an analysis, and an error for an unknown incident or another org', async () => {
        const r = await reg.call('blast_radius', { incidentId: s.search }, reader());
        expect(r.status).toBe('no_data');
        expect(data(r).message).toMatch(/call analyze_incident first/);
        expect((await reg.call('blast_radius', { incidentId: outage }, foreign())).status).toBe('error');
        expect((await reg.call('blast_radius', {}, reader())).error).toMatch(/Valid fields: incidentId \(string\)/);
      });
    });

    describe('incident_timeline', () => {
      it('lists the incident\'s events oldest first, each citing its row', async () => {
        const r = await reg.call('incident_timeline', { incidentId: outage, limit: 200 }, reader());
        expect(r.status).toBe('ok');
        const d = data(r);
        expect(d.incident.id).toBe(outage);
        const at = d.events.map((e: { at: string }) => e.at);
        expect(at).toEqual([...at].sort());
        const kinds = new Set(d.events.map((e: { kind: string }) => e.kind));
        for (const k of ['opened', 'change', 'evidence', 'hypothesis', 'analysis']) expect(kinds.has(k), k).toBe(true);
        // incident, evidence, hypothesis and analysis citations resolve here; anomaly and change ones follow the shared refs
        const local = r.citations.filter((c) => c.kind !== 'anomaly' && c.kind !== 'change');
        await expectResolvable(local);
        expect(r.citations.find((c) => c.kind === 'change')).toEqual(expect.objectContaining({ id: 'chg-cart-1', ref: '/v1/changes/chg-cart-1' }));
        // the hand-seeded incident: its evidence and hypotheses
        const seeded = await reg.call('incident_timeline', { incidentId: s.checkout }, reader());
        expect(data(seeded).events.map((e: { id: string }) => e.id)).toEqual(expect.arrayContaining([s.checkout, s.ev.deploy, s.hyp.deploy]));
        expect(JSON.stringify(seeded)).not.toContain('hunter2-Very-Secret-77');
      });

      it('bounds the events, names the valid limit, and errs for an unknown incident or another org', async () => {
        const r = await reg.call('incident_timeline', { incidentId: outage, limit: 2 }, reader());
        expect(data(r).events).toHaveLength(2);
        expect(data(r).omitted).toBeGreaterThan(0);
        expect((await reg.call('incident_timeline', { incidentId: outage, limit: 500 }, reader())).error).toMatch(/limit \(integer, 1–200, optional\)/);
        expect((await reg.call('incident_timeline', { incidentId: 'nope' }, reader())).error).toMatch(/^No incident nope\./);
        expect((await reg.call('incident_timeline', { incidentId: outage }, foreign())).status).toBe('error');
      });
    });
  });
}

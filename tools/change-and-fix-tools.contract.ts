/**
 * list_changes, similar_incidents and draft_fix_plan on stored data, through the registry (so
 * validation, masking and bounds apply): ok / no_data / error paths, errors that name the valid
 * values, citations that all resolve, another org that sees nothing, and a draft that stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFix } from '../usecases/fix.js';
import { openIncident } from '../usecases/incidents.js';
import { seedChanges, type SeededPast, seedPastIncidents } from '../test-support/misc-tool-fixtures.js';
import { footprint, type Seeded, seed } from '../test-support/tool-fixtures.js';
import { resolveCitations } from './citations.js';
import { READ_ONLY_TOOLS } from './index.js';
import { createRegistry } from './registry.js';
import { refs, type ToolContext, type ToolResult } from './types.js';

/** Runs on both engines: change-and-fix-tools.test.ts (PGlite) and change-and-fix-tools.int.test.ts (Postgres). */
export function changeAndFixToolsContract(engine: 'pglite' | 'postgres'): void {
  describe(`on ${engine}`, () => {
    let s: Seeded;
    let past: SeededPast;
    let sig: Awaited<ReturnType<typeof seedChanges>>;
    const reg = createRegistry(READ_ONLY_TOOLS);
    const asker = (orgId = 'o1'): ToolContext => ({ session: s.session(['read'], orgId) });
    const call = (name: string, args: unknown, ctx = asker()) => reg.call(name, args, ctx);

    beforeAll(async () => {
      s = await seed(engine);
      past = await seedPastIncidents(s);
      sig = await seedChanges(s);
    });
    afterAll(async () => {
      await s.close();
    });

    /** Every citation of a result resolves for the asker (the agent's guard would keep them all). */
    async function expectAllResolve(r: ToolResult, ctx = asker()) {
      expect(r.citations.length).toBeGreaterThan(0);
      expect([...(await resolveCitations(ctx, r.citations))].sort()).toEqual(r.citations.map((c) => c.id).sort());
    }

    type Changes = { changes: { id: string; kind: string }[] };

    describe('list_changes', () => {
      it("lists an incident's changes from an hour before its start to now, oldest first, with what changed; never warnings, metrics, older or another org's", async () => {
        const r = await call('list_changes', { incidentId: s.checkout });
        expect(r.status).toBe('ok');
        const { changes } = r.data as Changes;
        expect(changes.map((c) => c.id)).toEqual([sig.olderDeploy, sig.deploy, sig.flag, sig.config]);
        expect(changes[1]).toEqual({ id: sig.deploy, changeId: 'gh-deploy-42', at: '2026-03-01T09:30:00.000Z', kind: 'deploy', key: 'checkout@v42', service: 'checkout', text: 'deploy checkout v42' });
        expect(changes.map((c) => c.kind)).toEqual(['deploy', 'deploy', 'flag', 'config']);
        expect(r.citations.map((c) => [c.kind, c.id, c.ref])).toEqual(changes.map((c) => ['change', c.id, refs.change(c.id)]));
        await expectAllResolve(r);
      });

      it.each([
        ['a service', { incidentId: 'INC', service: 'cart' }, ['flag']],
        ['a limit (the oldest first)', { incidentId: 'INC', limit: 2 }, ['olderDeploy', 'deploy']],
        ['an explicit window without an incident', { from: '2026-03-01T09:20:00Z', to: '2026-03-01T09:45:00Z' }, ['deploy', 'flag']],
        ['an explicit end overriding the incident window', { incidentId: 'INC', to: '2026-03-01T09:35:00Z' }, ['olderDeploy', 'deploy']],
      ])('narrows to %s', async (_n, args, want) => {
        const r = await call('list_changes', JSON.parse(JSON.stringify(args).replace('"INC"', JSON.stringify(s.checkout))));
        expect((r.data as Changes).changes.map((c) => c.id)).toEqual(want.map((k) => sig[k as keyof typeof sig]));
      });

      it('answers no_data for a window without changes', async () => {
        const r = await call('list_changes', { from: '2026-03-01T06:00:00Z', to: '2026-03-01T07:00:00Z' });
        expect(r).toEqual({ status: 'no_data', data: { changes: [] }, citations: [] });
      });

      it.each([
        ['an unknown incident, naming the recent ones', { incidentId: '01JNOSUCHINCIDENT000000000' }, /^No incident 01JNOSUCHINCIDENT000000000\. Recent incidents: .*Checkout 5xx errors.*Call list_incidents/],
        ['a window that ends before it starts', { from: '2026-03-01T10:00:00Z', to: '2026-03-01T09:00:00Z' }, /^from \(2026-03-01T10:00:00Z\) must be before to \(2026-03-01T09:00:00Z\)\.$/],
        ['a limit out of range, naming the valid fields', { limit: 0 }, /limit \(integer, 1–100, optional\)/],
        ['a time that is not ISO-8601', { from: 'yesterday' }, /^Invalid arguments for list_changes: from: .*Valid fields: incidentId .*from \(string, optional\)/],
      ])('errs on %s', async (_n, args, msg) => {
        const r = await call('list_changes', args);
        expect(r.status).toBe('error');
        expect(r.error).toMatch(msg);
      });

      it("another org sees none of o1's changes, and o1's change citations do not resolve for it", async () => {
        const mine = await call('list_changes', { from: '2026-03-01T09:00:00Z', to: '2026-03-01T10:00:00Z' }, asker('o2'));
        expect((mine.data as Changes).changes.map((c) => c.id)).toEqual([sig.foreign]);
        expect((await call('list_changes', { incidentId: s.checkout }, asker('o2'))).status).toBe('error');
        const o1 = await call('list_changes', { incidentId: s.checkout });
        expect(await resolveCitations(asker('o2'), o1.citations)).toEqual(new Set());
      });

      it('a change citation resolves only for a change of the asker, under its own ref', async () => {
        const c = (id: string, ref = refs.change(id)) => ({ id, kind: 'change' as const, title: id, ref });
        expect(await resolveCitations(asker(), [c(sig.deploy), c(sig.config)])).toEqual(new Set([sig.deploy, sig.config]));
        for (const bad of [c(sig.warning), c(sig.metric), c(sig.foreign), c('sig_nope'), c(sig.deploy, refs.change(sig.flag)), c(sig.deploy, `/v1/incidents/${sig.deploy}`)])
          expect(await resolveCitations(asker(), [bad]), bad.ref).toEqual(new Set());
        expect(await resolveCitations({ session: s.session(['ingest']) }, [c(sig.deploy)])).toEqual(new Set());
      });
    });

    type Similar = { similar: { incident: { id: string; status: string }; score: number; shared: unknown; fix: unknown }[] };

    describe('similar_incidents', () => {
      it('ranks past incidents by what they share, each with its status and latest fix plan', async () => {
        const r = await call('similar_incidents', { incidentId: s.checkout });
        expect(r.status).toBe('ok');
        const { similar } = r.data as Similar;
        expect(similar.map((x) => x.incident.id)).toEqual([past.rollback, past.sameService]);
        expect(similar[0]).toMatchObject({
          incident: { status: 'resolved', service: 'checkout' },
          shared: { services: ['checkout'], templates: [], changeKinds: ['deploy'] },
          fix: { planId: past.plans.rollback, title: 'Roll back checkout (deploy 7 preceded the incident)', status: 'dry_run', steps: ['Roll back checkout in namespace shop'] },
        });
        expect(similar[0].score).toBeGreaterThan(similar[1].score);
        expect(similar[1].fix).toBeNull();
        expect(r.citations.map((c) => c.kind)).toEqual(['incident', 'incident', 'incident']);
        await expectAllResolve(r);
      });

      it('answers no_data when nothing is alike, and honours the limit', async () => {
        const none = await call('similar_incidents', { incidentId: s.search });
        expect(none.status).toBe('no_data');
        expect((none.data as Similar).similar).toEqual([]);
        const one = await call('similar_incidents', { incidentId: s.checkout, limit: 1 });
        expect((one.data as Similar).similar.map((x) => x.incident.id)).toEqual([past.rollback]);
      });

      it.each([
        ['an unknown incident', { incidentId: 'nope' }, /^No incident nope\. Recent incidents: .*Call list_incidents/],
        ['a limit above 10', { incidentId: 'x', limit: 11 }, /limit \(integer, 1–10, optional\)/],
        ['a missing incident id', {}, /incidentId \(string\)/],
      ])('errs on %s', async (_n, args, msg) => {
        const r = await call('similar_incidents', args);
        expect(r.status).toBe('error');
        expect(r.error).toMatch(msg);
      });

      it("another org cannot ask about o1's incident, and its own incident matches none of o1's", async () => {
        expect((await call('similar_incidents', { incidentId: s.checkout }, asker('o2'))).status).toBe('error');
        const r = await call('similar_incidents', { incidentId: past.foreign }, asker('o2'));
        expect(r.status).toBe('no_data');
        expect(JSON.stringify(r.data)).not.toContain(past.rollback);
      });
    });

    type Draft = { draft: { title: string; risk: string; steps: { description: string; command?: string }[] }; why: string; stored: boolean };

    describe('draft_fix_plan', () => {
      const plansAndAudit = async () => ({
        plans: (await s.opened.admin.exec('SELECT count(*)::int AS n FROM fix_plans')).rows[0].n,
        audit: (await s.opened.admin.exec('SELECT count(*)::int AS n FROM audit_log')).rows[0].n,
        footprint: await footprint(s),
      });

      it('drafts the rollback of the deploy before the incident, says why with the ids to cite, and stores and audits nothing', async () => {
        const before = await plansAndAudit();
        const r = await call('draft_fix_plan', { incidentId: s.checkout, namespace: 'shop' });
        expect(r.status).toBe('ok');
        const d = r.data as Draft;
        expect(d.draft).toEqual({
          title: 'Roll back checkout (deploy v42 preceded the incident)',
          risk: 'medium',
          steps: [{ description: 'Roll back checkout in namespace shop', command: 'kubectl rollout undo deployment/checkout -n shop' }],
        });
        expect(d.stored).toBe(false);
        expect(d.why).toBe(
          `Undo deploy checkout@v42 of service checkout at 2026-03-01T09:30:00.000Z (change ${sig.deploy}), the most recent deploy of checkout in the hour before incident ${s.checkout} started at 2026-03-01T09:45:00.000Z.`,
        );
        expect(r.citations.map((c) => [c.kind, c.id])).toEqual([['incident', s.checkout], ['change', sig.deploy]]);
        await expectAllResolve(r);
        expect(await plansAndAudit()).toEqual(before);
        expect(before.plans).toBeGreaterThan(0); // the count is real: the past incidents' plans are there
      });

      it('drafts a restart when no deploy preceded the incident, in the default namespace', async () => {
        const r = await call('draft_fix_plan', { incidentId: s.search });
        const d = r.data as Draft;
        expect(d.draft.steps).toEqual([{ description: 'Restart search in namespace default', command: 'kubectl rollout restart deployment/search -n default' }]);
        expect(d.why).toBe(`Restart: no deploy of search was found between 2026-03-01T08:50:00.000Z and incident ${s.search}'s start at 2026-03-01T09:50:00.000Z, so there is no change to undo.`);
        expect(r.citations.map((c) => c.kind)).toEqual(['incident']);
        await expectAllResolve(r);
      });

      it.each([
        ['an unknown incident', () => ({ incidentId: 'nope' }), /^No incident nope\. Recent incidents: /],
        ['a namespace that is not a Kubernetes name', () => ({ incidentId: s.checkout, namespace: 'Prod NS' }), /namespace: a Kubernetes name: lowercase letters, digits and dashes\. Valid fields: incidentId \(string\); namespace \(string, optional\)/],
        ["another org's incident", () => ({ incidentId: s.checkout }), /^No incident /, 'o2'],
      ])('errs on %s', async (_n, args, msg, orgId = 'o1') => {
        const r = await call('draft_fix_plan', args(), asker(orgId));
        expect(r.status).toBe('error');
        expect(r.error).toMatch(msg);
      });

      it('errs, naming the rule, for an incident whose service is no Kubernetes name', async () => {
        const odd = await openIncident(s.session(['read', 'plan']), { title: 'Payments API down', service: 'Payments API', severity: 'sev3' });
        const r = await call('draft_fix_plan', { incidentId: odd.id });
        expect(r.error).toBe('"Payments API" in "default" is not a valid Kubernetes name: the service and namespace must be lowercase letters, digits and dashes; no plan can be drafted for this incident.');
      });

      it('is the draft planFix stores', async () => {
        const d = (await call('draft_fix_plan', { incidentId: s.checkout, namespace: 'shop' })).data as Draft;
        const plan = await planFix(s.session(['read', 'plan']), { incidentId: s.checkout, env: 'staging', runner: 'dryrun', namespace: 'shop' });
        expect({ title: plan.title, risk: plan.risk, commands: plan.steps.map((st) => st.command) }).toEqual({ title: d.draft.title, risk: d.draft.risk, commands: d.draft.steps.map((st) => st.command) });
        expect(plan.steps[0].params).toMatchObject({ deploySignalId: sig.deploy });
      });
    });
  });
}

/**
 * The use cases outside HTTP, as the agent's tools and the chat bots will call them: a chat
 * principal with its own scopes, on the embedded store, through `directSession`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import type { OrgStore, OutboxMessage } from '../core/ports/index.js';
import type { Scope } from '../core/schemas.js';
import { DEFAULT_SECRET_MASKS } from '../detectors/secrets.js';
import { dryRunRunner } from '../remediate/runners/dryrun.js';
import { type OpenedStore } from '../store/index.js';
import { memoryAnalysisCache } from './analysis-cache.js';
import type { AnalysisResult } from '../rca/types.js';
import { AnalyzeInput, analyzeIncident } from './analyze.js';
import { readAudit, verifyAudit } from './audit.js';
import { decideFix, executeFix, planFix } from './fix.js';
import { createApiKey, revokeApiKey } from './keys.js';
import { changeIncidentStatus, getIncident, openIncident } from './incidents.js';
import { actorOf, type Principal } from './principal.js';
import { directSession, type UseCaseDeps } from './session.js';
import { closeOpened, openPgliteOrg } from '../test-support/pglite-org.js';

let opened: OpenedStore;
let org: OrgStore;
let n = 0;
/** The orgs the recording runner was asked to act for: a tenant-bound runner (the sandbox) refuses any other. */
const seenOrgs: string[] = [];
const published: OutboxMessage[] = [];
const deps: UseCaseDeps = {
  clock: new ManualClock(Date.parse('2026-03-01T10:00:00Z')),
  newId: () => `id_${String(++n).padStart(4, '0')}`,
  masks: DEFAULT_SECRET_MASKS,
  runners: { dryrun: dryRunRunner, recording: { name: 'recording', execute: async (_step, ctx) => (seenOrgs.push(ctx.orgId), { exitCode: 0, output: 'done' }) } },
  analysisCache: memoryAnalysisCache(),
};
const chat = (userId: string, scopes: Scope[]): Principal => ({ orgId: 'o1', userId, scopes, via: 'chat', ref: `slack:U${userId}` });
const session = (p: Principal) => directSession(p, org, deps, (msgs) => published.push(...msgs));

beforeAll(async () => ({ opened, org } = await openPgliteOrg()));
afterAll(() => closeOpened(opened));

describe('use cases called directly (chat principal)', () => {
  it('refuses a principal without the scope, whatever surface it came from', async () => {
    const reader = session(chat('rita', ['read']));
    await expect(openIncident(reader, { title: 'x', service: 'checkout', severity: 'sev2' })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/Your Warroom role lacks the "plan" scope/) });
  });

  it('opens an incident: masked title, audited as the chat user, message published after the commit', async () => {
    const s = session(chat('alice', ['read', 'plan']));
    const inc = await openIncident(s, { title: 'checkout down, token=ghp_abcdefghijklmnopqrstuvwxyz0123456789', service: 'checkout', severity: 'sev2' });
    expect(inc.title).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    expect(inc.openedBy).toBe('user:alice');
    expect(published.map((m) => [m.subject, (m.payload as { incidentId: string }).incidentId])).toContainEqual(['incident.updated', inc.id]);
    const audit = await org.listAudit({ limit: 100 });
    expect(audit.find((e) => e.action === 'incident.opened' && e.target === `incident:${inc.id}`)?.actor).toBe('user:alice');
    expect((await getIncident(s, inc.id)).id).toBe(inc.id);
    await expect(changeIncidentStatus(s, inc.id, { status: 'closed' })).resolves.toMatchObject({ status: 'closed' });
    await expect(changeIncidentStatus(s, inc.id, { status: 'open' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('keeps four-eyes in the use case: the requester cannot approve a prod plan; another approver can; a dry run reports dry_run', async () => {
    const alice = session(chat('alice', ['read', 'plan', 'approve']));
    const bob = session(chat('bob', ['read', 'approve']));
    await org.transaction(async (tx) => {
      await tx.insertSignals([{ id: 'sg_d1', orgId: 'o1', source: 'ci', kind: 'deploy', ts: '2026-03-01T09:40:00.000Z', key: 'payments', text: 'deploy payments v2', labels: { service: 'payments', version: 'v2' }, meta: {}, ingestedAt: '2026-03-01T09:40:01.000Z' }] as never);
    });
    const inc = await openIncident(alice, { title: 'payments errors', service: 'payments', severity: 'sev2', started_at: '2026-03-01T09:45:00.000Z' });
    const plan = await planFix(alice, { incidentId: inc.id, env: 'prod', runner: 'dryrun', namespace: 'shop' });
    expect(plan.requestedBy).toBe('alice');
    expect(plan.expectWithinMinutes).toBeNull(); // the thin planner (no analysis) gives no expectation
    await expect(decideFix(alice, { planId: plan.id, decision: 'approve' })).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/Four-eyes/) });
    const decided = await decideFix(bob, { planId: plan.id, decision: 'approve' });
    expect(decided.plan.status).toBe('approved');
    const run = await executeFix(bob, { planId: plan.id });
    expect(run.plan.status).toBe('dry_run');
    expect(run.commands.map((c) => c.status)).toEqual(run.plan.steps.map(() => 'simulated'));
    await expect(executeFix(bob, { planId: plan.id })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/^The plan is dry_run now;/) });
    const actions = (await org.listAudit({ limit: 100 })).filter((e) => e.target === `plan:${plan.id}`).map((e) => `${e.action} ${e.actor}`);
    expect(actions).toEqual(['fix.planned user:alice', 'fix.approved user:bob', 'fix.preflight user:bob', 'fix.executing user:bob', 'fix.dry_run user:bob']);
  });

  it('keeps keys and the audit chain to admins, and audits who issued and revoked a key', async () => {
    const responder = session(chat('rita', ['read', 'plan', 'approve']));
    await expect(readAudit(responder, { afterSeq: 0, limit: 10 })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(createApiKey(responder, { keyName: 'ci', user: { id: 'ci', name: 'CI', role: 'viewer' }, scopes: ['read'] })).rejects.toMatchObject({ code: 'forbidden' });
    const admin = session(chat('ada', ['admin']));
    const k = await createApiKey(admin, { keyName: 'ci', user: { id: 'ci', name: 'CI', role: 'viewer' }, scopes: ['read'] });
    expect(k.key).toMatch(/^wr_/);
    await expect(revokeApiKey(admin, k.id)).resolves.toEqual({ id: k.id });
    await expect(revokeApiKey(admin, k.id)).rejects.toMatchObject({ code: 'not_found' });
    const entries = (await readAudit(admin, { afterSeq: 0, limit: 1000 })).filter((e) => e.target === `apikey:${k.id}`);
    expect(entries.map((e) => `${e.action} ${e.actor}`)).toEqual(['apikey.created user:ada', 'apikey.revoked user:ada']);
    expect(JSON.stringify(entries)).not.toContain(k.key);
    const verified = await verifyAudit(admin);
    expect(verified.problems).toEqual([]);
    // this store signs nothing, so the commands the earlier tests ran are reported unsigned, and the audit is not ok
    expect(verified.commands.key).toBeNull();
    expect(verified.commands.orgs[0].problems.every((p) => p.problem === 'unsigned')).toBe(true);
    expect(verified.ok).toBe(verified.commands.orgs[0].commands === 0);
  });

  it('runs every step for the org of the person who executes, so a tenant-bound runner can refuse other orgs', async () => {
    const alice = session(chat('alice', ['read', 'plan', 'approve']));
    const bob = session(chat('bob', ['read', 'approve']));
    const inc = await openIncident(alice, { title: 'payments slow', service: 'payments', severity: 'sev3' });
    const plan = await planFix(alice, { incidentId: inc.id, env: 'staging', runner: 'recording', namespace: 'shop' });
    await decideFix(bob, { planId: plan.id, decision: 'approve' });
    const run = await executeFix(bob, { planId: plan.id });
    expect(run.plan.status).toBe('executed');
    expect(seenOrgs).toEqual(plan.steps.map(() => 'o1'));
  });

  it('retitles a detector-opened incident when analysis blames another service, takes it back when it no longer does, and leaves a person\'s title alone', async () => {
    const s = session(chat('alice', ['read', 'plan']));
    const opened = await org.openIncident({ id: 'inc_detected', title: 'http_error_rate at 11.8% on checkout', service: 'checkout', severity: 'sev2', startedAt: '2026-03-01T09:30:00.000Z', openedAt: '2026-03-01T09:31:00.000Z', openedBy: 'detector' });
    const verdict = (top: string | null) => (() => ({
      window: { from: 0, to: 1, baselineFrom: null, baselineTo: 0 },
      metricDeltas: [], anomaliesBySeries: {}, services: [], logClusters: [],
      topology: { nodes: [], edges: [], inferred: true, centrality: {} }, correlations: [],
      blastRadius: { root: top, impacted: [], entryPoints: [], slos: [] },
      ranking: top ? [{ service: top, score: 1 }] : [],
      evidence: top ? [{ id: 'e1', kind: 'metric_delta', summary: `${top} error rate up`, ref: null, data: { baselineMedian: 0.001 } }] : [],
      hypotheses: top ? [{ rank: 1, statement: `${top} is the likely root cause`, confidence: 0.8, service: top, changeId: null, evidenceIds: ['e1'], counterEvidence: [], whyNot: [] }] : [],
      verdict: top ? 'confident' : 'no confident hypothesis',
      notes: [],
    }) as unknown as AnalysisResult);
    const blamed = await analyzeIncident(s, opened.id, AnalyzeInput.parse({}), verdict('payments'));
    expect(blamed.evidence[0].data).toEqual({ baseline_median: 0.001 });
    expect((await org.getIncident(opened.id))?.title).toBe('http_error_rate at 11.8% on checkout — likely cause: payments');
    deps.analysisCache.clear();
    await analyzeIncident(s, opened.id, AnalyzeInput.parse({}), verdict(null));
    expect((await org.getIncident(opened.id))?.title).toBe('http_error_rate at 11.8% on checkout');
    const revisions = (await org.listAudit({ limit: 1000 })).filter((e) => e.action === 'incident.revised' && e.target === `incident:${opened.id}`);
    expect(revisions.map((e) => (e.payload.to as { title: string }).title)).toEqual(['http_error_rate at 11.8% on checkout — likely cause: payments', 'http_error_rate at 11.8% on checkout']);
    const mine = await openIncident(s, { title: 'checkout is down', service: 'checkout', severity: 'sev2', started_at: '2026-03-01T09:30:00.000Z' });
    deps.analysisCache.clear();
    await analyzeIncident(s, mine.id, AnalyzeInput.parse({}), verdict('payments'));
    expect((await org.getIncident(mine.id))?.title).toBe('checkout is down');
  });

  it('names Warroom itself as a system actor', () => {
    expect(actorOf({ orgId: 'o1', userId: 'detector', scopes: ['admin'], via: 'system' })).toBe('system:detector');
  });
});

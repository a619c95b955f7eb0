/**
 * GET /v1/policies, PUT and DELETE /v1/policies/{name}: an admin stores the org's own Cedar
 * policies (422 with line and column when they do not validate), a reader lists them with the
 * built-in ones, and the preflight of the next plan is decided by them.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dryRunRunner } from '../../remediate/runners/dryrun.js';
import { TEST_ORG, startTestApi, type TestApi } from '../../test-support/analyze-harness.js';

let api: TestApi;
let sreKey: string;
beforeAll(async () => {
  api = await startTestApi('pglite', { runners: { dryrun: dryRunRunner } });
  const k = await api.client().post('/v1/api-keys', { name: 'sam', user: { id: 'sam', name: 'Sam', role: 'sre' }, scopes: ['read', 'plan', 'approve'] });
  expect(k.status).toBe(201);
  sreKey = k.body.key;
});
afterAll(async () => api?.stop());

const FREEZE = '@id("org-no-search")\n@reason("search is frozen for the migration")\nforbid(principal, action, resource)\nwhen { resource.service == "search" };\n';
const put256 = () => createHash('sha256').update(FREEZE).digest('hex');

describe('/v1/policies', () => {
  it('PUT stores a set for an admin only; a reader lists it after the built-in one', async () => {
    const denied = await api.client(sreKey).put('/v1/policies/freeze', { text: FREEZE });
    expect([denied.status, denied.body.required_scope]).toEqual([403, 'admin']);
    const put = await api.client().put('/v1/policies/freeze', { text: FREEZE });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ created: true, warnings: [], policy_set: { name: 'freeze', source: 'org', read_only: false, ids: ['org-no-search'], updated_by: 'user:admin' } });
    const list = await api.client(sreKey).get('/v1/policies');
    expect(list.status).toBe(200);
    expect(list.body.policies.map((p: { name: string; source: string; read_only: boolean }) => [p.name, p.source, p.read_only])).toEqual([['default', 'built-in', true], ['freeze', 'org', false]]);
  });

  it('PUT answers 422 with the line and column of a syntax or schema error, and 409 for a built-in name', async () => {
    const bad = await api.client().put('/v1/policies/broken', { text: '@id("t")\nforbid(principal, action, resource)\nunless { context.ticket == "CHG-1" };' });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toMatch(/problem\+json/);
    expect(bad.body.problems).toEqual([{ line: 3, column: 10, message: 'for policy "t", attribute `ticket` in context not found', help: 'did you mean `risk`?', policy: 't' }]);
    expect(bad.body.errors).toEqual([{ path: 'text', message: 'line 3, column 10: for policy "t", attribute `ticket` in context not found (did you mean `risk`?)' }]);
    const syntax = await api.client().put('/v1/policies/broken', { text: 'permit(principal, action' });
    expect([syntax.status, syntax.body.problems[0].line, syntax.body.problems[0].column]).toEqual([422, 1, 25]);
    expect((await api.client().put('/v1/policies/default', { text: FREEZE })).status).toBe(409);
    expect((await api.client().put('/v1/policies/Not%20A%20Name', { text: FREEZE })).status).toBe(422);
    expect((await api.client().put('/v1/policies/x', { text: FREEZE, extra: 1 })).status).toBe(422);
  });

  it("the next preflight is decided by the org's set; DELETE removes it (admin only, 404 when gone), audited", async () => {
    const c = api.client();
    const inc = await c.post('/v1/incidents/open', { title: 'search errors', service: 'search' });
    const plan = await c.post('/v1/fix/plan', { incident_id: inc.body.id, env: 'staging', namespace: 'shop' });
    expect(plan.status).toBe(201);
    const pf = await c.post('/v1/fix/preflight', { plan_id: plan.body.id });
    const policy = pf.body.gates.find((g: { name: string }) => g.name === 'policy');
    expect([policy.passed, policy.reason]).toEqual([false, 'denied: org-no-search: "search is frozen for the migration"']);

    expect((await api.client(sreKey).delete('/v1/policies/freeze')).status).toBe(403);
    const del = await c.delete('/v1/policies/freeze');
    expect([del.status, del.body.name, del.body.deleted]).toEqual([200, 'freeze', true]);
    expect((await c.delete('/v1/policies/freeze')).status).toBe(404);
    expect((await c.delete('/v1/policies/default')).status).toBe(409);
    const again = await c.post('/v1/fix/preflight', { plan_id: plan.body.id });
    expect(again.body.gates.find((g: { name: string }) => g.name === 'policy').passed).toBe(true);

    const audit = await api.org.listAuditFor('policy:freeze');
    expect(audit.map((e) => [e.action, (e.payload as { sha256: string }).sha256])).toEqual([
      ['policy.put', put256()],
      ['policy.deleted', put256()],
    ]);
    expect(audit[0].orgId).toBe(TEST_ORG);
  });

  it('the OpenAPI document describes the three routes', async () => {
    const doc = (await api.client().get('/v1/openapi.json')).body;
    expect(Object.keys(doc.paths['/v1/policies'])).toEqual(['get']);
    expect(Object.keys(doc.paths['/v1/policies/{name}']).sort()).toEqual(['delete', 'put']);
    expect(doc.paths['/v1/policies/{name}'].put['x-required-scope']).toBe('admin');
    expect(Object.keys(doc.paths['/v1/policies/{name}'].put.requestBody.content['application/json'].schema.properties)).toEqual(['text']);
    expect(doc.paths['/v1/policies/{name}'].delete.requestBody).toBeUndefined();
  });
});

/**
 * /v1/users over HTTP: people, their roles and the chat identities that map to them. Runs on
 * PGlite (users.test.ts) and Postgres (users.int.test.ts), where a refused write aborts the
 * request's transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test-support/analyze-harness.js';

export function usersRoutesContract(engine: 'pglite' | 'postgres'): void {
  describe(`/v1/users (${engine})`, () => {
    let api: TestApi;
    let readerKey: string;
    const patch = (path: string, body: unknown, key = api.apiKey) =>
      api.client(key).raw(path, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });

    beforeAll(async () => {
      api = await startTestApi(engine);
      const k = await api.client().post('/v1/api-keys', { name: 'reader', user: { id: 'rita', name: 'Rita', role: 'viewer' }, scopes: ['read'] });
      readerKey = (k.body as { key: string }).key;
    });
    afterAll(async () => api?.stop());

    it('an admin creates a user with chat identities; anyone who reads sees it (snake_case, with what its role may do in chat)', async () => {
      const r = await api.client().post('/v1/users', { id: 'sam', name: 'Sam Ops', email: 'Sam@Example.com', role: 'sre', slack_user_id: 'U0SAM', teams_aad_object_id: '6f1c0a3e-1b2c-4d5e-8f90-123456789abc' });
      expect(r.status).toBe(201);
      const view = { id: 'sam', name: 'Sam Ops', email: 'Sam@Example.com', role: 'sre', slack_user_id: 'U0SAM', teams_aad_object_id: '6f1c0a3e-1b2c-4d5e-8f90-123456789abc', chat_scopes: ['read', 'plan', 'approve'] };
      expect(r.body).toEqual(view);
      // a read key sees who is who, not their addresses (only admins and the person themselves do)
      expect((await api.client(readerKey).get('/v1/users/sam')).body).toEqual({ ...view, email: null });
      expect((await api.client().get('/v1/users/sam')).body).toEqual(view);
      const list = await api.client(readerKey).get('/v1/users');
      expect(list.status).toBe(200);
      expect((list.body as { users: { id: string }[] }).users.map((u) => u.id)).toEqual(['admin', 'rita', 'sam']);
      const audit = (await api.org.listAudit({ limit: 500 })).filter((e) => e.target === 'user:sam');
      expect(audit.map((e) => [e.action, e.actor])).toEqual([['user.created', 'user:admin']]);
      expect(audit[0].payload).toEqual({ name: 'Sam Ops', role: 'sre', hasEmail: true, slackUserId: 'U0SAM', teamsAadObjectId: '6f1c0a3e-1b2c-4d5e-8f90-123456789abc' });
      // the directory of the chat side finds the user by either id
      expect((await api.org.findUserByChat('slack', 'U0SAM'))?.id).toBe('sam');
    });

    it('PATCH changes only what it names, null clears, and is audited with what changed', async () => {
      const r = await patch('/v1/users/sam', { role: 'responder', teams_aad_object_id: null });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id: 'sam', name: 'Sam Ops', email: 'Sam@Example.com', role: 'responder', slack_user_id: 'U0SAM', teams_aad_object_id: null, chat_scopes: ['read', 'plan'] });
      const entry = (await api.org.listAudit({ limit: 500 })).filter((e) => e.target === 'user:sam').at(-1)!;
      expect(entry.action).toBe('user.updated');
      expect(entry.payload).toMatchObject({ changed: ['role', 'teamsAadObjectId'], before: { role: 'sre' }, after: { role: 'responder', teamsAadObjectId: null } });
    });

    it('a chat id already mapped to another user is a 409 that names who holds it; so is an existing id', async () => {
      const taken = await api.client().post('/v1/users', { id: 'tom', name: 'Tom', role: 'viewer', slack_user_id: 'U0SAM' });
      expect(taken.status).toBe(409);
      expect(taken.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(taken.body).toMatchObject({ detail: expect.stringContaining('Slack user U0SAM is already mapped to the Warroom user "sam"') });
      expect((await api.client().get('/v1/users/tom')).status).toBe(404);
      expect((await api.client().post('/v1/users', { id: 'tom', name: 'Tom', role: 'viewer' })).status).toBe(201);
      const moved = await patch('/v1/users/tom', { slack_user_id: 'U0SAM' });
      expect(moved.status).toBe(409);
      expect(moved.body).toMatchObject({ detail: expect.stringContaining('"sam"') });
      // giving it up on sam first, then mapping it to tom works
      expect((await patch('/v1/users/sam', { slack_user_id: null })).status).toBe(200);
      expect((await patch('/v1/users/tom', { slack_user_id: 'U0SAM' })).body).toMatchObject({ slack_user_id: 'U0SAM' });
      // setting a user's own id again is no clash
      expect((await patch('/v1/users/tom', { slack_user_id: 'U0SAM', name: 'Tom T' })).status).toBe(200);
      const again = await api.client().post('/v1/users', { id: 'tom', name: 'Tom 2', role: 'admin' });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ detail: expect.stringContaining('The user "tom" already exists') });
    });

    it('refuses bad bodies with the field at fault, and unknown users with 404', async () => {
      const bad = await api.client().post('/v1/users', { id: 'x y', name: '', role: 'boss', slack_user_id: 'not-slack' });
      expect(bad.status).toBe(422);
      const paths = ((bad.body as { errors: { path: string }[] }).errors ?? []).map((i) => i.path).sort();
      expect(paths).toEqual(['id', 'name', 'role', 'slack_user_id']);
      expect((await patch('/v1/users/tom', {})).status).toBe(422);
      expect((await patch('/v1/users/tom', { nickname: 'T' })).status).toBe(422);
      expect((await patch('/v1/users/nobody', { role: 'sre' })).status).toBe(404);
      expect((await api.client().get('/v1/users/nobody')).status).toBe(404);
    });

    it("refuses to demote the org's last admin", async () => {
      const r = await patch('/v1/users/admin', { role: 'sre' });
      expect(r.status).toBe(409);
      expect(JSON.stringify(r.body)).toMatch(/last admin/);
      expect((await api.client().get('/v1/users/admin')).body).toMatchObject({ role: 'admin' });
    });

    it('only an admin creates or changes users', async () => {
      const r = await api.client(readerKey).post('/v1/users', { id: 'ann', name: 'Ann', role: 'admin' });
      expect(r.status).toBe(403);
      expect((await patch('/v1/users/rita', { role: 'admin' }, readerKey)).status).toBe(403);
      expect((await api.client().get('/v1/users/rita')).body).toMatchObject({ role: 'viewer' });
    });
  });
}

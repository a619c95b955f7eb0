/** POST /v1/connectors: the folder connector's config.path is validated and documented. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KbApi, startKbApi } from '../../test-support/kb-harness.js';

describe('POST /v1/connectors', () => {
  let api: KbApi;
  const dir = mkdtempSync(join(tmpdir(), 'warroom-connector-'));
  beforeAll(async () => {
    api = await startKbApi('pglite');
  }, 120_000);
  afterAll(async () => {
    await api?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['no path', {}, 'a folder connector needs config.path'],
    ['a relative path', { path: 'docs/runbooks' }, 'must be an absolute path on the server'],
    ['a path that is not a string', { path: 42 }, ''],
    ['a path with no folder behind it', { path: join(dir, 'missing') }, 'not a directory on the server'],
  ])('refuses a folder connector with %s, naming config.path', async (_, config, message) => {
    const r = await api.client().post('/v1/connectors', { kind: 'folder', name: 'runbooks', config });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([expect.objectContaining({ path: 'config.path', message: expect.stringContaining(message) })]);
  });

  it('registers a folder connector on an absolute path to a folder, and other kinds without one', async () => {
    expect((await api.client().post('/v1/connectors', { kind: 'folder', name: 'runbooks', config: { path: dir } })).status).toBe(201);
    expect((await api.client().post('/v1/connectors', { kind: 'webhook', name: 'hook', config: { url: 'https://example.com/x' } })).status).toBe(201);
  });

  it('describes config.path and the user roles in the OpenAPI document', async () => {
    const doc = (await api.client().get('/v1/openapi.json')).body;
    const body = doc.paths['/v1/connectors'].post.requestBody.content['application/json'].schema;
    expect(body.properties.config.properties.path.description).toMatch(/^kind "folder" \(required there\): absolute path of the folder on the server/);
    const keyBody = doc.paths['/v1/api-keys'].post.requestBody.content['application/json'].schema;
    expect(keyBody.properties.user.properties.role.description).toMatch(/viewer: read .*responder: read, ingest, plan .*sre: those and approve .*admin: admin/);
  });
});

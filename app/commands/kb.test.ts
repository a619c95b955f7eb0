/**
 * `warroom kb index DIR` and `warroom kb search QUERY --k N --json` on an embedded data dir
 * (the command functions, as app/cli.ts calls them).
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.js';
import { startEmbedded } from '../embedded.js';
import { runAuditVerify } from './audit.js';
import { runKbIndex, runKbSearch } from './kb.js';

const dirs: string[] = [];
const tmp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  const spyErr = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  try {
    return { code: await fn(), out, err };
  } finally {
    spy.mockRestore();
    spyErr.mockRestore();
  }
}

describe('warroom kb', () => {
  it('indexes a folder, searches it with citations as JSON, and re-indexes incrementally', async () => {
    const docs = tmp('warroom-kb-docs-');
    writeFileSync(join(docs, 'KubePodCrashLooping.md'), '# KubePodCrashLooping\n\n## Meaning\n\nA pod keeps crashing and restarting.\n\n## Mitigation\n\nRoll back the deployment.\n');
    writeFileSync(join(docs, 'disk.txt'), 'Disk full on a node: delete old images and rotate logs.\n');
    writeFileSync(join(docs, 'page.html'), '<h1>Certificate expiry</h1><p>Renew the TLS certificate with cert-manager.</p>');
    const cfg = loadConfig({ WARROOM_DATA_DIR: join(tmp('warroom-kb-data-'), 'db'), LOG_LEVEL: 'silent' });

    const first = await capture(() => runKbIndex(cfg, docs, { json: true }));
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.out);
    expect(summary).toMatchObject({ files: 3, created: 3, replaced: 0, unchanged: 0, removed: 0, failed: [], model: 'local-hash-v1-d1536' });
    expect(summary.chunks).toBeGreaterThanOrEqual(3);

    const search = await capture(() => runKbSearch(cfg, 'pod is crash looping, container restarting', { k: 2, json: true }));
    expect(search.code).toBe(0);
    const res = JSON.parse(search.out);
    expect(res.k).toBe(2);
    expect(res.hits.length).toBeLessThanOrEqual(2);
    expect(res.hits[0]).toMatchObject({ rank: 1, title: 'KubePodCrashLooping', path: 'KubePodCrashLooping.md', heading_path: ['KubePodCrashLooping', 'Meaning'], line_start: 1 });
    expect(Object.keys(res.hits[0]).sort()).toEqual(['chunk_id', 'doc_id', 'heading', 'heading_path', 'line_end', 'line_start', 'path', 'rank', 'ranks', 'score', 'snippet', 'title']);

    const text = await capture(() => runKbSearch(cfg, 'renew tls certificate', { k: 1 }));
    expect(text.out).toMatch(/^1\. Certificate expiry {2}\(score [\d.]+\)\n {3}page\.html:1-3/);

    unlinkSync(join(docs, 'disk.txt'));
    const again = await capture(() => runKbIndex(cfg, docs));
    expect(again.out).toMatch(/3 files|2 files/);
    expect(again.out).toMatch(/0 new, 0 replaced, 2 unchanged, 1 removed, 0 failed/);

    expect(await capture(() => runKbSearch(cfg, 'x', { k: 0 }))).toMatchObject({ code: 2 });
  });

  it('while a server holds the embedded database: refuses without a key, goes through its API with one, and never doubles a document', async () => {
    const docs = tmp('warroom-kb-docs-');
    writeFileSync(join(docs, 'a.md'), '# Disk full\n\nDelete old images and rotate logs.\n');
    writeFileSync(join(docs, 'b.md'), '# Certificate expiry\n\nRenew the TLS certificate with cert-manager.\n');
    const dataDir = join(tmp('warroom-kb-data-'), 'db');
    const server = await startEmbedded('pglite', { WARROOM_DATA_DIR: dataDir });
    const noKey = loadConfig({ WARROOM_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const withKey = loadConfig({ WARROOM_DATA_DIR: dataDir, LOG_LEVEL: 'silent', WARROOM_API_KEY: server.apiKey });
    try {
      const refused = await capture(() => runKbIndex(noKey, docs));
      expect(refused.code).toBe(3);
      expect(refused.err).toContain(`the embedded database in ${dataDir} is held by`);
      expect(refused.err).toContain(`(pid ${process.pid}, ${server.w.url}); stop it, or pass --key`);
      const audit = await capture(() => runAuditVerify(noKey, {}));
      expect(audit.code).toBe(3);
      expect(audit.err).toMatch(/held by .*; stop it first\n.*GET \/v1\/audit\/verify/s);

      const viaApi = await capture(() => runKbIndex(withKey, docs, { json: true }));
      expect(viaApi.code).toBe(0);
      expect(JSON.parse(viaApi.out)).toMatchObject({ via: server.w.url, files: 2, created: 2, failed: [] });
      const again = await capture(() => runKbIndex(withKey, docs, { json: true }));
      expect(JSON.parse(again.out)).toMatchObject({ files: 2, created: 0, unchanged: 2 });
      const search = await capture(() => runKbSearch(withKey, 'renew the tls certificate', { k: 1, json: true }));
      expect(search.code).toBe(0);
      expect(JSON.parse(search.out).hits[0]).toMatchObject({ rank: 1, title: 'Certificate expiry', path: 'b.md' });
    } finally {
      await server.stop();
    }
    // The server is gone: the command opens the database itself and finds the same two documents.
    const offline = await capture(() => runKbIndex(noKey, docs, { json: true }));
    expect(offline.code).toBe(0);
    expect(JSON.parse(offline.out)).toMatchObject({ files: 2, created: 0, unchanged: 2, removed: 0 });
  });

});

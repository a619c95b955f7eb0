import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signal, storeContracts, TEST_AUDIT_KEY } from './contracts/index.js';
import { openStore } from './index.js';
import { openPgliteStore } from './pglite.js';

// In-memory PGlite, opened once for all the store's contract suites (cold start is several seconds).
storeContracts('pglite (in memory)', () => openPgliteStore({ auditKey: TEST_AUDIT_KEY, commandSigning: { passphrase: TEST_AUDIT_KEY } }));

describe('pglite specifics', () => {
  it('keeps data in a dataDir across reopen, and migrations apply once', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'warroom-pglite-'));
    const dir = join(parent, 'data', 'db'); // created on open
    try {
      const first = await openStore({ dataDir: dir });
      expect(first.store.engine).toBe('pglite');
      expect(first.store.hasVector).toBe(true);
      await first.store.createOrg({ id: 'org1', name: 'One' });
      await first.store.forOrg('org1').insertSignals([signal('org1', { id: 's1' })]);
      await first.store.forOrg('org1').appendAudit({ actor: 'a', action: 'x', target: 't', payload: { k: 1 } });
      await first.admin.close();
      await first.store.close();

      const again = await openPgliteStore({ dataDir: dir });
      const { rows } = await again.admin.exec('SELECT count(*) AS n FROM schema_migrations');
      const { rows: files } = await again.admin.exec('SELECT max(version) AS v FROM schema_migrations');
      expect(Number(rows[0].n)).toBe(Number(files[0].v));
      expect((await again.store.forOrg('org1').listSignals({})).map((s) => s.id)).toEqual(['s1']);
      expect((await again.store.forOrg('org1').listAudit())[0].payload).toEqual({ k: 1 });
      await again.store.close();
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('has one owner: a second open of the same data dir is refused until the first closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warroom-pglite-'));
    try {
      const first = await openPgliteStore({ dataDir: dir, owner: { command: 'warroom start', url: 'http://127.0.0.1:3000' } });
      await expect(openPgliteStore({ dataDir: dir })).rejects.toThrow(`the embedded database in ${dir} is held by warroom start (pid ${process.pid}, http://127.0.0.1:3000)`);
      await first.store.close();
      const again = await openPgliteStore({ dataDir: dir });
      await again.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a transaction opened inside another (it would deadlock the single session)', async () => {
    const { store } = await openPgliteStore();
    try {
      await store.createOrg({ id: 'o', name: 'O' });
      const o = store.forOrg('o');
      await expect(o.transaction(async () => o.listSignals({}))).rejects.toThrow(/inside another/);
      await expect(o.transaction(async (tx) => tx.listSignals({}))).resolves.toEqual([]);
    } finally {
      await store.close();
    }
  });
});

/**
 * The CLI as a user runs it: a subprocess of bin/warroom.js. Covers --help, a bad setting,
 * `start` on a fresh data dir (healthy, keys printed once), and `audit verify` catching a
 * tampered row in that data dir.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/index.js';

const BIN = new URL('../bin/warroom.js', import.meta.url).pathname;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'warroom-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// Each of these tests starts PGlite and the CLI (through tsx) two or three times: on a loaded
// machine that outlasts the 60 s default. A guard against a hang, not a speed check.
const SLOW_MS = 180_000;
// One start of `warroom start` from the TypeScript sources; the fresh-data-dir test starts twice.
const START_MS = 140_000;

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

describe('warroom CLI', () => {
  it('lists only working commands, and every command has --help', () => {
    const top = run(['--help']);
    expect(top.status).toBe(0);
    for (const c of ['start', 'audit', 'eval', 'bench', 'ask']) expect(top.stdout).toContain(c);
    for (const args of [['start', '--help'], ['audit', 'verify', '--help'], ['eval', '--help'], ['bench', '--help'], ['ask', '--help']]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: warroom/);
    }
  });

  it('stops with a message naming a bad variable', () => {
    const r = run(['start'], { PORT: 'eighty' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('PORT');
  });

  it('starts on a fresh data dir: healthy, keys printed once, then ready', async () => {
    const dataDir = tmp();
    // PORT=0: the instance picks a free port and prints it (a random fixed port could be taken
    // by another test's server, and the poll would then read that server's answers)
    const env = { ...process.env, PORT: '0', WARROOM_DATA_DIR: dataDir, LOG_LEVEL: 'warn', WARROOM_ADMIN_KEY: '', WARROOM_API_KEY: '', DATABASE_URL: '', NATS_URL: '' };
    const startOnce = async () => {
      const child = spawn(process.execPath, [BIN, 'start'], { env });
      let out = '';
      let err = '';
      let exited: number | null | undefined;
      child.stdout.on('data', (b) => (out += b));
      child.stderr.on('data', (b) => (err += b));
      child.once('exit', (code) => (exited = code));
      // Poll until ready; a child that exits, or is not ready well within the test's timeout,
      // fails the test with what it printed (how fast is `warroom bench`'s business, not a test's).
      const deadline = Date.now() + START_MS;
      let healthy = false;
      let ready = false;
      let last = '';
      while (!ready) {
        if (exited !== undefined || Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(`warroom start ${exited !== undefined ? `exited (${exited})` : 'was not ready in time'}; last /readyz: ${last}\nstdout:\n${out}\nstderr:\n${err}`);
        }
        const url = /Warroom listening on (http:\/\/\S+)/.exec(out)?.[1];
        if (url) {
          healthy ||= await fetch(`${url}/healthz`).then((r) => r.ok).catch(() => false);
          const r = await fetch(`${url}/readyz`).catch(() => undefined);
          ready = r?.ok ?? false;
          last = r ? `${r.status} ${await r.text()}` : 'no answer';
        }
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      // the sandbox's line follows readiness closely: wait for it before stopping
      while (!/Sandbox: /.test(out) && exited === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGTERM');
      if (exited === undefined) {
        const stopped = await Promise.race([new Promise((r) => child.once('exit', () => r(true))), new Promise((r) => setTimeout(() => r(false), 30_000))]);
        if (!stopped) {
          child.kill('SIGKILL');
          throw new Error(`warroom start did not stop within 30 s of SIGTERM\nstdout:\n${out}\nstderr:\n${err}`);
        }
      }
      return { out, healthy };
    };
    const first = await startOnce();
    expect(first.healthy).toBe(true);
    expect(first.out).toMatch(/Platform admin key \(shown once, creates orgs\): wra_/);
    expect(first.out).toMatch(/Default org admin key \(shown once\): wr_/);
    // The sandbox either streams or says it did not start (then the API serves without it, and
    // app/sandbox-start.test.ts covers that path); which one happened is printed for the CI log.
    expect(first.out).toMatch(/Sandbox: (streaming|did not start)/);
    if (!/Sandbox: streaming/.test(first.out)) console.warn(`warroom start: the sandbox did not start here:\n${first.out}`);
    const second = await startOnce();
    expect(second.out).not.toMatch(/key \(shown once/);
  }, 2 * START_MS + 30_000);

  it('audit verify reports an edited row in a data dir and exits 1', async () => {
    const dataDir = tmp();
    const { store, admin } = await openStore({ dataDir });
    await store.createOrg({ id: 'acme', name: 'Acme' });
    const org = store.forOrg('acme');
    for (let i = 0; i < 3; i++) await org.appendAudit({ actor: 'user:a', action: 'test.step', target: `t:${i}`, payload: { i } });
    await store.close();
    await admin.close();

    const clean = run(['audit', 'verify'], { WARROOM_DATA_DIR: dataDir, DATABASE_URL: '' });
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.stdout).toContain('audit chain intact');

    const t = await openStore({ dataDir });
    await t.admin.exec('ALTER TABLE audit_log DISABLE TRIGGER USER');
    await t.admin.exec(`UPDATE audit_log SET payload = '{"i": 42}' WHERE org_id = 'acme' AND seq = 2`);
    await t.admin.exec('ALTER TABLE audit_log ENABLE TRIGGER USER');
    await t.store.close();
    await t.admin.close();

    const broken = run(['audit', 'verify'], { WARROOM_DATA_DIR: dataDir, DATABASE_URL: '' });
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/FAIL org acme/);
    expect(broken.stdout).toMatch(/seq 2: edited/);
  }, SLOW_MS);

  it('audit checkpoint anchors each chain outside the database; verify then catches a rewound tail', async () => {
    const dataDir = tmp();
    const key = 'ab'.repeat(32);
    const { store, admin } = await openStore({ dataDir, auditKey: Buffer.from(key, 'hex') });
    await store.createOrg({ id: 'acme', name: 'Acme' });
    const org = store.forOrg('acme');
    for (let i = 0; i < 4; i++) await org.appendAudit({ actor: 'user:a', action: 'test.step', target: `t:${i}`, payload: { i } });
    await store.close();
    await admin.close();

    const env = { WARROOM_DATA_DIR: dataDir, DATABASE_URL: '', WARROOM_AUDIT_KEY: key };
    const cp = run(['audit', 'checkpoint'], env);
    expect(cp.status, cp.stderr).toBe(0);
    expect(cp.stdout).toMatch(/1 checkpoint\(s\) recorded/);
    const clean = run(['audit', 'verify'], env);
    expect(clean.stdout).toMatch(/ok +org acme: 4 entries \(4 signed\), checkpoint seq 4/);

    // the owner deletes the newest two entries and moves the head back: chain and head agree
    const t = await openStore({ dataDir });
    await t.admin.exec('ALTER TABLE audit_log DISABLE TRIGGER USER');
    await t.admin.exec(`DELETE FROM audit_log WHERE org_id = 'acme' AND seq > 2`);
    await t.admin.exec('ALTER TABLE audit_log ENABLE TRIGGER USER');
    await t.admin.exec(`UPDATE audit_heads SET seq = 2, hash = (SELECT hash FROM audit_log WHERE org_id = 'acme' AND seq = 2) WHERE org_id = 'acme'`);
    await t.store.close();
    await t.admin.close();

    const broken = run(['audit', 'verify'], env);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/seq 4: rewound/);
    // a verifier with the wrong key sees neither valid signatures nor a valid checkpoint
    const wrongKey = run(['audit', 'verify'], { ...env, WARROOM_AUDIT_KEY: 'cd'.repeat(32) });
    expect(wrongKey.status).toBe(1);
    expect(wrongKey.stdout).toMatch(/edited/);
  }, SLOW_MS);
});

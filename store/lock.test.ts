/**
 * The data-directory lock across real processes: a child node process takes it, the test process
 * is refused while the child lives and takes the lock over once the child is killed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE, currentCommand, liveHolder, lockDataDir } from './lock.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  children.splice(0).forEach((c) => c.kill('SIGKILL'));
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'warroom-lock-'));
  dirs.push(d);
  return d;
};

/** A child process that takes the lock, says so on stdout, and waits to be killed. */
async function holdInChild(dir: string): Promise<ChildProcess> {
  const code = `
    const { lockDataDir } = await import(${JSON.stringify(new URL('./lock.ts', import.meta.url).pathname)});
    lockDataDir(${JSON.stringify(dir)}, { command: 'warroom start', url: 'http://127.0.0.1:3999' });
    process.stdout.write('held\\n');
    setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => b.toString().includes('held') && resolve());
    child.once('exit', (c) => reject(new Error(`child exited with ${c} before taking the lock`)));
  });
  return child;
}

describe('data directory lock', () => {
  it('refuses a second process while the owner lives, naming it, and takes over once it is killed', async () => {
    const dir = tmp();
    const child = await holdInChild(dir);
    let err: unknown;
    try {
      lockDataDir(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect((err as Error).message).toBe(`the embedded database in ${dir} is held by warroom start (pid ${child.pid}, http://127.0.0.1:3999)`);
    expect(liveHolder(dir)).toMatchObject({ pid: child.pid, url: 'http://127.0.0.1:3999' });

    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(liveHolder(dir)).toBeUndefined();
    const lock = lockDataDir(dir, { command: 'warroom kb index docs' });
    expect(liveHolder(dir)).toMatchObject({ pid: process.pid, command: 'warroom kb index docs' });
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses a second open in the same process until the first releases', () => {
    const dir = tmp();
    const first = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    first.release();
    first.release(); // idempotent
    lockDataDir(dir).release();
  });

  it('takes over a lock left by a process that is gone, or an unreadable one', () => {
    const dir = tmp();
    // pid 2^22 + 1 is above Linux's pid_max, so no process has it.
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 4_194_305, host: hostname(), since: '2026-01-01T00:00:00Z', command: 'warroom start', nonce: 'old' }));
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
    writeFileSync(join(dir, LOCK_FILE), '');
    lockDataDir(dir).release();
  });

  it("takes over a lock naming this process's pid that this process does not hold (a restarted container reuses pids)", () => {
    const dir = tmp();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), since: '', command: 'warroom start', nonce: 'before-restart' }));
    lockDataDir(dir).release();
  });

  it('a lock from another host is live while its owner touches it, and stale a minute after', () => {
    const dir = tmp();
    const path = join(dir, LOCK_FILE);
    writeFileSync(path, JSON.stringify({ pid: 1, host: 'elsewhere', since: '', command: 'warroom start', nonce: 'far' }));
    expect(() => lockDataDir(dir)).toThrow('held by warroom start (pid 1 on elsewhere)');
    const old = new Date(Date.now() - 61_000);
    utimesSync(path, old, old);
    lockDataDir(dir).release();
  });

  it('a release never removes a lock that another owner took since', () => {
    const dir = tmp();
    const lock = lockDataDir(dir);
    const theirs = JSON.stringify({ pid: process.pid, host: hostname(), since: '', command: 'other', nonce: 'theirs' });
    writeFileSync(join(dir, LOCK_FILE), theirs);
    lock.release();
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(theirs);
  });

  it('names the command as it was typed', () => {
    expect(currentCommand(['/usr/bin/node', '/app/bin/warroom.js', 'kb', 'index', 'docs'])).toBe('warroom kb index docs');
  });
});

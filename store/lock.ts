/**
 * One owner per embedded database. PGlite keeps the whole database in one process's memory and
 * writes its files back on its own schedule: a second process that opens the same directory works
 * on a stale copy and the two overwrite each other (seen: a `kb index` beside a running server
 * reported success, and after a restart the server listed every document twice). So the process
 * that opens a data directory holds `<dataDir>/warroom.lock` until it closes the database:
 * created atomically (written to a private file, then hard-linked into place, which fails when the
 * name exists), holding who the owner is and, for a server, its API URL so that a CLI command can
 * talk to it instead. A lock whose process is gone (crash, kill -9, reboot) is taken over; one
 * written on another host (a container recreated on the same volume) is alive only while its owner
 * keeps touching it.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';

export const LOCK_FILE = 'warroom.lock';
/** The owner touches its lock this often; one from another host untouched for STALE_MS is taken over. */
const HEARTBEAT_MS = 10_000;
const STALE_MS = 6 * HEARTBEAT_MS;
/** Locks this process holds (their nonces): a lock naming this pid is alive only if it is one of them. */
const heldHere = new Set<string>();

/** What the lock file says about its owner. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** The owner's command line, e.g. `warroom start`. */
  command: string;
  /** The owner's API, when it serves one. */
  url?: string;
  /** Start time of the pid (Linux /proc), so a pid reused after a reboot is not mistaken for the owner. */
  procStart?: string;
  /** Tells this lock from a later one by the same pid. */
  nonce: string;
}

/** Thrown when another live process (or another open in this one) holds the data directory. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(`the embedded database in ${dataDir} is held by ${describeHolder(holder)}`);
    this.name = 'DataDirLockedError';
  }
}

/** "warroom start (pid 1234, http://127.0.0.1:3000)". */
export function describeHolder(h: LockHolder): string {
  const where = h.host === hostname() ? '' : ` on ${h.host}`;
  return `${h.command} (pid ${h.pid}${where}${h.url ? `, ${h.url}` : ''})`;
}

export interface DataDirLock {
  readonly holder: LockHolder;
  /** Removes the lock file if it is still this lock's (idempotent). */
  release(): void;
}

/** This process's command line as a person would type it: `warroom kb index docs`. */
export function currentCommand(argv = process.argv): string {
  const script = argv[1] ? basename(argv[1]).replace(/\.[cm]?[jt]s$/, '') : 'node';
  return [script, ...argv.slice(2)].join(' ').slice(0, 200);
}

/** Start time of a process from /proc (Linux); undefined elsewhere or when it is gone. */
function procStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the command name (field 2) may hold spaces, so count after its ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** True when the lock's owner is still running. */
export function holderAlive(h: LockHolder, dataDir?: string): boolean {
  if (h.host !== hostname()) return dataDir !== undefined && Date.now() - (statSync(join(dataDir, LOCK_FILE), { throwIfNoEntry: false })?.mtimeMs ?? 0) < STALE_MS;
  // After a container restart this process can have the pid its crashed predecessor had.
  if (h.pid === process.pid) return heldHere.has(h.nonce);
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = procStart(h.pid);
  return h.procStart === undefined || now === undefined || now === h.procStart;
}

/** The lock's content, or undefined when there is none (or it cannot be read). */
export function readLock(dataDir: string): LockHolder | undefined {
  return readLockFile(join(dataDir, LOCK_FILE));
}

/** The live owner of a data directory, if any. */
export function liveHolder(dataDir: string): LockHolder | undefined {
  const h = readLock(dataDir);
  return h && holderAlive(h, dataDir) ? h : undefined;
}

/**
 * Takes the data directory's lock or throws DataDirLockedError naming the live owner.
 * The directory must exist.
 */
export function lockDataDir(dataDir: string, who: { command?: string; url?: string } = {}): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    command: who.command ?? currentCommand(),
    ...(who.url ? { url: who.url } : {}),
    procStart: procStart(process.pid),
    nonce: randomBytes(8).toString('hex'),
  };
  const draft = `${path}.${process.pid}.${holder.nonce}`;
  writeFileSync(draft, `${JSON.stringify(holder)}\n`);
  try {
    // A few rounds: a stale lock is removed, and another process may win the race for the name.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        place(draft, path);
        return held(path, holder);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const current = readLock(dataDir);
      if (current && holderAlive(current, dataDir)) throw new DataDirLockedError(dataDir, current);
      removeIfUnchanged(path, current);
    }
    const current = readLock(dataDir);
    throw current ? new DataDirLockedError(dataDir, current) : new Error(`cannot take the lock ${path}`);
  } finally {
    unlinkSync(draft);
  }
}

/** Links the written draft into place (fails with EEXIST when the lock exists). */
function place(draft: string, path: string): void {
  try {
    linkSync(draft, path);
  } catch (e) {
    // A file system without hard links: O_EXCL instead (a reader may glimpse the file half-written).
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
    writeFileSync(path, readFileSync(draft), { flag: 'wx' });
  }
}

/** Removes a stale lock unless it changed since it was read (another process took it over). */
function removeIfUnchanged(path: string, seen: LockHolder | undefined): void {
  // An unreadable lock (undefined both times) is debris: lock files are written whole before they are linked.
  if (readLockFile(path)?.nonce === seen?.nonce) unlinkSafe(path);
}

function unlinkSafe(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

function held(path: string, holder: LockHolder): DataDirLock {
  let released = false;
  heldHere.add(holder.nonce);
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      /* the lock is gone; the next open will say so */
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  // A process that exits without closing the database still leaves the directory free.
  const onExit = () => release();
  const release = () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    heldHere.delete(holder.nonce);
    process.off('exit', onExit);
    if (readLockFile(path)?.nonce === holder.nonce) unlinkSafe(path);
  };
  process.on('exit', onExit);
  return { holder, release };
}

function readLockFile(path: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' && typeof h.nonce === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

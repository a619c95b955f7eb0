/**
 * CLI commands and the embedded database's one owner (store/lock.ts). A command that needs the
 * database either opens it itself (nobody holds it, or the database is Postgres), talks to the
 * instance that holds it (its URL is in the lock, or `--url`; an API key from `--key` or
 * WARROOM_API_KEY), or refuses with a message naming the holder and exit code 3.
 */
import { DataDirLockedError, describeHolder, liveHolder, type LockHolder } from '../../store/index.js';
import { type Config, databaseLocation } from '../config.js';

/** Exit code of a command refused because another process holds the embedded database. */
export const HELD_EXIT = 3;

export interface RemoteOptions {
  url?: string;
  key?: string;
}

export type DbRoute = { kind: 'local' } | { kind: 'remote'; url: string; key: string } | { kind: 'refused'; code: number };

/**
 * Where `what` (e.g. "kb index") should run. `canRemote`: the command has an HTTP path.
 * Messages go to stderr.
 */
export function routeDbCommand(cfg: Config, what: string, o: RemoteOptions, canRemote: boolean): DbRoute {
  const key = o.key ?? cfg.WARROOM_API_KEY;
  if (o.url) {
    if (!canRemote) return refuse(`warroom ${what}: --url is not supported; it needs the database itself`, 2);
    if (!key) return refuse(`warroom ${what}: --url needs an API key: pass --key or set WARROOM_API_KEY`, 2);
    return { kind: 'remote', url: o.url.replace(/\/+$/, ''), key };
  }
  // only where the database is: storeConfig would also load (and on first use create) the audit key
  const { databaseUrl, dataDir } = databaseLocation(cfg);
  const holder = databaseUrl || !dataDir ? undefined : liveHolder(dataDir);
  if (!holder) return { kind: 'local' };
  if (canRemote && holder.url && key) {
    process.stderr.write(`warroom ${what}: the embedded database in ${dataDir} is held by ${describeHolder(holder)}; using its API\n`);
    return { kind: 'remote', url: holder.url, key };
  }
  return refuse(heldMessage(what, dataDir!, holder, canRemote), HELD_EXIT);
}

/** The refusal for a holder found when opening (it started after routeDbCommand looked). */
export function refuseHeld(what: string, e: DataDirLockedError, canRemote: boolean): number {
  process.stderr.write(`${heldMessage(what, e.dataDir, e.holder, canRemote)}\n`);
  return HELD_EXIT;
}

function heldMessage(what: string, dataDir: string, h: LockHolder, canRemote: boolean): string {
  const hint = canRemote ? (h.url ? '; stop it, or pass --key (or set WARROOM_API_KEY) to use its API' : '; stop it, or pass --url and --key to use its API') : '; stop it first';
  return `warroom ${what}: the embedded database in ${dataDir} is held by ${describeHolder(h)}${hint}`;
}

function refuse(message: string, code: number): DbRoute {
  process.stderr.write(`${message}\n`);
  return { kind: 'refused', code };
}

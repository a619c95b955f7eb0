/**
 * The audit key: signs every audit entry (HMAC-SHA256) and every checkpoint. It is never stored
 * in the database, so neither the application role nor the database owner can forge a signed
 * entry. WARROOM_AUDIT_KEY (64+ hex characters, or base64 of 32+ bytes) when set; otherwise a key
 * generated once into `<WARROOM_DATA_DIR>/audit.key` (mode 0600). Several instances sharing one
 * Postgres must share the key: set WARROOM_AUDIT_KEY.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MIN_BYTES = 32;

/** Decodes a configured key: hex or base64, at least 32 bytes. */
export function parseAuditKey(text: string): Buffer {
  const t = text.trim();
  const bytes = /^[0-9a-f]+$/i.test(t) && t.length % 2 === 0 ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (bytes.length < MIN_BYTES) throw new Error(`WARROOM_AUDIT_KEY: need at least ${MIN_BYTES} bytes (64 hex characters or base64), got ${bytes.length}`);
  return bytes;
}

/** A process without a data directory (":memory:") gets one key for its lifetime. */
let inMemoryKey: Buffer | undefined;

/** Keys read from data directories in this process: the file is read once, not at every store opening. */
const fileKeys = new Map<string, Buffer>();

/** The key file of a data directory, created on first use. */
export function auditKeyFile(dataDir: string): Buffer {
  const file = join(dataDir, 'audit.key');
  const known = fileKeys.get(file);
  if (known) return known;
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      // 'wx': two processes starting at once must not overwrite each other's key.
      writeFileSync(file, `${randomBytes(MIN_BYTES).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    chmodSync(file, 0o600);
  }
  const key = parseAuditKey(readFileSync(file, 'utf8'));
  fileKeys.set(file, key);
  return key;
}

export function loadAuditKey(cfg: { WARROOM_AUDIT_KEY?: string; WARROOM_DATA_DIR: string }): Buffer {
  if (cfg.WARROOM_AUDIT_KEY) return parseAuditKey(cfg.WARROOM_AUDIT_KEY);
  if (cfg.WARROOM_DATA_DIR === ':memory:') return (inMemoryKey ??= randomBytes(MIN_BYTES));
  return auditKeyFile(cfg.WARROOM_DATA_DIR);
}

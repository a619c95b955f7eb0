/**
 * Audit checkpoints in files: one JSON line per checkpoint in `<dir>/<org>.jsonl`, appended. Keep
 * the directory where the database owner cannot write (another volume, a synced bucket): the
 * checkpoints are what catches an owner who deletes the newest entries and moves the head back.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AuditCheckpoint, checkpointValid, signCheckpoint } from '../core/audit-chain.js';
import type { AdminStore, AuditAnchor } from '../core/ports/index.js';

const fileOf = (dir: string, orgId: string) => join(dir, `${encodeURIComponent(orgId)}.jsonl`);

export function fileAuditAnchor(dir: string): AuditAnchor {
  return {
    async record(c) {
      mkdirSync(dir, { recursive: true });
      appendFileSync(fileOf(dir, c.orgId), `${JSON.stringify(c)}\n`, { mode: 0o600 });
    },
    async latest(orgId, key) {
      const file = fileOf(dir, orgId);
      if (!existsSync(file)) return { checkpoint: null, invalid: 0 };
      let checkpoint: AuditCheckpoint | null = null;
      let invalid = 0;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        let c: AuditCheckpoint;
        try {
          c = JSON.parse(line) as AuditCheckpoint;
        } catch {
          invalid++;
          continue;
        }
        if (c?.orgId !== orgId || !Number.isInteger(c.seq) || typeof c.hash !== 'string' || typeof c.at !== 'string' || !checkpointValid(c, key)) invalid++;
        else if (!checkpoint || c.seq >= checkpoint.seq) checkpoint = c;
      }
      return { checkpoint, invalid };
    },
  };
}

/**
 * Records a signed checkpoint of every org whose head moved since its latest one; returns how many
 * were written. Run periodically by the server and by `warroom audit checkpoint`.
 */
export async function checkpointAudit(admin: AdminStore, anchor: AuditAnchor, key: Uint8Array, now: Date, onRecorded?: (c: AuditCheckpoint) => void): Promise<number> {
  let written = 0;
  for (const orgId of await admin.listOrgIds()) {
    const head = await admin.auditHead(orgId);
    if (!head) continue;
    const { checkpoint } = await anchor.latest(orgId, key);
    if (checkpoint && checkpoint.seq === head.seq && checkpoint.hash === head.hash) continue;
    const c = signCheckpoint({ orgId, seq: head.seq, hash: head.hash, at: now.toISOString() }, key);
    await anchor.record(c);
    onRecorded?.(c);
    written++;
  }
  return written;
}

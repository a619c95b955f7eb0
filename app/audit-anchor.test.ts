import { mkdtempSync, readFileSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signCheckpoint } from '../core/audit-chain.js';
import type { AdminStore } from '../core/ports/index.js';
import { checkpointAudit, fileAuditAnchor } from './audit-anchor.js';
import { auditKeyFile, loadAuditKey, parseAuditKey } from './audit-key.js';

const KEY = Buffer.alloc(32, 3);
const dir = () => mkdtempSync(join(tmpdir(), 'warroom-anchor-'));

describe('fileAuditAnchor', () => {
  it('returns the newest valid checkpoint of the org and counts the ones that do not verify', async () => {
    const d = dir();
    const a = fileAuditAnchor(d);
    expect(await a.latest('org1', KEY)).toEqual({ checkpoint: null, invalid: 0 });
    const c1 = signCheckpoint({ orgId: 'org1', seq: 3, hash: 'a'.repeat(64), at: '2026-12-07T00:00:00.000Z' }, KEY);
    const c2 = signCheckpoint({ orgId: 'org1', seq: 5, hash: 'b'.repeat(64), at: '2026-12-07T00:10:00.000Z' }, KEY);
    await a.record(c1);
    await a.record(c2);
    await a.record(signCheckpoint({ orgId: 'org/2', seq: 9, hash: 'c'.repeat(64), at: '2026-12-07T00:10:00.000Z' }, KEY));
    expect(await a.latest('org1', KEY)).toEqual({ checkpoint: c2, invalid: 0 });
    expect((await a.latest('org/2', KEY)).checkpoint?.seq).toBe(9);
    // someone moves the anchor back by editing the file: the altered line no longer verifies
    const file = join(d, 'org1.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"seq":5', '"seq":2'));
    appendFileSync(file, 'not json\n');
    expect(await a.latest('org1', KEY)).toEqual({ checkpoint: c1, invalid: 2 });
    // checkpoints signed with another key do not count as valid
    expect((await a.latest('org1', Buffer.alloc(32, 4))).checkpoint).toBeNull();
    expect(statSync(file).mode & 0o077).toBe(0);
  });
});

describe('checkpointAudit', () => {
  it('records a checkpoint for each org whose head moved since its latest one', async () => {
    const heads: Record<string, { seq: number; hash: string } | null> = { a: { seq: 2, hash: 'a'.repeat(64) }, b: null };
    const admin = { listOrgIds: async () => Object.keys(heads), auditHead: async (o: string) => heads[o] } as unknown as AdminStore;
    const anchor = fileAuditAnchor(dir());
    const now = new Date('2026-12-07T01:00:00Z');
    expect(await checkpointAudit(admin, anchor, KEY, now)).toBe(1);
    expect(await checkpointAudit(admin, anchor, KEY, now)).toBe(0);
    heads.a = { seq: 3, hash: 'd'.repeat(64) };
    heads.b = { seq: 1, hash: 'e'.repeat(64) };
    expect(await checkpointAudit(admin, anchor, KEY, now)).toBe(2);
    expect((await anchor.latest('a', KEY)).checkpoint).toMatchObject({ seq: 3, hash: 'd'.repeat(64), at: now.toISOString() });
  });
});

describe('the audit key', () => {
  it('accepts 32+ bytes as hex or base64 and names the variable otherwise', () => {
    expect(parseAuditKey('ab'.repeat(32))).toEqual(Buffer.alloc(32, 0xab));
    expect(parseAuditKey(Buffer.alloc(40, 1).toString('base64'))).toEqual(Buffer.alloc(40, 1));
    expect(() => parseAuditKey('abcd')).toThrow(/WARROOM_AUDIT_KEY: need at least 32 bytes/);
  });

  it('is generated once into the data directory, private, and the same on every load', () => {
    const d = dir();
    const k = loadAuditKey({ WARROOM_DATA_DIR: d });
    expect(k.length).toBe(32);
    expect(statSync(join(d, 'audit.key')).mode & 0o077).toBe(0);
    expect(auditKeyFile(d)).toEqual(k);
    expect(loadAuditKey({ WARROOM_DATA_DIR: d, WARROOM_AUDIT_KEY: 'cd'.repeat(32) })).toEqual(Buffer.alloc(32, 0xcd));
    expect(loadAuditKey({ WARROOM_DATA_DIR: ':memory:' })).toEqual(loadAuditKey({ WARROOM_DATA_DIR: ':memory:' }));
  });
});

import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, auditDigest, auditHash, auditSignature, chainHash, checkpointValid, signCheckpoint, summarizeChain, verifyChain } from './audit-chain.js';
import { canonicalJson } from './hash.js';
import type { AuditEntry } from './schemas.js';

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e = { orgId: 'o', seq, ts: `2026-01-01T00:00:0${seq}.000Z`, actor: 'a', action: 'x', target: `t${seq}`, payload: { seq, nested: { b: 1, a: [1, 2] } }, prevHash: prev };
    const hash = auditHash(e);
    out.push({ ...e, hash });
    prev = hash;
  }
  return out;
}
const head = (c: AuditEntry[]) => ({ seq: c[c.length - 1].seq, hash: c[c.length - 1].hash });

describe('audit hash chain', () => {
  it('hashes key order independently', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('accepts an intact chain', () => {
    const c = chain(5);
    expect(verifyChain(c, head(c))).toEqual([]);
  });

  it('reports an edited row', () => {
    const c = chain(5);
    c[2] = { ...c[2], payload: { seq: 99 } };
    expect(verifyChain(c, head(c))).toEqual([expect.objectContaining({ seq: 3, problem: 'edited' })]);
  });

  it('reports a deleted middle row', () => {
    const c = chain(5);
    c.splice(1, 1);
    const p = verifyChain(c, head(c));
    expect(p.map((x) => x.problem)).toEqual(['deleted_before', 'bad_link']);
    expect(p[0].seq).toBe(3);
  });

  it('reports deleted newest rows through the head', () => {
    const c = chain(5);
    const h = head(c);
    expect(verifyChain(c.slice(0, 3), h)).toEqual([expect.objectContaining({ problem: 'deleted_tail', seq: 5 })]);
  });

  it('reports a forged row even when its own hash is consistent', () => {
    const c = chain(4);
    const forged = { orgId: 'o', seq: 3, ts: '2026-01-01T00:00:09.000Z', actor: 'mallory', action: 'x', target: 'fake', payload: {}, prevHash: c[1].hash };
    const withForged = [...c.slice(0, 2), { ...forged, hash: auditHash(forged) }, ...c.slice(2).map((e) => ({ ...e, seq: e.seq + 1 }))];
    const p = verifyChain(withForged, head(c));
    expect(p.length).toBeGreaterThan(0);
  });
});

/** A chain as warroom_audit_append writes it: digest, optional signature, the database's chain hash. */
function signedChain(n: number, key: Uint8Array | null, from: AuditEntry[] = []): AuditEntry[] {
  const out = [...from];
  let prev = out.at(-1)?.hash ?? GENESIS_HASH;
  const last = out.length + n;
  for (let seq = out.length + 1; seq <= last; seq++) {
    const e = { orgId: 'o', seq, ts: `2026-01-01T00:01:0${seq % 10}.000Z`, actor: 'a', action: 'x', target: `t${seq}`, payload: { seq }, prevHash: prev };
    const digest = auditDigest(e);
    const sig = key ? auditSignature(e, key) : null;
    const hash = chainHash(prev, seq, digest, sig);
    out.push({ ...e, digest, sig, hash });
    prev = hash;
  }
  return out;
}

describe('signed audit chain (migration 017)', () => {
  const KEY = Buffer.alloc(32, 1);

  it('accepts a chain that starts unsigned (legacy, then no key) and is signed from some point on', () => {
    const c = signedChain(3, KEY, signedChain(2, null, chain(2)));
    expect(verifyChain(c, head(c), { key: KEY })).toEqual([]);
    expect(summarizeChain(c, { key: KEY })).toEqual({ keyed: 3, unchecked: 0, unkeyed: 4, sinceCheckpoint: null });
    expect(summarizeChain(c)).toMatchObject({ keyed: 3, unchecked: 3 });
  });

  it('catches an edit whose digest was recomputed only with the key', () => {
    const c = signedChain(4, KEY);
    const e = { ...c[2], actor: 'mallory' };
    e.digest = auditDigest(e);
    e.hash = chainHash(e.prevHash, e.seq, e.digest, e.sig ?? null);
    const edited = [...c.slice(0, 2), e, ...c.slice(3)];
    // without the key the edit is consistent locally; the next row's link still breaks
    expect(verifyChain(edited, head(c)).map((p) => p.problem)).toEqual(['bad_link']);
    expect(verifyChain(edited, head(c), { key: KEY })).toContainEqual(expect.objectContaining({ seq: 3, problem: 'edited' }));
  });

  it('flags an unsigned row after signed ones, and one signed with another key', () => {
    const forgedUnsigned = signedChain(1, null, signedChain(2, KEY));
    expect(verifyChain(forgedUnsigned, head(forgedUnsigned), { key: KEY })).toEqual([expect.objectContaining({ seq: 3, problem: 'unsigned' })]);
    const forgedOtherKey = signedChain(1, Buffer.alloc(32, 2), signedChain(2, KEY));
    expect(verifyChain(forgedOtherKey, head(forgedOtherKey), { key: KEY })).toEqual([expect.objectContaining({ seq: 3, problem: 'edited' })]);
  });

  it('compares the chain with a checkpoint: rewound, rewritten, or extended', () => {
    const c = signedChain(5, KEY);
    const cp = signCheckpoint({ orgId: 'o', seq: 4, hash: c[3].hash, at: '2026-01-01T00:05:00.000Z' }, KEY);
    expect(checkpointValid(cp, KEY)).toBe(true);
    expect(checkpointValid({ ...cp, seq: 3 }, KEY)).toBe(false);
    expect(verifyChain(c, head(c), { key: KEY, checkpoint: cp })).toEqual([]);
    expect(summarizeChain(c, { key: KEY, checkpoint: cp }).sinceCheckpoint).toBe(1);
    const rewound = c.slice(0, 3);
    expect(verifyChain(rewound, head(rewound), { key: KEY, checkpoint: cp })).toEqual([expect.objectContaining({ seq: 4, problem: 'rewound' })]);
    const changed = (() => {
      const base = c.slice(0, 3);
      const e = { orgId: 'o', seq: 4, ts: '2026-01-01T00:09:00.000Z', actor: 'm', action: 'y', target: 't', payload: {}, prevHash: base[2].hash };
      const digest = auditDigest(e);
      const sig = auditSignature(e, KEY);
      return [...base, { ...e, digest, sig, hash: chainHash(e.prevHash, 4, digest, sig) }];
    })();
    expect(verifyChain(changed, head(changed), { key: KEY, checkpoint: cp })).toEqual([expect.objectContaining({ seq: 4, problem: 'rewritten' })]);
  });
});

import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, auditHash, verifyChain } from './audit-chain.js';
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

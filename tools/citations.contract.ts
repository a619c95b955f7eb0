/** Citation resolution: a citation counts only if its row exists for the asker's org and its ref names that row. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCitations } from './citations.js';
import { type Seeded, seed } from '../test-support/tool-fixtures.js';
import { type Citation, refs } from './types.js';

/** Runs on both engines: citations.test.ts (PGlite) and citations.int.test.ts (Postgres). */
export function citationsContract(engine: 'pglite' | 'postgres'): void {
  describe(`on ${engine}`, () => {
    let s: Seeded;
    beforeAll(async () => {
      s = await seed(engine);
    });
    afterAll(async () => {
      await s.close();
    });

    describe('resolveCitations', () => {
      it('keeps rows that exist for the org and drops forged, mismatched, foreign and unreadable ones', async () => {
        const hit = (await s.kb.search(s.org, { q: 'disk full', k: 1 })).hits[0];
        const c = (id: string, kind: Citation['kind'], ref: string): Citation => ({ id, kind, title: id, ref });
        const good = [
          c(s.checkout, 'incident', refs.incident(s.checkout)),
          c(s.ev.deploy, 'evidence', refs.evidence(s.checkout, s.ev.deploy)),
          c(s.hyp.db, 'hypothesis', refs.hypothesis(s.checkout, s.hyp.db)),
          c(hit.chunkId, 'knowledge', refs.knowledge(hit.docId, hit.chunkId)),
        ];
        const bad = [
          c('01JNOSUCHINCIDENT000000000', 'incident', refs.incident('01JNOSUCHINCIDENT000000000')),
          c(s.ev.deploy, 'evidence', refs.evidence(s.search, s.ev.deploy)), // the row belongs to another incident
          c(s.hyp.db, 'evidence', refs.hypothesis(s.checkout, s.hyp.db)), // kind and ref disagree
          c('doc_nope#0', 'knowledge', refs.knowledge('doc_nope', 'doc_nope#0')),
          c('an_1', 'anomaly', '/v1/anomalies/an_1'), // no such anomaly
        ];
        const ok = await resolveCitations({ session: s.session() }, good);
        expect([...ok].sort()).toEqual(good.map((x) => x.id).sort());
        for (const b of bad) expect(await resolveCitations({ session: s.session() }, [b]), `${b.kind} ${b.ref}`).toEqual(new Set());
        expect(await resolveCitations({ session: s.session(['read'], 'o2') }, good)).toEqual(new Set());
        expect(await resolveCitations({ session: s.session(['ingest']) }, good)).toEqual(new Set());
      });
    });
  });
}

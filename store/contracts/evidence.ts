/** The `EvidenceStore` port: evidence rows, and hypotheses that must cite evidence of their own incident. */
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../core/errors.js';
import type { AdminStore, OrgStore, Store } from '../../core/ports/index.js';
import type { Db } from '../sql.js';
import { evidenceOf, failure, hypothesisOf, incident, type StoreOpener, twoOrgs, uid } from './fixtures.js';

export function evidenceStoreContract(name: string, open: StoreOpener): void {
  describe(`EvidenceStore contract: ${name}`, () => {
    let store: Store;
    let admin: AdminStore;
    let db: Db;
    const orgA = uid('orga');
    const orgB = uid('orgb');
    let A: OrgStore;
    let B: OrgStore;

    beforeAll(async () => {
      ({ store, admin, db } = await open());
      ({ A, B } = await twoOrgs(store, orgA, orgB));
    });

    describe('hypotheses must cite evidence of their incident', () => {
      it('accepts a hypothesis citing its own evidence, keeping the order of citations', async () => {
        const inc = await incident(A);
        const evs = await A.addEvidence([evidenceOf(inc.id), evidenceOf(inc.id, { kind: 'change', ref: 'deploy-42' })]);
        expect(evs.map((e) => e.incidentId)).toEqual([inc.id, inc.id]);
        expect(await A.listEvidence(inc.id)).toEqual(evs);
        const [h] = await A.addHypotheses([hypothesisOf(inc.id, [evs[1].id, evs[0].id])]);
        expect(h.evidenceIds).toEqual([evs[1].id, evs[0].id]);
        expect(await A.listHypotheses(inc.id)).toEqual([h]);
      });

      it('reads the evidence and hypotheses of several incidents at once: by incident id, in stored order; unknown and foreign ids give nothing', async () => {
        const incs = [await incident(A), await incident(A, 'cart')];
        for (const inc of incs) {
          const evs = await A.addEvidence([evidenceOf(inc.id), evidenceOf(inc.id, { kind: 'change', ref: `deploy-${inc.id}` })]);
          await A.addHypotheses([hypothesisOf(inc.id, [evs[1].id], { rank: 2 }), hypothesisOf(inc.id, [evs[0].id], { rank: 1 })]);
        }
        const [first, second] = [...incs].sort((x, y) => (x.id < y.id ? -1 : 1));
        const asked = [second.id, 'no_such_incident', first.id];
        expect(await A.listEvidenceOf(asked)).toEqual([...(await A.listEvidence(first.id)), ...(await A.listEvidence(second.id))]);
        expect(await A.listHypothesesOf(asked)).toEqual([...(await A.listHypotheses(first.id)), ...(await A.listHypotheses(second.id))]);
        expect((await A.listHypothesesOf([first.id])).map((h) => h.rank)).toEqual([1, 2]);
        expect(await A.listEvidenceOf([])).toEqual([]);
        expect(await A.listHypothesesOf([])).toEqual([]);
        expect(await B.listEvidenceOf(asked)).toEqual([]);
        expect(await B.listHypothesesOf(asked)).toEqual([]);
      });

      it('adds evidence idempotently with skipExisting: known ids are skipped in one statement, a plain duplicate is an error', async () => {
        const inc = await incident(A);
        const [first] = await A.addEvidence([evidenceOf(inc.id)]);
        const fresh = evidenceOf(inc.id, { kind: 'change', ref: 'deploy-7' });
        const again = await A.addEvidence([{ ...first, summary: 'changed text' }, fresh, fresh], { skipExisting: true });
        expect(again.map((e) => e.id)).toEqual([fresh.id]);
        expect((await A.listEvidence(inc.id)).map((e) => [e.id, e.summary])).toEqual([
          [first.id, first.summary],
          [fresh.id, fresh.summary],
        ]);
        await expect(A.addEvidence([evidenceOf(inc.id, { id: first.id })])).rejects.toThrow();
      });

      it('adds hypotheses idempotently with skipExisting: a stored id is skipped (links untouched), a plain duplicate is an error', async () => {
        const inc = await incident(A);
        const [ev] = await A.addEvidence([evidenceOf(inc.id)]);
        const [ev2] = await A.addEvidence([evidenceOf(inc.id, { kind: 'change', ref: 'deploy-9' })]);
        const h = hypothesisOf(inc.id, [ev.id]);
        const [stored] = await A.addHypotheses([h]);
        const fresh = hypothesisOf(inc.id, [ev2.id], { rank: 2 });
        const again = await A.addHypotheses([{ ...h, statement: 'changed', evidenceIds: [ev2.id] }, fresh], { skipExisting: true });
        expect(again.map((x) => x.id)).toEqual([fresh.id]);
        expect(await A.listHypotheses(inc.id)).toEqual([stored, again[0]]);
        expect(await A.addHypotheses([h], { skipExisting: true })).toEqual([]);
        const dup = await failure(() => A.addHypotheses([h]));
        expect(dup).toBeInstanceOf(AppError);
      });

      it('refuses at commit a hypothesis that cites no evidence, storing nothing', async () => {
        const inc = await incident(A);
        const h = hypothesisOf(inc.id, []);
        const e = await failure(() => A.addHypotheses([h]));
        expect(e).toBeInstanceOf(AppError);
        expect(e.code).toBe('invalid_input');
        expect(e.message).toMatch(/cites no evidence/);
        expect(await A.listHypotheses(inc.id)).toEqual([]);
      });

      it('the check is deferred: the statement succeeds and the commit fails', async () => {
        const inc = await incident(A);
        let inserted = false;
        const e = await failure(() =>
          db.tenant(orgA, async (s) => {
            await s.query(
              `INSERT INTO hypotheses (org_id, id, incident_id, rank, statement, confidence) VALUES ($1, $2, $3, 1, 'no evidence', 0.5)`,
              [orgA, uid('hyp'), inc.id],
            );
            inserted = true;
          }),
        );
        expect(inserted).toBe(true);
        expect(e.code).toBe('23514');
        expect(await A.listHypotheses(inc.id)).toEqual([]);
      });

      it('refuses a hypothesis citing evidence of another incident', async () => {
        const inc1 = await incident(A);
        const inc2 = await incident(A, 'payments');
        const [ev2] = await A.addEvidence([evidenceOf(inc2.id)]);
        const [ev1] = await A.addEvidence([evidenceOf(inc1.id)]);
        const e = await failure(() => A.addHypotheses([hypothesisOf(inc1.id, [ev2.id])]));
        expect(e.code).toBe('invalid_input');
        // Mixing its own evidence with another incident's is refused too.
        const m = await failure(() => A.addHypotheses([hypothesisOf(inc1.id, [ev1.id, ev2.id])]));
        expect(m.code).toBe('invalid_input');
        expect(await A.listHypotheses(inc1.id)).toEqual([]);
      });

      it("refuses a hypothesis citing another org's evidence", async () => {
        const incB = await incident(B);
        const [evB] = await B.addEvidence([evidenceOf(incB.id)]);
        const incA = await incident(A);
        const e = await failure(() => A.addHypotheses([hypothesisOf(incA.id, [evB.id])]));
        expect(e.code).toBe('invalid_input');
      });

      it('refuses at commit removing the last citation (even as owner)', async () => {
        const inc = await incident(A);
        const [ev] = await A.addEvidence([evidenceOf(inc.id)]);
        const [h] = await A.addHypotheses([hypothesisOf(inc.id, [ev.id])]);
        const e = await failure(() => admin.exec('DELETE FROM hypothesis_evidence WHERE org_id = $1 AND hypothesis_id = $2', [orgA, h.id]));
        expect(e.code).toBe('23514');
        expect((await A.listHypotheses(inc.id))[0].evidenceIds).toEqual([ev.id]);
      });

      it('evidence, hypotheses and their links go in one transaction', async () => {
        const inc = await incident(A);
        const out = await A.transaction(async (tx) => {
          const [ev] = await tx.addEvidence([evidenceOf(inc.id)]);
          return tx.addHypotheses([hypothesisOf(inc.id, [ev.id], { rank: 2 }), hypothesisOf(inc.id, [ev.id], { rank: 1 })]);
        });
        expect((await A.listHypotheses(inc.id)).map((h) => h.id)).toEqual([out[1].id, out[0].id]);
      });
    });
  });
}

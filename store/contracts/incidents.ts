/** The `IncidentStore` port: opening, finding (serialised per service), listing and moving incidents. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { OrgStore, Store } from '../../core/ports/index.js';
import { evidenceOf, failure, incident, type StoreOpener, twoOrgs, uid } from './fixtures.js';

export function incidentStoreContract(name: string, open: StoreOpener): void {
  describe(`IncidentStore contract: ${name}`, () => {
    let store: Store;
    const orgA = uid('orga');
    const orgB = uid('orgb');
    let A: OrgStore;
    let B: OrgStore;

    beforeAll(async () => {
      ({ store } = await open());
      ({ A, B } = await twoOrgs(store, orgA, orgB));
    });

    describe('incidents', () => {
      it('serialises find-or-open per service: racing correlators open one incident', async () => {
        const findOrOpen = () =>
          A.transaction(async (tx) => {
            const found = await tx.findOpenIncident('race-svc');
            if (found) return found;
            await new Promise((r) => setTimeout(r, 30)); // widen the window a lost race would need
            return tx.openIncident({ id: uid('inc'), title: 't', service: 'race-svc', severity: 'sev3', startedAt: '2024-05-01T10:00:00.000Z', openedAt: '2024-05-01T10:00:00.000Z', openedBy: 'detector' });
          });
        const got = await Promise.all([findOrOpen(), findOrOpen(), findOrOpen()]);
        expect(new Set(got.map((i) => i.id)).size).toBe(1);
        expect((await A.listIncidents({ status: 'open', limit: 500 })).filter((i) => i.service === 'race-svc')).toHaveLength(1);
      });

      it('opens, finds, lists and gets incidents; a duplicate id is a conflict', async () => {
        const inc = await incident(A, 'search');
        expect(inc).toMatchObject({ orgId: orgA, status: 'open', service: 'search', resolvedAt: null, startedAt: '2024-05-01T10:00:00.000Z' });
        expect(await A.findOpenIncident('search')).toEqual(inc);
        expect(await A.findOpenIncident('nothing-here')).toBeNull();
        expect(await A.getIncident(inc.id)).toEqual(inc);
        expect((await A.listIncidents({ status: 'open' })).map((i) => i.id)).toContain(inc.id);
        expect(await A.listIncidents({ status: 'closed' })).toEqual([]);
        expect(await A.listIncidents({ limit: 1 })).toHaveLength(1);
        const e = await failure(() => A.openIncident({ ...inc }));
        expect(e.code).toBe('conflict');
      });

      it('changes an incident\'s status: resolved_at set on resolve, kept on close, cleared on reopen; other orgs cannot', async () => {
        const inc = await incident(A, 'status-svc');
        const r = await A.setIncidentStatus(inc.id, 'resolved', '2024-05-01T11:00:00.000Z');
        expect(r).toMatchObject({ status: 'resolved', resolvedAt: '2024-05-01T11:00:00.000Z' });
        expect(await A.findOpenIncident('status-svc')).toBeNull();
        expect(await A.setIncidentStatus(inc.id, 'closed', '2024-05-01T12:00:00.000Z')).toMatchObject({ status: 'closed', resolvedAt: '2024-05-01T11:00:00.000Z' });
        expect(await A.setIncidentStatus(inc.id, 'open', '2024-05-01T13:00:00.000Z')).toMatchObject({ status: 'open', resolvedAt: null });
        expect(await B.setIncidentStatus(inc.id, 'resolved', '2024-05-01T14:00:00.000Z')).toBeNull();
        expect((await A.getIncident(inc.id))!.status).toBe('open');
        expect(await A.setIncidentStatus('no-such-incident', 'resolved', '2024-05-01T14:00:00.000Z')).toBeNull();
      });

      it('revises an incident\'s title and severity, each alone or both; other orgs cannot', async () => {
        const inc = await incident(A, 'revise-svc');
        expect(await A.reviseIncident(inc.id, { severity: 'sev1' })).toMatchObject({ title: inc.title, severity: 'sev1' });
        expect(await A.reviseIncident(inc.id, { title: 'payments down' })).toMatchObject({ title: 'payments down', severity: 'sev1' });
        expect(await B.reviseIncident(inc.id, { title: 'x', severity: 'sev4' })).toBeNull();
        expect(await A.getIncident(inc.id)).toMatchObject({ title: 'payments down', severity: 'sev1', status: inc.status });
        expect(await A.reviseIncident('no-such-incident', { severity: 'sev2' })).toBeNull();
      });

      it('shows open incidents to the correlator with the services and newest anomaly time of their evidence', async () => {
        const org = uid('corr');
        await store.createOrg({ id: org, name: 'c' });
        const O = store.forOrg(org);
        const inc = await incident(O, 'payments');
        expect(await O.openIncidentActivity()).toEqual([{ id: inc.id, service: 'payments', startedAt: inc.startedAt, openedBy: 'detector', lastTs: inc.startedAt, services: [] }]);
        await O.addEvidence([
          evidenceOf(inc.id, { data: { service: 'payments', ts: '2024-05-01T10:05:00.000Z' } }),
          evidenceOf(inc.id, { data: { service: 'checkout', ts: '2024-05-01T10:09:00.000Z' } }),
          evidenceOf(inc.id, { kind: 'note', data: { service: 'ignored', ts: '2024-05-01T11:00:00.000Z' } }),
        ]);
        const [a] = await O.transaction((tx) => tx.openIncidentActivity(10));
        expect(a).toMatchObject({ id: inc.id, lastTs: '2024-05-01T10:09:00.000Z' });
        expect([...a.services].sort()).toEqual(['checkout', 'payments']);
        expect(await store.forOrg(orgB).openIncidentActivity()).toEqual([]);
      });
    });
  });
}

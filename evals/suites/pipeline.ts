/**
 * Quick-tier eval of the thin end-to-end path on a seeded synthetic world: error-rate series for
 * several services, spikes injected in some, malformed items and secrets mixed into the batches.
 * Scores ingest fidelity, masking, incident recall and false incidents, evidence and the audit chain.
 */
import { seededRng } from '../../core/rng.js';
import { DEFAULT_ORG } from '../../app/config.js';
import { eventually, startEmbedded } from '../../app/embedded.js';
import type { Suite } from '../harness.js';

const SERVICES = ['frontend', 'cart', 'checkout', 'payments', 'catalog', 'search', 'shipping', 'email'];
const MINUTES = 30;
const SECRET = 'hunter2-very-secret';

export const pipelineSuite: Suite = {
  name: 'pipeline',
  description: 'signals → detection engine → correlation → incidents with evidence, on a seeded synthetic world',
  tier: 'quick',
  thresholds: [
    { metric: 'ingest_fidelity', op: '==', value: 1 },
    { metric: 'secrets_stored', op: '==', value: 0 },
    { metric: 'incident_recall', op: '>=', value: 1 },
    { metric: 'false_incidents', op: '<=', value: 0 },
    { metric: 'incidents_with_evidence', op: '==', value: 1 },
    { metric: 'audit_problems', op: '==', value: 0 },
  ],
  async run() {
    const rows: Record<string, string | number | boolean>[] = [];
    let fidelityOk = 0;
    let fidelityAll = 0;
    let secretsStored = 0;
    let recalled = 0;
    let faults = 0;
    let falseIncidents = 0;
    let withEvidence = 0;
    let incidentsTotal = 0;
    let auditProblems = 0;
    for (const seed of [1, 2, 3]) {
      const rng = seededRng(seed);
      const faulty = new Set(SERVICES.filter(() => rng() < 0.3));
      if (faulty.size === 0) faulty.add(SERVICES[Math.floor(rng() * SERVICES.length)]);
      const e = await startEmbedded('pglite');
      try {
        const c = e.client();
        const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
        const items: unknown[] = [];
        const bad = new Set<number>();
        for (let m = 0; m < MINUTES; m++) {
          for (const svc of SERVICES) {
            const spiking = faulty.has(svc) && m >= 20 && m < 25;
            const value = spiking ? 0.2 + rng() * 0.2 : 0.005 + rng() * 0.015;
            items.push({ source: 'prometheus', kind: 'metric', ts: t0 + m * 60_000, key: 'http_error_rate', value, labels: { service: svc } });
            items.push({ source: 'fluentbit', kind: 'log', ts: t0 + m * 60_000, key: svc, text: `GET /api 200 password=${SECRET}`, labels: { service: svc } });
            if (rng() < 0.05) {
              bad.add(items.length);
              items.push(rng() < 0.5 ? { source: 'prometheus', kind: 'metric', ts: 'yesterday', key: 'x', value: 1 } : { kind: 'trace', key: 'y' });
            }
          }
        }
        let accepted = 0;
        const rejectedIdx: number[] = [];
        for (let i = 0; i < items.length; i += 200) {
          const r = await c.post('/v1/signals/ingest', { signals: items.slice(i, i + 200) });
          accepted += r.body.accepted ?? 0;
          for (const x of r.body.rejected ?? []) rejectedIdx.push(i + x.index);
        }
        const fidelity = accepted === items.length - bad.size && rejectedIdx.length === bad.size && rejectedIdx.every((i) => bad.has(i));
        fidelityAll++;
        if (fidelity) fidelityOk++;

        const incidents = await eventually(async () => {
          const r = await c.get('/v1/incidents?limit=100');
          const services = new Set<string>(r.body.incidents.map((i: { service: string }) => i.service));
          return [...faulty].every((f) => services.has(f)) ? r.body.incidents : undefined;
        }, 15_000, 'incidents').catch(async () => (await c.get('/v1/incidents?limit=100')).body.incidents);
        await new Promise((r) => setTimeout(r, 300)); // let late messages land before counting false positives
        const opened = new Set<string>(incidents.map((i: { service: string }) => i.service));
        for (const f of faulty) if (opened.has(f)) recalled++;
        faults += faulty.size;
        falseIncidents += [...opened].filter((s) => !faulty.has(s)).length;
        for (const inc of incidents) {
          incidentsTotal++;
          const ev = await c.get(`/v1/incidents/${inc.id}/evidence`);
          if (ev.body.evidence.length > 0) withEvidence++;
        }
        const stored = await e.w.store().forOrg(DEFAULT_ORG).listSignals({ kind: 'log', limit: 100_000 });
        secretsStored += stored.filter((s) => s.text?.includes(SECRET)).length;
        const audit = await c.get('/v1/audit/verify');
        auditProblems += audit.body.problems.length;
        rows.push({ seed, items: items.length, malformed: bad.size, accepted, fidelity, faulty: [...faulty].join(' '), opened: [...opened].join(' ') });
      } finally {
        await e.stop();
      }
    }
    return {
      metrics: {
        ingest_fidelity: fidelityOk / fidelityAll,
        secrets_stored: secretsStored,
        incident_recall: recalled / faults,
        false_incidents: falseIncidents,
        incidents_with_evidence: incidentsTotal ? withEvidence / incidentsTotal : 0,
        audit_problems: auditProblems,
      },
      rows,
    };
  },
};

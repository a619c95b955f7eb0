/**
 * The agent eval's incidents: sandbox library scenarios replayed into one embedded PGlite store,
 * each into its own org (the orgs' row-level security keeps the scenarios apart), then opened and
 * analysed through the use cases as a responder would, with a few runbooks in the knowledge base.
 *
 * Replay: the world is stepped from the scenario's start (so earlier state is the same as in a
 * full run) and the signals stamped in [T − LEAD_MIN, T + FOLLOW_MIN] (T: the earliest fault's
 * injection) are validated by the ingest edge's own `prepareBatch` and stored. Pod metrics are
 * kept at one a minute and logs thinned to keep the quick tier quick; the streaming detectors do
 * run inline over the same batches and their anomalies are stored (they take part in the analysis).
 */
import { fastUlid } from '../../app/ids.js';
import { ManualClock } from '../../core/clock.js';
import type { OrgStore } from '../../core/ports/index.js';
import type { Scope } from '../../core/schemas.js';
import { DEFAULT_SECRET_MASKS } from '../../detectors/secrets.js';
import { DetectionEngine, slosFromTopology } from '../../detectors/stream/engine.js';
import { prepareBatch } from '../../ingest/edge.js';
import type { KnowledgeBase } from '../../kb/service.js';
import { dryRunRunner } from '../../remediate/runners/dryrun.js';
import { loadScenario } from '../../sim/edge/library.js';
import { flatten, groundTruthDoc, type GroundTruthDoc } from '../../sim/generate.js';
import { toTopologyInput } from '../../sim/topology.js';
import { World } from '../../sim/world.js';
import type { Store } from '../../core/ports/index.js';
import { memoryAnalysisCache } from '../../usecases/analysis-cache.js';
import { analyzeIncident } from '../../usecases/analyze.js';
import { openIncident } from '../../usecases/incidents.js';
import type { Principal } from '../../usecases/principal.js';
import { directSession, type Session, type UseCaseDeps } from '../../usecases/session.js';
import { putTopology } from '../../usecases/topology.js';
import { parseDuration } from '../../core/duration.js';

export const LEAD_MIN = 20;
export const FOLLOW_MIN = 15;
/** Log lines per minute over all 20 services (the library's scenarios use 1,200–3,000). */
export const EVAL_LOGS_PER_MIN = 200;

/** One replayed scenario: its org, the incident opened on it, and what really happened. */
export interface ReplayedIncident {
  scenario: string;
  orgId: string;
  incidentId: string;
  truth: GroundTruthDoc;
  /** The incident's start (the earliest fault's injection). */
  startMs: number;
  /** Sessions of a chat user in this org, with the given scopes (default read). */
  session(scopes?: Scope[]): Session;
  analysis: { verdict: string; top: string | null };
  signals: number;
  anomalies: number;
}

/** Runbooks indexed into every org, for runbook questions. */
export const RUNBOOKS: { uri: string; text: string }[] = [
  { uri: 'runbooks/disk-full.md', text: '# Disk full\n\n## Symptoms\n\nA volume is above 90% and writes fail with "No space left on device".\n\n## Fix\n\nFind the biggest folders with du, rotate or delete old WAL and log files, then expand the volume.\n' },
  { uri: 'runbooks/bad-deploy-rollback.md', text: '# Roll back a bad deploy\n\n## When\n\nErrors or latency rise right after a deploy.\n\n## Steps\n\nRoll the deployment back to the previous version with kubectl rollout undo, then watch the error rate.\n' },
  { uri: 'runbooks/certificate-expiry.md', text: '# Certificate expiry\n\n## Symptoms\n\nTLS handshakes fail with "certificate has expired".\n\n## Fix\n\nRenew the certificate with cert-manager, then restart the pods that cache it.\n' },
  { uri: 'runbooks/connection-pool.md', text: '# Connection pool exhaustion\n\n## Symptoms\n\nRequests time out waiting for a database connection; the pool is saturated.\n\n## Fix\n\nRaise the pool size or restart the service; look for slow queries holding connections.\n' },
  { uri: 'runbooks/dns-failure.md', text: '# DNS resolution failures\n\n## Symptoms\n\nLookups fail with NXDOMAIN or SERVFAIL.\n\n## Fix\n\nCheck CoreDNS pods and the upstream resolvers, then restart CoreDNS.\n' },
  { uri: 'runbooks/feature-flags.md', text: '# Feature flag misconfiguration\n\n## Symptoms\n\nErrors start right after a flag flip.\n\n## Fix\n\nFlip the flag back to its previous value in the flag service, then confirm the error rate drops.\n' },
];

/** The incident start of a scenario: its earliest fault's injection. */
export function incidentStart(sc: { startMs: number; faults: { at: string }[] }): number {
  return Math.min(...sc.faults.map((f) => sc.startMs + (parseDuration(f.at) ?? 0)));
}

/**
 * Replays `scenarioId` into org `orgId` of `store`, opens an incident on `incidentService` (default:
 * the scenario's entry service, where customers notice) at T, and analyses it, with `runbooks`
 * (default RUNBOOKS) in the org's knowledge base.
 */
export async function replayIncident(store: Store, kb: KnowledgeBase, scenarioId: string, orgId: string, o: { incidentService?: string; runbooks?: { uri: string; text: string }[] } = {}): Promise<ReplayedIncident> {
  const sc = loadScenario(scenarioId);
  const startMs = incidentStart(sc);
  const from = startMs - LEAD_MIN * 60_000;
  const to = startMs + FOLLOW_MIN * 60_000;
  await store.createOrg({ id: orgId, name: scenarioId });
  const org: OrgStore = store.forOrg(orgId);
  const deps: UseCaseDeps = {
    clock: new ManualClock(to),
    newId: () => fastUlid(to),
    masks: DEFAULT_SECRET_MASKS,
    runners: { dryrun: dryRunRunner },
    analysisCache: memoryAnalysisCache(),
  };
  const session = (scopes: Scope[] = ['read']): Session => {
    const p: Principal = { orgId, userId: 'oncall', scopes, via: 'chat', ref: 'eval:oncall' };
    return directSession(p, org, deps, () => undefined);
  };
  const writer = session(['read', 'plan', 'ingest']);
  await putTopology(writer, toTopologyInput(sc.topology));

  const w = new World(sc, { logsPerMin: EVAL_LOGS_PER_MIN, instanceMetrics: 'off' });
  // The streaming detectors over the same signals, in time order, as the ingest pipeline runs them.
  const engine = new DetectionEngine({ org: orgId });
  engine.setSlos(slosFromTopology(toTopologyInput(sc.topology)));
  // The mined log templates too, stored as the ingest pipeline stores them: what search_log_templates reads.
  let anomalies = 0;
  let signals = 0;
  let batch: unknown[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const { good } = prepareBatch(batch, orgId, { newId: () => fastUlid(to), masks: DEFAULT_SECRET_MASKS });
    batch = [];
    await org.insertSignals(good);
    signals += good.length;
    const found = engine.processBatch(good);
    if (found.anomalies.length) anomalies += (await org.insertAnomalies(found.anomalies)).length;
    if (found.templates.length) await org.upsertLogTemplates(found.templates);
  };
  while (!w.done && w.t < to + 5 * 60_000) {
    for (const s of flatten(w.step())) {
      const ms = typeof s.ts === 'number' ? s.ts : Date.parse(s.ts);
      if (ms >= from && ms < to) batch.push(s);
    }
    if (batch.length >= 5_000) await flush();
  }
  await flush();

  const truth = groundTruthDoc(w);
  const service = o.incidentService ?? sc.topology.entry.service;
  const incident = await openIncident(writer, { title: `${service}: customers see errors and slow pages`, service, severity: 'sev2', started_at: new Date(startMs).toISOString() });
  for (const d of o.runbooks ?? RUNBOOKS) await kb.index(org, { text: d.text, layout: 'markdown', mime: 'text/markdown', uri: d.uri, source: 'eval' });
  const a = await analyzeIncident(writer, incident.id, { anomalies: true, window: `${LEAD_MIN}m` });
  return {
    scenario: scenarioId,
    orgId,
    incidentId: incident.id,
    truth,
    startMs,
    session,
    analysis: { verdict: a.result.verdict, top: a.result.ranking[0]?.service ?? null },
    signals,
    anomalies,
  };
}

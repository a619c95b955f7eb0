/**
 * What the store contract suites share: the opener they take, fixtures, and helpers. Every suite
 * creates its own orgs, so all of them can run on one database (PGlite's cold start is seconds).
 */
import { beforeAll } from 'vitest';
import { ulid } from 'ulid';
import type { OrgStore, Store } from '../../core/ports/index.js';
import type { Evidence, FixPlan, Hypothesis, Signal } from '../../core/schemas.js';
import type { OpenedStore } from '../store.js';

/** Opens the database a suite runs on. Suites never close it: the opener's owner does (see `sharedStore`). */
export type StoreOpener = () => Promise<OpenedStore>;

/** One database for many suites: opened on first use, closed once by `close` (call it in an afterAll). */
export function sharedStore(open: StoreOpener): { open: StoreOpener; close: () => Promise<void> } {
  let opened: Promise<OpenedStore> | undefined;
  return {
    open: () => (opened ??= open()),
    close: async () => {
      if (!opened) return;
      const { store, admin } = await opened;
      await admin.close();
      await store.close();
    },
  };
}

/** Every table that carries org data under row-level security (orgs: keyed on id). */
export const TENANT_TABLES = [
  'users',
  'api_keys',
  'connectors',
  'signals',
  'topologies',
  'log_templates',
  'log_template_batches',
  'incidents',
  'anomalies',
  'evidence',
  'hypotheses',
  'hypothesis_evidence',
  'fix_plans',
  'approvals',
  'commands',
  'audit_log',
  'audit_heads',
  'idempotency_keys',
  'outbox',
  'docs',
  'chunks',
  'kb_terms',
  'analyses',
  'chat_rooms',
  'chat_cards',
  'verifications',
  'org_policies',
] as const;

/** The audit key the contract suites' stores sign with (store/pglite.test.ts, store/postgres.int.test.ts). */
export const TEST_AUDIT_KEY = Buffer.alloc(32, 7);

export const uid = (p: string): string => `${p}_${ulid().toLowerCase()}`;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs fn, expecting it to fail; returns the error. */
export async function failure(fn: () => Promise<unknown>): Promise<Error & { code?: string; extra?: Record<string, unknown> }> {
  try {
    await fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a failure, but the call succeeded');
}

export function signal(orgId: string, over: Partial<Signal> = {}): Signal {
  return {
    id: uid('sig'),
    orgId,
    source: 'test',
    kind: 'metric',
    ts: '2024-05-01T10:00:00.000Z',
    key: 'http_errors',
    value: 1,
    text: null,
    labels: { service: 'checkout' },
    meta: {},
    ...over,
  };
}

/** Creates two fresh orgs, "Org A" and "Org B", and returns their stores. */
export async function twoOrgs(store: Store, orgA: string, orgB: string): Promise<{ A: OrgStore; B: OrgStore }> {
  await store.createOrg({ id: orgA, name: 'Org A' });
  await store.createOrg({ id: orgB, name: 'Org B' });
  return { A: store.forOrg(orgA), B: store.forOrg(orgB) };
}

/**
 * Two fresh orgs of the opened store, made in the suite's `beforeAll` (a contract's usual start):
 * read `orgs.A` / `orgs.B` inside the tests, once they run.
 */
export function twoOrgsBeforeAll(open: StoreOpener): { orgA: string; orgB: string; A: OrgStore; B: OrgStore } {
  const orgs = { orgA: uid('orga'), orgB: uid('orgb') } as { orgA: string; orgB: string; A: OrgStore; B: OrgStore };
  beforeAll(async () => {
    Object.assign(orgs, await twoOrgs((await open()).store, orgs.orgA, orgs.orgB));
  });
  return orgs;
}

/** An incident of org `o`, with ids fresh per call. */
export async function incident(o: OrgStore, service = 'checkout') {
  return o.openIncident({
    id: uid('inc'),
    title: `${service} errors`,
    service,
    severity: 'sev2',
    startedAt: '2024-05-01T10:00:00.000Z',
    openedAt: '2024-05-01T10:01:00.000Z',
    openedBy: 'detector',
  });
}

export const evidenceOf = (incidentId: string, over: Partial<Evidence> = {}): Omit<Evidence, 'orgId' | 'createdAt'> => ({
  id: uid('ev'),
  incidentId,
  kind: 'anomaly',
  summary: 'error rate up 12x',
  ref: null,
  data: { z: 9.1 },
  ...over,
});

export const hypothesisOf = (incidentId: string, evidenceIds: string[], over: Partial<Hypothesis> = {}): Omit<Hypothesis, 'orgId' | 'createdAt'> => ({
  id: uid('hyp'),
  incidentId,
  rank: 1,
  statement: 'deploy 42 broke checkout',
  confidence: 0.8,
  service: 'checkout',
  changeId: 'deploy-42',
  evidenceIds,
  counterEvidence: [],
  whyNot: [{ alt: 'db', reason: 'db latency flat' }],
  ...over,
});

export const planOf = (incidentId: string): Omit<FixPlan, 'orgId' | 'createdAt' | 'updatedAt'> => ({
  id: uid('plan'),
  incidentId,
  title: 'roll back checkout',
  env: 'prod',
  runner: 'dryrun',
  risk: 'medium',
  steps: [{ action: 'rollback', target: 'checkout', params: { to: 'v41' }, command: 'kubectl rollout undo deploy/checkout' }],
  status: 'pending_approval',
  requestedBy: 'alice',
});


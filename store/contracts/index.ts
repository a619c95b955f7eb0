/**
 * The store's contract suites, one per port of core/ports/ (plus org-store.ts for what spans
 * them), each a factory taking an opener. `storeContracts` runs them all on one database per
 * engine (store/pglite.test.ts, store/postgres.int.test.ts); the knowledge-base suite runs on a
 * database of its own (store/kb.test.ts, store/kb.int.test.ts).
 */
import { afterAll } from 'vitest';
import { analysisStoreContract } from './analysis.js';
import { storedAnalysisStoreContract } from './analyses.js';
import { anomalyStoreContract } from './anomalies.js';
import { auditStoreContract } from './audit.js';
import { connectorStoreContract } from './connectors.js';
import { detectorStateStoreContract } from './detector-state.js';
import { evidenceStoreContract } from './evidence.js';
import { type StoreOpener, sharedStore } from './fixtures.js';
import { fixPlanStoreContract } from './fixplans.js';
import { incidentStoreContract } from './incidents.js';
import { logTemplateStoreContract } from './log-templates.js';
import { orgStoreContract } from './org-store.js';
import { orgTokenContract } from './org-token.js';
import { outboxStoreContract } from './outbox.js';
import { policyStoreContract } from './policies.js';
import { signalStoreContract } from './signals.js';
import { storeContract } from './store.js';
import { tenancyStoreContract } from './tenancy.js';
import { topologyStoreContract } from './topology.js';

export { kbStoreContract } from './kb.js';
export { sharedStore, signal, type StoreOpener, TEST_AUDIT_KEY } from './fixtures.js';

/** Every suite but the knowledge base's, in the order they run. */
export const STORE_CONTRACTS: readonly ((name: string, open: StoreOpener) => void)[] = [
  storeContract,
  tenancyStoreContract,
  orgTokenContract,
  connectorStoreContract,
  signalStoreContract,
  topologyStoreContract,
  incidentStoreContract,
  anomalyStoreContract,
  logTemplateStoreContract,
  evidenceStoreContract,
  analysisStoreContract,
  storedAnalysisStoreContract,
  fixPlanStoreContract,
  auditStoreContract,
  detectorStateStoreContract,
  outboxStoreContract,
  policyStoreContract,
  orgStoreContract,
];

/** Runs every suite of STORE_CONTRACTS against one engine, on one database opened once and closed after them. */
export function storeContracts(name: string, open: StoreOpener): void {
  const shared = sharedStore(open);
  afterAll(() => shared.close());
  for (const contract of STORE_CONTRACTS) contract(name, shared.open);
}

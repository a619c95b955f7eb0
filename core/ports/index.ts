/**
 * Port interfaces: the small seams between the core and its adapters, one file per concern. A
 * caller asks for the narrowest port it needs (`SignalStore`, `FixPlanStore`…); `OrgStore` is
 * all of a tenant's store ports together, with transactions and idempotency. Each port has one
 * contract suite that runs against every adapter:
 *
 * | port | adapters | contract suite |
 * |---|---|---|
 * | `Store` (platform: migrations, orgs, settings, roles) | PGlite, Postgres | store/contracts/store.ts |
 * | `OrgStore` across its ports (isolation, idempotency, transactions) | PGlite, Postgres | store/contracts/org-store.ts |
 * | `TenancyStore`, `ConnectorStore`, `SignalStore`, `TopologyStore`, `IncidentStore`, `AnomalyStore`, `EvidenceStore`, `AnalysisStore`, `StoredAnalysisStore`, `FixPlanStore`, `AuditStore`, `DetectorStateStore`, `OutboxStore`, `KbStore`, `LogTemplateStore`, `PolicyStore` | PGlite, Postgres | store/contracts/ (tenancy, connectors, signals, topology, incidents, anomalies, evidence, analysis, analyses, fixplans, audit, detector-state, outbox, kb, log-templates, policies) |
 * | `RoomRegistry`, `ChatDirectory` (chat.ts; stored through `ChatStore` and `TenancyStore`) | memory, org store on PGlite and Postgres | bot/chat/registry.contract.ts |
 * | `Bus` | in-process, NATS JetStream | bus/contract.ts |
 * | `Runner` | dry run, sandbox, kubernetes | remediate/runners/contract.ts |
 * | `Embedder` | local, OpenAI-compatible | kb/embedder.contract.ts |
 * | `DetectionHost` | inline, worker thread | ingest/detect-host.contract.ts |
 * | `ExternalPolicy` (external-policy.ts) | Open Policy Agent over its REST data API | app/opa.test.ts (against a local OPA server) |
 * | `GitHost` (git-host.ts) | GitHub through Octokit | remediate/runners/github.test.ts (against test-support/fake-github.ts) |
 */
export type * from './analysis.js';
export type * from './analyses.js';
export type * from './anomalies.js';
export type * from './chat-store.js';
export type * from './audit.js';
export * from './bus.js';
export type * from './connectors.js';
export type * from './detection-host.js';
export type * from './detector-state.js';
export * from './embedder.js';
export type * from './evidence.js';
export type * from './external-policy.js';
export type * from './fixplans.js';
export type * from './incidents.js';
export type * from './kb.js';
export type * from './live-state.js';
export type * from './log-templates.js';
export type * from './outbox.js';
export type * from './policies.js';
export type * from './runner.js';
export type * from './signals.js';
export type * from './store.js';
export type * from './tenancy.js';
export type * from './topology.js';

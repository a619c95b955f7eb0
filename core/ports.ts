/**
 * Port interfaces: the small seams between the core and its adapters. Each port has one
 * contract test suite that runs against every adapter (store: PGlite and Postgres; bus:
 * in-process and NATS JetStream).
 */
import type {
  Anomaly,
  ApiKeyRecord,
  Approval,
  AuditEntry,
  AuditInput,
  CommandRecord,
  Connector,
  ConnectorInput,
  Evidence,
  FixPlan,
  Hypothesis,
  Incident,
  Org,
  PlanStatus,
  Scope,
  Signal,
  SignalKind,
  Topology,
  TopologyInput,
  User,
} from './schemas.js';

// ---- store ------------------------------------------------------------------------------

export interface StoredResponse {
  status: number;
  body: unknown;
}

export interface IdempotencyRequest {
  key: string;
  method: string;
  path: string;
  /** sha256 of method, path and the raw body: a retry must send the same bytes. */
  requestHash: string;
}

export interface OutboxMessage {
  id: string;
  orgId: string;
  subject: Subject;
  payload: unknown;
  createdAt: string;
  /** A richer in-process form of the payload (never serialised), handed to a consumer in this process. */
  local?: unknown;
}

/** An open incident as the correlator sees it (signal time, not wall time). */
export interface OpenIncidentActivity {
  id: string;
  service: string;
  startedAt: string;
  /** `detector`, or the user who opened it. */
  openedBy: string;
  /** Newest anomaly time among its evidence (startedAt when it has none). */
  lastTs: string;
  /** Services its anomaly evidence is about. */
  services: string[];
}

export interface SignalQuery {
  from?: string;
  to?: string;
  kind?: SignalKind;
  service?: string;
  limit?: number;
}

// ---- root-cause analysis (issue 5) --------------------------------------------------------

/** A range of signals to analyse; both ends inclusive. */
export interface AnalysisSignalsQuery {
  from: string;
  to: string;
  /** Changes (deploy, flag, event) are read from here on (default `from`): the change window may begin earlier. */
  changesFrom?: string;
  /** false: no changes (e.g. when reading a baseline period). Default true. */
  changes?: boolean;
  /** Caps (defaults 2,000,000 and 1,000,000): past them the rest is not read and `truncated` is set. */
  maxMetricPoints?: number;
  maxLogLines?: number;
}

/** Caller → callee service, seen `n` times in trace spans. */
export interface SpanCall {
  caller: string;
  callee: string;
  n: number;
}

/** Signals reduced to what analysis reads. Service: the `service` label (or service_name, app, job); instance: instance, pod, host or shard. */
export interface AnalysisSignals {
  /** One entry per service, metric and instance; `ts` (epoch ms) and `values` pair up, in no particular order. */
  series: { service: string; metric: string; instance: string | null; ts: number[]; values: number[] }[];
  /** Log lines with a service and a text, in no particular order (epoch ms); `id` is the signal id. */
  logs: { ts: number; service: string; instance: string | null; text: string; id: string }[];
  /** Deploy, flag and event signals, oldest first (trace spans are not changes: see `calls`). */
  changes: Signal[];
  /**
   * Calls seen in trace spans (event signals with `meta.span_id`) of the range: a child span's
   * service called its parent span's, `n` times; only with `changes`.
   */
  calls: SpanCall[];
  metricPoints: number;
  /** A cap was reached: the range holds more than was read. */
  truncated: boolean;
}

// ---- knowledge base -----------------------------------------------------------------------

/** A document as stored (its chunks are stored with it and replaced with it). */
export interface KbDocumentInput {
  id: string;
  title: string;
  /** Where it came from: "upload", "folder:<name>", "cli"… */
  source: string;
  /** Its path or URL, when it has one (the identity of a re-upload). */
  uri: string | null;
  mime: string;
  /** sha256 of the extracted text: re-indexing identical content is a no-op. */
  contentHash: string;
  bytes: number;
  meta: Record<string, unknown>;
}
export interface KbDocument extends KbDocumentInput {
  orgId: string;
  chunkCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface KbEmbedding {
  model: string;
  /** Native dimension of the model (the stored vector is zero-padded to 1536 where pgvector is used). */
  dim: number;
  /** Unit-length, `dim` numbers. */
  vector: number[];
}

export interface KbChunkInput {
  id: string;
  ord: number;
  /** The chunk as shown in citations (secrets already masked). */
  text: string;
  headingPath: string[];
  lineStart: number;
  lineEnd: number;
  contentHash: string;
  /** Full-text input, weight A: the document title (compound identifiers as words). */
  lexicalTitle: string;
  /** Full-text input, weight B: the headings below the title. */
  lexicalHeadings: string;
  /** Full-text input, weight D: the body (compound identifiers kept and split). */
  lexicalBody: string;
  embedding: KbEmbedding | null;
}

export interface KbChunkHit {
  chunkId: string;
  docId: string;
  title: string;
  uri: string | null;
  ord: number;
  text: string;
  headingPath: string[];
  lineStart: number;
  lineEnd: number;
  /** Lexical: the rank score; vector: cosine similarity. */
  score: number;
}

export interface KbSearchRequest {
  /** Full-text terms, OR-ed (none: no lexical list). */
  terms: string[];
  /** Query vector of the active model (null: no vector list). */
  vector: KbEmbedding | null;
  /** Candidates per list. */
  limit: number;
}

export interface KbSearchCandidates {
  lexical: KbChunkHit[];
  vector: KbChunkHit[];
  /** true when vectors were compared exhaustively (no pgvector index on this server). */
  exact: boolean;
}

/** What an incident says about itself, to steer a knowledge search. */
export interface KbIncidentContext {
  incident: Incident;
  /** Log templates of the incident's service, most frequent first, and log-cluster evidence. */
  templates: string[];
  /** Alert names and series of the incident's anomalies and evidence. */
  alerts: string[];
}

/**
 * Everything a tenant does. Every call runs with row-level security set to this org; a call
 * on the object handed to `transaction` joins that transaction, any other call is its own.
 */
export interface OrgStore {
  readonly orgId: string;
  transaction<T>(fn: (tx: OrgStore) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` once per idempotency key: the first call stores fn's response in the same
   * transaction as its effects; a retry with the same request hash gets the stored response
   * (replayed: true); a retry with another hash fails with AppError('idempotency_mismatch').
   * Concurrent calls with one key are serialised by the database.
   */
  idempotent(req: IdempotencyRequest, fn: (tx: OrgStore) => Promise<StoredResponse>): Promise<StoredResponse & { replayed: boolean }>;
  /** The response stored under an idempotency key, without claiming it (null when none is); another request under the key is an error. */
  storedResponse(req: IdempotencyRequest): Promise<StoredResponse | null>;

  upsertUser(u: { id: string; name: string; email?: string | null; role: User['role'] }): Promise<User>;
  getUser(id: string): Promise<User | null>;
  /** Revokes the active keys with this id or name (a revoked key no longer authenticates); returns the ids revoked. */
  revokeApiKeys(q: { id?: string; name?: string }, at: string): Promise<string[]>;
  createApiKey(k: { id: string; userId: string; name: string; scopes: Scope[]; hash: string }): Promise<ApiKeyRecord>;

  /** Stores signals; a signal whose id is already stored is skipped and reported as a duplicate. */
  insertSignals(signals: Signal[]): Promise<{ inserted: number; duplicates: string[] }>;
  /** The signals with these ids (missing ids are skipped), oldest first. */
  getSignals(ids: string[]): Promise<Signal[]>;
  listSignals(q: SignalQuery): Promise<Signal[]>;

  /** Replaces the service graph; the version increases by one on every put. */
  putTopology(t: TopologyInput): Promise<Topology>;
  getTopology(): Promise<Topology | null>;

  createConnector(c: ConnectorInput & { id: string }): Promise<Connector>;
  listConnectors(): Promise<Connector[]>;

  /** Stores anomalies; ids are deterministic, so a re-delivered batch inserts nothing new. Returns the ids inserted. */
  insertAnomalies(a: Omit<Anomaly, 'orgId'>[]): Promise<string[]>;
  listAnomalies(q: { service?: string; from?: string; to?: string; limit?: number }): Promise<Anomaly[]>;

  openIncident(i: Pick<Incident, 'id' | 'title' | 'service' | 'severity' | 'startedAt' | 'openedAt' | 'openedBy'>): Promise<Incident>;
  /**
   * The open incident of a service, if any (used to attach instead of opening a second one).
   * Inside a transaction it also serialises, until commit, every other caller for that service.
   */
  findOpenIncident(service: string): Promise<Incident | null>;
  /**
   * Open incidents (newest first, at most `limit`) with the services their anomaly evidence is
   * about and the newest anomaly time in it; holds the org's correlation lock to the end of the
   * transaction, so concurrent correlators take turns.
   */
  openIncidentActivity(limit?: number): Promise<OpenIncidentActivity[]>;
  /** A detector checkpoint saved by putDetectorState, or null. */
  getDetectorState(name: string): Promise<{ state: unknown; savedAt: string } | null>;
  /** Replaces a detector checkpoint. */
  putDetectorState(name: string, state: unknown): Promise<void>;
  listIncidents(q: { status?: Incident['status']; limit?: number }): Promise<Incident[]>;
  /** Sets the status (resolved_at follows: set on resolve/close, cleared on reopen); null when there is no such incident. */
  setIncidentStatus(id: string, status: Incident['status'], at: string): Promise<Incident | null>;
  /** Replaces the title and/or severity (a worse finding joined it); null when there is no such incident. */
  reviseIncident(id: string, to: Partial<Pick<Incident, 'title' | 'severity'>>): Promise<Incident | null>;
  getIncident(id: string): Promise<Incident | null>;

  /** Rows in the given order; `skipExisting` skips ids already stored and returns only the rows inserted. */
  addEvidence(e: Omit<Evidence, 'orgId' | 'createdAt'>[], opts?: { skipExisting?: boolean }): Promise<Evidence[]>;
  listEvidence(incidentId: string): Promise<Evidence[]>;
  /** The database refuses (at commit) a hypothesis that cites no evidence row of its incident. */
  addHypotheses(h: Omit<Hypothesis, 'orgId' | 'createdAt'>[]): Promise<Hypothesis[]>;
  listHypotheses(incidentId: string): Promise<Hypothesis[]>;

  createFixPlan(p: Omit<FixPlan, 'orgId' | 'createdAt' | 'updatedAt'>): Promise<FixPlan>;
  getFixPlan(id: string): Promise<FixPlan | null>;
  /** Compare-and-set: moves the plan to `to` only if its status is one of `from`; null otherwise. */
  /** Compare-and-set on the status; with `idleMs`, only when the plan's `updatedAt` (its heartbeat while executing) is at least that old. */
  transitionFixPlan(id: string, from: PlanStatus[], to: PlanStatus, idleMs?: number): Promise<FixPlan | null>;
  /** Renews an executing plan's heartbeat (its `updatedAt`); false when it is no longer executing. */
  heartbeatFixPlan(id: string): Promise<boolean>;
  addApproval(a: Omit<Approval, 'orgId' | 'createdAt'>): Promise<Approval>;
  listApprovals(planId: string): Promise<Approval[]>;
  addCommand(c: Omit<CommandRecord, 'orgId'>): Promise<CommandRecord>;
  listCommands(planId: string): Promise<CommandRecord[]>;

  /** Appends to this org's hash chain (serialised per org). `ts` defaults to now. */
  appendAudit(e: AuditInput & { ts?: string }): Promise<AuditEntry>;
  listAudit(q?: { afterSeq?: number; limit?: number }): Promise<AuditEntry[]>;
  auditHead(): Promise<{ seq: number; hash: string } | null>;

  /** Queues a bus message in the caller's transaction; it is published after commit (ids are unique across orgs). */
  enqueueOutbox(m: { id: string; subject: Subject; payload: unknown }): Promise<void>;

  // knowledge base
  /**
   * Stores a document and replaces all its chunks in one transaction (readers see the old or
   * the new version, never a mix). Chunks with the same content hash within the document must
   * be merged by the caller.
   */
  kbPutDocument(doc: KbDocumentInput, chunks: KbChunkInput[]): Promise<{ document: KbDocument; status: 'created' | 'replaced' }>;
  kbGetDocument(id: string): Promise<KbDocument | null>;
  kbListDocuments(q?: { source?: string; limit?: number }): Promise<KbDocument[]>;
  /** Deletes a document and its chunks; false when there was none. */
  kbDeleteDocument(id: string): Promise<boolean>;
  /** Stored vectors of chunks with these content hashes under `model` (to reuse instead of re-embedding). */
  kbEmbeddingsByHash(model: string, hashes: string[]): Promise<Map<string, KbEmbedding>>;
  /** Chunks not embedded with `model` (other model, or none), oldest documents first. */
  kbChunksToEmbed(model: string, limit: number): Promise<{ id: string; docTitle: string; text: string; headingPath: string[]; contentHash: string }[]>;
  kbSetEmbeddings(rows: { id: string; embedding: KbEmbedding }[]): Promise<number>;
  /** Two ranked candidate lists: full-text and nearest vectors of the active model. */
  kbSearch(req: KbSearchRequest): Promise<KbSearchCandidates>;
  kbIncidentContext(incidentId: string): Promise<KbIncidentContext | null>;
  kbStats(): Promise<{ documents: number; chunks: number; byModel: Record<string, number> }>;

  // ---- root-cause analysis (issue 5) ----
  /** Metric series, log lines and changes of one time range, in the compact form analysis reads. */
  readAnalysisSignals(q: AnalysisSignalsQuery): Promise<AnalysisSignals>;
  /** Time of the newest signal with from <= ts <= to, or null when there is none. */
  lastSignalAt(q: { from: string; to: string }): Promise<string | null>;
  /** Fingerprint of the signals with from <= ts <= to (count and newest ingest time): changes when one is added. */
  signalWatermark(q: { from: string; to: string }): Promise<string>;
}

export interface Store {
  readonly engine: 'pglite' | 'postgres';
  /** Whether pgvector is installed (HNSW search) or chunks fall back to exact search. */
  readonly hasVector: boolean;
  /** Creates an org; runs under that org's row-level security like any tenant write. */
  createOrg(o: { id: string; name: string }): Promise<Org>;
  getOrg(id: string): Promise<Org | null>;
  /** Resolves a key hash across orgs through a narrow security-definer function. */
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null>;
  forOrg(orgId: string): OrgStore;
  /**
   * Unpublished outbox rows across orgs, oldest first (security-definer function); rows younger
   * than minAgeMs (default 0) are left to the process that is publishing them.
   */
  pendingOutbox(limit: number, minAgeMs?: number): Promise<OutboxMessage[]>;
  /**
   * Executing fix plans of any org whose heartbeat (`updatedAt`) is older than `staleMs`: the
   * process running them is gone (security-definer function). Oldest first, at most `limit`.
   */
  orphanedFixPlans(staleMs: number, limit?: number): Promise<{ id: string; orgId: string; heartbeatAt: string }[]>;
  markOutboxPublished(ids: string[]): Promise<void>;
  /**
   * Platform settings (not tenant data), e.g. the hash of a generated admin key. Stores `value`
   * unless the setting exists; returns the stored value either way, so concurrent starts agree.
   */
  claimSetting(name: string, value: string): Promise<string>;
  /**
   * Takes an exclusive role among the processes sharing this database (e.g. `detect`: the
   * detection engines hold per-series state, so one process must see all of an org's signals), or
   * null when another holder has it. Held until released, the process dies, or its database
   * connection drops (`lost` settles then).
   */
  lead(role: string): Promise<Lead | null>;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** An exclusive role held among the processes that share one database (`Store.lead`). */
export interface Lead {
  readonly role: string;
  /** Settles once the role is no longer held: released, or lost (the connection holding it dropped). */
  readonly lost: Promise<void>;
  /** Gives the role up; idempotent. */
  release(): Promise<void>;
}

/**
 * Owner-level operations for the CLI and tests only (never reachable from the API): they
 * bypass row-level security.
 */
export interface AdminStore {
  listOrgIds(): Promise<string[]>;
  auditEntries(orgId: string): Promise<AuditEntry[]>;
  auditHead(orgId: string): Promise<{ seq: number; hash: string } | null>;
  /** Raw SQL as the owner, e.g. to tamper with rows in tests. */
  exec(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  close(): Promise<void>;
}

// ---- bus --------------------------------------------------------------------------------

export const SUBJECTS = [
  'signal.ingest',
  'signal.detect',
  'signal.correlate',
  'rca.make',
  'rag.answer',
  'fix.plan',
  'fix.preflight',
  'fix.execute',
  'verify.run',
  'export.make',
  'incident.updated',
] as const;
export type Subject = (typeof SUBJECTS)[number];

export interface BusMessage<T = unknown> {
  /** Publisher-chosen id: publishing the same id twice delivers it once per group. */
  id: string;
  subject: Subject;
  orgId: string;
  payload: T;
  /** 1 on first delivery, then 2, 3… on redelivery. */
  deliveryCount: number;
}

export interface DeadLetter {
  message: BusMessage;
  group: string;
  reason: string;
  failedAt: string;
}

export interface SubscribeOptions {
  /** Consumer group: each message goes to one member of each group. */
  group: string;
  /** Deliveries before the message is dead-lettered (default 5). */
  maxDeliver?: number;
  /** Delay before a failed message is delivered again (default 1000 ms). */
  retryDelayMs?: number;
  /** Messages handled at once by this subscriber (default 1). */
  concurrency?: number;
}

/**
 * At-least-once delivery with explicit ack: a handler that resolves acks, one that throws is
 * retried until maxDeliver, then the message goes to the dead-letter subject `dlq.<subject>`
 * with the error as its reason. Handlers must be idempotent; the bus also skips a message id
 * a group has already acked.
 */
export interface Bus {
  readonly kind: 'inproc' | 'nats';
  publish<T>(subject: Subject, m: { id: string; orgId: string; payload: T }): Promise<void>;
  subscribe<T>(subject: Subject, handler: (m: BusMessage<T>) => Promise<void>, opts: SubscribeOptions): Promise<Subscription>;
  /** Receives dead letters of one subject. */
  subscribeDeadLetters(subject: Subject, handler: (d: DeadLetter) => Promise<void>): Promise<Subscription>;
  close(): Promise<void>;
}

export interface Subscription {
  unsubscribe(): Promise<void>;
}

/**
 * The `Store`, `OrgStore` and `AdminStore` ports, implemented once over a `Db` (either engine).
 * Each OrgStore method is one tenant transaction, or joins the transaction of the OrgStore
 * handed to `transaction()` / `idempotent()`.
 */
import type {
  AdminStore,
  AnalysisSignals,
  AnalysisSignalsQuery,
  StoredAnalysis,
  IdempotencyRequest,
  KbChunkInput,
  KbDocument,
  KbDocumentInput,
  KbEmbedding,
  KbIncidentContext,
  KbSearchCandidates,
  KbSearchRequest,
  LogTemplate,
  LogTemplateQuery,
  LogTemplateUpdate,
  MetricBatchQuery,
  MetricBucket,
  MetricName,
  MetricSeries,
  MetricSeriesQuery,
  OpenIncidentActivity,
  NewUser,
  NewVerification,
  OrgStore,
  OutboxMessage,
  SignalQuery,
  StoredPolicySet,
  Store,
  StoredResponse,
  Subject,
  UserPatch,
} from '../core/ports/index.js';
import type { ChatRoom, MessageRef, PostedCard, RoomRef, SurfaceName } from '../core/ports/chat.js';
import type {
  Anomaly,
  ApiKeyRecord,
  Approval,
  AuditEntry,
  AuditInput,
  CommandRecord,
  PreflightRecord,
  VerificationRecord,
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
  Topology,
  TopologyInput,
  User,
} from '../core/schemas.js';
import type { CommandSigner, SigningKeyInfo } from '../core/signing.js';
import * as analysis from './repo/analysis.js';
import * as analyses from './repo/analyses.js';
import * as audit from './repo/audit.js';
import * as verif from './repo/verifications.js';
import * as chat from './repo/chat.js';
import * as fix from './repo/fixplans.js';
import * as inc from './repo/incidents.js';
import * as det from './repo/detection.js';
import * as infra from './repo/infra.js';
import * as kb from './repo/kb.js';
import * as lt from './repo/log-templates.js';
import * as met from './repo/metrics.js';
import * as pol from './repo/policies.js';
import * as sig from './repo/signals.js';
import * as ten from './repo/tenancy.js';
import * as topo from './repo/topology.js';
import { type Db, type Row, type SqlSession, mapDbError } from './sql.js';
import { readSigningKey } from './signing-key.js';

async function mapped<T>(p: () => Promise<T>): Promise<T> {
  try {
    return await p();
  } catch (e) {
    throw mapDbError(e);
  }
}

class PgOrgStore implements OrgStore {
  constructor(
    private readonly db: Db,
    readonly orgId: string,
    /** Set when this object belongs to an open transaction. */
    private readonly session: SqlSession | null = null,
    /** Whether chunks carry a pgvector column (else exact search over real[]). */
    private readonly hasVector = false,
    /** In-memory vectors for exact search (one per store). */
    private readonly vectors: kb.VectorCache = new kb.VectorCache(),
    /** The audit key (HMAC of each entry); null: unkeyed digests. */
    private readonly auditKey: Uint8Array | null = null,
    /** Signs every command recorded (core/signing.ts); null: commands are stored unsigned. */
    private readonly signer: CommandSigner | null = null,
  ) {}

  private run<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
    const s = this.session;
    if (s) return mapped(() => fn(s));
    return mapped(() => this.db.tenant(this.orgId, fn));
  }

  transaction<T>(fn: (tx: OrgStore) => Promise<T>): Promise<T> {
    if (this.session) return fn(this);
    return this.run((s) => fn(new PgOrgStore(this.db, this.orgId, s, this.hasVector, this.vectors, this.auditKey, this.signer)));
  }

  idempotent(req: IdempotencyRequest, fn: (tx: OrgStore) => Promise<StoredResponse>, opts: { reserved?: boolean } = {}): Promise<StoredResponse & { replayed: boolean }> {
    return this.run(async (s) => {
      const stored = opts.reserved ? await infra.claimReservedKey(s, this.orgId, req) : await infra.claimIdempotencyKey(s, this.orgId, req);
      if (stored) return { ...stored, replayed: true };
      const res = await fn(this.session ? this : new PgOrgStore(this.db, this.orgId, s, this.hasVector, this.vectors, this.auditKey, this.signer));
      await infra.saveIdempotentResponse(s, this.orgId, req.key, res);
      return { ...res, replayed: false };
    });
  }

  storedResponse(req: IdempotencyRequest): Promise<StoredResponse | null> {
    return this.run((s) => infra.findIdempotentResponse(s, this.orgId, req));
  }

  reserveIdempotencyKey(req: IdempotencyRequest, staleMs: number) {
    return this.run((s) => infra.reserveIdempotencyKey(s, this.orgId, req, staleMs));
  }

  releaseIdempotencyKey(req: IdempotencyRequest): Promise<void> {
    return this.run((s) => infra.releaseIdempotencyKey(s, this.orgId, req));
  }

  upsertUser(u: { id: string; name: string; email?: string | null; role: User['role'] }): Promise<User> {
    return this.run((s) => ten.upsertUser(s, this.orgId, u));
  }
  getUser(id: string): Promise<User | null> {
    return this.run((s) => ten.getUser(s, this.orgId, id));
  }
  listUsers(): Promise<User[]> {
    return this.run((s) => ten.listUsers(s, this.orgId));
  }
  createUser(u: NewUser): Promise<User> {
    return this.run((s) => ten.createUser(s, this.orgId, u));
  }
  updateUser(id: string, patch: UserPatch): Promise<User | null> {
    return this.run((s) => ten.updateUser(s, this.orgId, id, patch));
  }
  findUserByChat(surface: 'slack' | 'teams', id: string): Promise<User | null> {
    return this.run((s) => ten.findUserByChat(s, this.orgId, surface, id));
  }
  findUserByEmail(email: string): Promise<User | null> {
    return this.run((s) => ten.findUserByEmail(s, this.orgId, email));
  }

  chatRoom(incidentId: string, surface: SurfaceName): Promise<ChatRoom | null> {
    return this.run((s) => chat.chatRoom(s, this.orgId, incidentId, surface));
  }
  claimChatRoom(incidentId: string, surface: SurfaceName, now: Date, staleMs: number): Promise<boolean> {
    return this.run((s) => chat.claimChatRoom(s, this.orgId, incidentId, surface, now, staleMs));
  }
  saveChatRoom(incidentId: string, room: RoomRef, now: Date): Promise<void> {
    return this.run((s) => chat.saveChatRoom(s, this.orgId, incidentId, room, now));
  }
  chatRoomAt(where: RoomRef): Promise<ChatRoom | null> {
    return this.run((s) => chat.chatRoomAt(s, this.orgId, where));
  }
  chatCard(cardId: string, surface: SurfaceName): Promise<PostedCard | null> {
    return this.run((s) => chat.chatCard(s, this.orgId, cardId, surface));
  }
  claimChatCard(incidentId: string, cardId: string, surface: SurfaceName, now: Date, staleMs: number): Promise<boolean> {
    return this.run((s) => chat.claimChatCard(s, this.orgId, incidentId, cardId, surface, now, staleMs));
  }
  saveChatCard(cardId: string, surface: SurfaceName, message: MessageRef, digest: string, now: Date): Promise<void> {
    return this.run((s) => chat.saveChatCard(s, this.orgId, cardId, surface, message, digest, now));
  }
  revokeApiKeys(q: { id?: string; name?: string }, at: string): Promise<string[]> {
    return this.run((s) => ten.revokeApiKeys(s, this.orgId, q, at));
  }
  createApiKey(k: { id: string; userId: string; name: string; scopes: Scope[]; hash: string }): Promise<ApiKeyRecord> {
    return this.run((s) => ten.createApiKey(s, this.orgId, k));
  }

  insertSignals(signals: Signal[]): Promise<{ inserted: number; duplicates: string[]; failed: sig.RefusedSignal[] }> {
    if (signals.length === 0) return Promise.resolve({ inserted: 0, duplicates: [], failed: [] });
    return this.run((s) => sig.insertSignals(s, this.orgId, signals));
  }
  listChanges(q: Omit<SignalQuery, 'kind'>): Promise<Signal[]> {
    return this.run((s) => sig.listChanges(s, this.orgId, q));
  }
  getSignals(ids: string[]): Promise<Signal[]> {
    return this.run((s) => sig.getSignals(s, this.orgId, ids));
  }
  listSignals(q: SignalQuery): Promise<Signal[]> {
    return this.run((s) => sig.listSignals(s, this.orgId, q));
  }
  readMetricSeries(q: MetricSeriesQuery): Promise<MetricSeries> {
    return this.run((s) => met.readMetricSeries(s, this.orgId, q));
  }
  readMetricSeriesBatch(q: MetricBatchQuery): Promise<{ service: string; metric: string; points: MetricBucket[] }[]> {
    return this.run((s) => met.readMetricSeriesBatch(s, this.orgId, q));
  }
  listMetricNames(q: { service: string; from?: string; to?: string }): Promise<MetricName[]> {
    return this.run((s) => met.listMetricNames(s, this.orgId, q));
  }

  upsertLogTemplates(updates: LogTemplateUpdate[], opts?: { batchId?: string }): Promise<{ applied: boolean; upserted: number }> {
    if (updates.length === 0 && opts?.batchId === undefined) return Promise.resolve({ applied: true, upserted: 0 });
    return this.run((s) => lt.upsertLogTemplates(s, this.orgId, updates, opts));
  }
  searchLogTemplates(q: LogTemplateQuery): Promise<LogTemplate[]> {
    return this.run((s) => lt.searchLogTemplates(s, this.orgId, q));
  }
  getLogTemplate(id: string): Promise<LogTemplate | null> {
    return this.run((s) => lt.getLogTemplate(s, this.orgId, id));
  }

  putTopology(t: TopologyInput): Promise<Topology> {
    return this.run((s) => topo.putTopology(s, this.orgId, t));
  }
  getTopology(): Promise<Topology | null> {
    return this.run((s) => topo.getTopology(s, this.orgId));
  }
  putPolicySet(p: { name: string; text: string; sha256: string; updatedBy: string }): Promise<{ policySet: StoredPolicySet; created: boolean }> {
    return this.run((s) => pol.putPolicySet(s, this.orgId, p));
  }
  listPolicySets(): Promise<StoredPolicySet[]> {
    return this.run((s) => pol.listPolicySets(s, this.orgId));
  }
  deletePolicySet(name: string): Promise<StoredPolicySet | null> {
    return this.run((s) => pol.deletePolicySet(s, this.orgId, name));
  }
  createConnector(c: ConnectorInput & { id: string }): Promise<Connector> {
    return this.run((s) => topo.createConnector(s, this.orgId, c));
  }
  listConnectors(): Promise<Connector[]> {
    return this.run((s) => topo.listConnectors(s, this.orgId));
  }

  insertAnomalies(a: Omit<Anomaly, 'orgId'>[]): Promise<string[]> {
    if (a.length === 0) return Promise.resolve([]);
    return this.run((s) => inc.insertAnomalies(s, this.orgId, a));
  }
  listAnomalies(q: { service?: string; from?: string; to?: string; limit?: number; newestFirst?: boolean }): Promise<Anomaly[]> {
    return this.run((s) => inc.listAnomalies(s, this.orgId, q));
  }
  getAnomaly(id: string): Promise<Anomaly | null> {
    return this.run((s) => inc.getAnomaly(s, this.orgId, id));
  }
  openIncidentActivity(limit = 200): Promise<OpenIncidentActivity[]> {
    return this.run((s) => det.openIncidentActivity(s, this.orgId, limit));
  }
  getDetectorState(name: string): Promise<{ state: unknown; savedAt: string } | null> {
    return this.run((s) => det.getDetectorState(s, this.orgId, name));
  }
  putDetectorState(name: string, state: unknown): Promise<void> {
    return this.run((s) => det.putDetectorState(s, this.orgId, name, state));
  }

  openIncident(i: Pick<Incident, 'id' | 'title' | 'service' | 'severity' | 'startedAt' | 'openedAt' | 'openedBy'>): Promise<Incident> {
    return this.run((s) => inc.openIncident(s, this.orgId, i));
  }
  findOpenIncident(service: string): Promise<Incident | null> {
    return this.run((s) => inc.findOpenIncident(s, this.orgId, service));
  }
  listIncidents(q: { status?: Incident['status']; limit?: number }): Promise<Incident[]> {
    return this.run((s) => inc.listIncidents(s, this.orgId, q));
  }
  setIncidentStatus(id: string, status: Incident['status'], at: string): Promise<Incident | null> {
    return this.run((s) => inc.setIncidentStatus(s, this.orgId, id, status, at));
  }
  reviseIncident(id: string, to: Partial<Pick<Incident, 'title' | 'severity'>>): Promise<Incident | null> {
    return this.run((s) => inc.reviseIncident(s, this.orgId, id, to));
  }
  getIncident(id: string): Promise<Incident | null> {
    return this.run((s) => inc.getIncident(s, this.orgId, id));
  }

  addEvidence(e: Omit<Evidence, 'orgId' | 'createdAt'>[], opts?: { skipExisting?: boolean }): Promise<Evidence[]> {
    if (e.length === 0) return Promise.resolve([]);
    return this.run((s) => inc.addEvidence(s, this.orgId, e, opts));
  }
  listEvidence(incidentId: string): Promise<Evidence[]> {
    return this.run((s) => inc.listEvidence(s, this.orgId, incidentId));
  }
  listEvidenceOf(incidentIds: string[]): Promise<Evidence[]> {
    return this.run((s) => inc.listEvidenceOf(s, this.orgId, incidentIds));
  }
  addHypotheses(h: Omit<Hypothesis, 'orgId' | 'createdAt'>[], opts?: { skipExisting?: boolean }): Promise<Hypothesis[]> {
    if (h.length === 0) return Promise.resolve([]);
    return this.run((s) => inc.addHypotheses(s, this.orgId, h, opts));
  }
  listHypotheses(incidentId: string): Promise<Hypothesis[]> {
    return this.run((s) => inc.listHypotheses(s, this.orgId, incidentId));
  }
  listHypothesesOf(incidentIds: string[]): Promise<Hypothesis[]> {
    return this.run((s) => inc.listHypothesesOf(s, this.orgId, incidentIds));
  }

  createFixPlan(p: Omit<FixPlan, 'orgId' | 'createdAt' | 'updatedAt'>): Promise<FixPlan> {
    return this.run((s) => fix.createFixPlan(s, this.orgId, p));
  }
  getFixPlan(id: string): Promise<FixPlan | null> {
    return this.run((s) => fix.getFixPlan(s, this.orgId, id));
  }

  listFixPlans(incidentId: string): Promise<FixPlan[]> {
    return this.run((s) => fix.listFixPlans(s, this.orgId, incidentId));
  }
  transitionFixPlan(id: string, from: PlanStatus[], to: PlanStatus, idleMs?: number): Promise<FixPlan | null> {
    return this.run((s) => fix.transitionFixPlan(s, this.orgId, id, from, to, idleMs));
  }

  heartbeatFixPlan(id: string): Promise<boolean> {
    return this.run((s) => fix.heartbeatFixPlan(s, this.orgId, id));
  }
  addApproval(a: Omit<Approval, 'orgId' | 'createdAt'>): Promise<Approval> {
    return this.run((s) => fix.addApproval(s, this.orgId, a));
  }
  listApprovals(planId: string): Promise<Approval[]> {
    return this.run((s) => fix.listApprovals(s, this.orgId, planId));
  }
  addCommand(c: Omit<CommandRecord, 'orgId' | 'signature'>): Promise<CommandRecord> {
    return this.run((s) => fix.addCommand(s, this.orgId, c, this.signer));
  }
  commandSigningKey(): (SigningKeyInfo & { mac: string | null }) | null {
    return this.signer ? { ...this.signer.key, mac: this.signer.mac ?? null } : null;
  }
  listCommands(planId: string): Promise<CommandRecord[]> {
    return this.run((s) => fix.listCommands(s, this.orgId, planId));
  }
  listOrgCommands(): Promise<CommandRecord[]> {
    return this.run((s) => fix.allCommands(s, this.orgId));
  }
  addPreflight(p: Omit<PreflightRecord, 'orgId' | 'createdAt'>): Promise<PreflightRecord> {
    return this.run((s) => fix.addPreflight(s, this.orgId, p));
  }
  latestPreflight(planId: string): Promise<PreflightRecord | null> {
    return this.run((s) => fix.latestPreflight(s, this.orgId, planId));
  }
  addVerification(v: NewVerification): Promise<VerificationRecord> {
    return this.run((s) => verif.addVerification(s, this.orgId, v));
  }
  getVerification(planId: string): Promise<VerificationRecord | null> {
    return this.run((s) => verif.getVerification(s, this.orgId, planId));
  }
  listVerifications(planId: string): Promise<VerificationRecord[]> {
    return this.run((s) => verif.listVerifications(s, this.orgId, planId));
  }

  appendAudit(e: AuditInput & { ts?: string }): Promise<AuditEntry> {
    return this.run((s) => audit.appendAudit(s, this.orgId, e, this.auditKey));
  }
  listAudit(q?: { afterSeq?: number; limit?: number }): Promise<AuditEntry[]> {
    return this.run((s) => audit.listAudit(s, this.orgId, q));
  }
  listAuditFor(target: string, q?: { limit?: number }): Promise<AuditEntry[]> {
    return this.run((s) => audit.listAuditFor(s, this.orgId, target, q));
  }
  auditHead(): Promise<{ seq: number; hash: string } | null> {
    return this.run((s) => audit.auditHead(s, this.orgId));
  }

  enqueueOutbox(m: { id: string; subject: Subject; payload: unknown }): Promise<void> {
    return this.run((s) => infra.enqueueOutbox(s, this.orgId, m));
  }

  kbPutDocument(doc: KbDocumentInput, chunks: KbChunkInput[]): Promise<{ document: KbDocument; status: 'created' | 'replaced' }> {
    return this.run((s) => kb.putDocument(s, this.orgId, this.hasVector, doc, chunks));
  }
  kbGetDocument(id: string): Promise<KbDocument | null> {
    return this.run((s) => kb.getDocument(s, this.orgId, id));
  }
  kbListDocuments(q?: { source?: string; limit?: number }): Promise<KbDocument[]> {
    return this.run((s) => kb.listDocuments(s, this.orgId, q));
  }
  kbDeleteDocument(id: string): Promise<boolean> {
    return this.run((s) => kb.deleteDocument(s, this.orgId, id));
  }
  kbEmbeddingsByHash(model: string, hashes: string[]): Promise<Map<string, KbEmbedding>> {
    if (hashes.length === 0) return Promise.resolve(new Map());
    return this.run((s) => kb.embeddingsByHash(s, this.orgId, this.hasVector, model, hashes));
  }
  kbChunksToEmbed(model: string, limit: number): Promise<{ id: string; docTitle: string; text: string; headingPath: string[]; contentHash: string }[]> {
    return this.run((s) => kb.chunksToEmbed(s, this.orgId, model, limit));
  }
  kbSetEmbeddings(rows: { id: string; embedding: KbEmbedding }[]): Promise<number> {
    if (rows.length === 0) return Promise.resolve(0);
    return this.run((s) => kb.setEmbeddings(s, this.orgId, this.hasVector, rows));
  }
  kbSearch(req: KbSearchRequest): Promise<KbSearchCandidates> {
    return this.run((s) => kb.search(s, this.orgId, this.hasVector, req, this.vectors));
  }
  kbIncidentContext(incidentId: string): Promise<KbIncidentContext | null> {
    return this.run((s) => kb.incidentContext(s, this.orgId, incidentId));
  }
  kbStats(): Promise<{ documents: number; chunks: number; byModel: Record<string, number> }> {
    return this.run((s) => kb.stats(s, this.orgId));
  }

  // ---- root-cause analysis (issue 5) ----
  readAnalysisSignals(q: AnalysisSignalsQuery): Promise<AnalysisSignals> {
    return this.run((s) => analysis.readAnalysisSignals(s, this.orgId, q));
  }
  lastSignalAt(q: { from: string; to: string }): Promise<string | null> {
    return this.run((s) => analysis.lastSignalAt(s, this.orgId, q));
  }
  signalWatermark(q: { from: string; to: string }): Promise<string> {
    return this.run((s) => analysis.signalWatermark(s, this.orgId, q));
  }

  // ---- stored analyses ----
  saveAnalysis(a: Omit<StoredAnalysis, 'createdAt'> & { createdAt?: string }): Promise<{ analysis: StoredAnalysis; created: boolean }> {
    return this.run((s) => analyses.saveAnalysis(s, this.orgId, a));
  }
  latestAnalysis(incidentId: string): Promise<StoredAnalysis | null> {
    return this.run((s) => analyses.latestAnalysis(s, this.orgId, incidentId));
  }
  getAnalysis(id: string): Promise<StoredAnalysis | null> {
    return this.run((s) => analyses.getAnalysis(s, this.orgId, id));
  }
}

/** What opening an engine returns. */
export interface OpenedStore {
  store: Store;
  admin: AdminStore;
  /** Raw transactions as the application role or as the owner (tests, tools). */
  db: Db;
}

export interface CreateStoreOptions {
  hasVector: boolean;
  /** The audit key: every audit entry is signed with it (HMAC-SHA256); the database never holds it. */
  auditKey?: Uint8Array | null;
  /** Releases what only the admin side holds (Postgres: the owner pool). */
  closeAdmin?: () => Promise<void>;
  /** Signs every command recorded (store/signing-key.ts loads it); absent: commands are stored unsigned. */
  commandSigner?: CommandSigner | null;
}

/** Builds the ports over an open, migrated database. `store.close()` closes the whole database. */
export function createStore(db: Db, opts: CreateStoreOptions): { store: Store; admin: AdminStore } {
  const vectors = new kb.VectorCache();
  const store: Store = {
    engine: db.engine,
    hasVector: opts.hasVector,
    createOrg: (o: { id: string; name: string }): Promise<Org> => mapped(() => db.tenant(o.id, (s) => ten.createOrg(s, o))),
    getOrg: (id: string): Promise<Org | null> => mapped(() => db.tenant(id, (s) => ten.getOrg(s, id))),
    findApiKeyByHash: (hash: string): Promise<ApiKeyRecord | null> => mapped(() => db.tenant(null, (s) => ten.findApiKeyByHash(s, hash))),
    forOrg: (orgId: string): OrgStore => {
      if (typeof orgId !== 'string' || orgId.length === 0) throw new TypeError('forOrg needs an org id');
      return new PgOrgStore(db, orgId, null, opts.hasVector, vectors, opts.auditKey ?? null, opts.commandSigner ?? null);
    },
    pendingOutbox: (limit: number, minAgeMs = 0): Promise<OutboxMessage[]> => mapped(() => db.tenant(null, (s) => infra.pendingOutbox(s, limit, minAgeMs))),
    orphanedFixPlans: (staleMs: number, limit = 100) => mapped(() => db.tenant(null, (s) => fix.orphanedFixPlans(s, staleMs, limit))),
    unverifiedFixPlans: (before: string, limit = 100) => mapped(() => db.tenant(null, (s) => verif.unverifiedFixPlans(s, before, limit))),
    verificationsDue: (now: string, limit = 100) => mapped(() => db.tenant(null, (s) => verif.verificationsDue(s, now, limit))),
    markOutboxPublished: async (ids: string[]): Promise<void> => {
      if (ids.length === 0) return;
      await mapped(() => db.tenant(null, (s) => infra.markOutboxPublished(s, ids)));
    },
    claimSetting: async (name: string, value: string): Promise<string> => {
      const rows = await mapped(() => db.tenant(null, (s) => s.query<{ v: string }>('SELECT warroom_claim_setting($1, $2) AS v', [name, value])));
      return String(rows[0].v);
    },
    lead: (role: string) => db.lead(role),
    ping: async (): Promise<void> => {
      await mapped(() => db.tenant(null, (s) => s.query('SELECT 1')));
    },
    close: () => db.close(),
  };
  const admin: AdminStore = {
    listOrgIds: () => db.owner(async (s) => (await s.query<{ id: string }>('SELECT id FROM orgs ORDER BY id')).map((r) => r.id)),
    auditEntries: (orgId: string) => db.owner((s) => audit.allAuditEntries(s, orgId)),
    auditHead: (orgId: string) => db.owner((s) => audit.auditHead(s, orgId)),
    commands: (orgId: string) => db.owner((s) => fix.allCommands(s, orgId)),
    signingKey: () => db.owner((s) => readSigningKey(s)),
    exec: async (sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> => ({
      rows: await db.owner((s) => s.query<Row>(sql, params)),
    }),
    close: async () => {
      await opts.closeAdmin?.();
    },
  };
  return { store, admin };
}

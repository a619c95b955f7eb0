/**
 * Composition root: builds the whole product from a Config. The HTTP server listens first so
 * /healthz answers at once; the store (PGlite boots in seconds) and the bus come up behind it,
 * then the default org, the outbox relay and the pipeline.
 */
import os from 'node:os';
import { createServer, type Server } from 'node:http';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { fastUlid as ulid } from './ids.js';
import type { Logger } from 'pino';
import { createApi } from '../api/server.js';
import { createApiMetrics, type ApiMetrics } from '../api/metrics.js';
import { hashKey, newApiKey } from '../api/auth.js';
import { issueKey } from '../usecases/keys.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { AdminStore, Bus, Store, Subscription } from '../core/ports/index.js';
import { SCOPES } from '../core/schemas.js';
import { LocalHandoff, signalBatchWeight } from '../ingest/handoff.js';
import { OutboxRelay } from '../ingest/outbox-relay.js';
import { startPipeline } from '../ingest/pipeline.js';
import { DEFAULT_POLICY, type CorrelationPolicy } from '../detectors/stream/grouping.js';
import { dryRunRunner } from '../remediate/runners/dryrun.js';
import { createInprocBus, createNatsBus } from '../bus/index.js';
import { openStore } from '../store/index.js';
import { sandboxRunner } from '../sim/runner.js';
import { withSandboxValidate } from './sandbox-validate.js';
import { githubHost } from '../remediate/runners/github.js';
import { kubernetesRunnerFor } from './kubernetes-runner.js';
import { openPolicyAgent } from './opa.js';
import { loadPolicyBundle } from '../usecases/policy-loader.js';
import type { RunningSandbox } from '../sim/edge/realtime.js';
import { sandboxLiveService } from '../sim/edge/live.js';
import { ALL_ROUTES } from '../api/routes/index.js';
import { sandboxSource } from '../sim/k8s/cluster.js';
import { DEFAULT_EXTRACT_LIMITS } from '../kb/extract.js';
import { fixHeartbeatMs } from '../remediate/leases.js';
import { failOrphanedPlans } from '../usecases/fix-leases.js';
import { subscribeFixWorker } from '../usecases/fix-run.js';
import { verifyDuePlans, verifySweepEveryMs } from '../usecases/verify-sweep.js';
import { auditAnchorDir, DEFAULT_ORG, describeConfig, loadMasks, storeConfig, type Config } from './config.js';
import { checkpointAudit, fileAuditAnchor } from './audit-anchor.js';
import { createEmbedder } from './embedder.js';
import { createLogger } from './logger.js';
import { type AnalysisCache, memoryAnalysisCache } from '../usecases/analysis-cache.js';
import { maskSecrets } from '../detectors/secrets.js';
import { KnowledgeBase } from '../kb/service.js';
import { openAgent, type OpenedAgent } from './agent.js';
import { chatGate, startChat, type Chat } from './chat.js';
import type { UseCaseDeps } from '../usecases/session.js';

export interface Warroom {
  url: string;
  port: number;
  logger: Logger;
  metrics: ApiMetrics;
  /** Resolves when the store, bus, default org and pipeline are up. */
  ready: Promise<void>;
  store(): Store;
  admin(): AdminStore;
  bus(): Bus;
  relay(): OutboxRelay;
  /** Says a sandbox is being started: /readyz answers 503 until `attachSandbox`. */
  sandboxStarting(): void;
  /** Connects a running sandbox: its API routes and its runner start answering. */
  attachSandbox(sb: RunningSandbox): void;
  /** Says the sandbox could not start and why: /readyz stops waiting for it and GET /v1/sim shows the reason. */
  sandboxFailed(reason: string): void;
  /** The agent behind POST /v1/agent/ask (its model and time spent on the LLM, for `warroom bench ask`). */
  agent(): OpenedAgent;
  /** Analyses kept for re-runs on unchanged data (a benchmark's cold run clears it). */
  analysisCache: AnalysisCache;
  /** The chat (the local web war room and its bot) once ready; undefined before, or never when every surface is off. */
  chat(): Chat | undefined;
  /** Keys generated on this start (shown once), if any. */
  generatedKeys: { adminKey?: string; defaultOrgKey?: string };
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  /** Where to print generated keys (default: stdout). */
  announce?: (line: string) => void;
  logDestination?: Parameters<typeof createLogger>[2];
}

export async function startWarroom(cfg: Config, opts: StartOptions = {}): Promise<Warroom> {
  const clock = opts.clock ?? systemClock;
  const announce = opts.announce ?? ((l: string) => process.stdout.write(`${l}\n`));
  const masks = loadMasks(cfg);
  const logger = createLogger(cfg.LOG_LEVEL, masks, opts.logDestination);
  const metrics = createApiMetrics();
  let store: Store | undefined;
  let admin: AdminStore | undefined;
  let bus: Bus | undefined;
  let relay: OutboxRelay | undefined;
  let leaseSweep: NodeJS.Timeout | undefined;
  let verifyTimer: NodeJS.Timeout | undefined;
  /** The canary judge's sweep in flight (one at a time: a rollback can outlast the period); stop waits for it. */
  let verifying: Promise<unknown> | undefined;
  let agent: OpenedAgent | undefined;
  const startedAt = Date.now();
  let adminKeyHash: string | undefined = cfg.WARROOM_ADMIN_KEY ? hashKey(cfg.WARROOM_ADMIN_KEY) : undefined;
  const subs: Subscription[] = [];
  // aborts the fix runs under way when the process stops (usecases/fix-run.ts): their messages come again
  const fixRunsStopping = new AbortController();
  const generatedKeys: Warroom['generatedKeys'] = {};
  let sandbox: RunningSandbox | undefined;
  let sandboxPending = false;
  let sandboxFailure: string | undefined;
  // the sandbox runner, with its server-side dry run (the preflight's dry_run gate)
  const sandboxRunnerInstance = withSandboxValidate(sandboxRunner(() => sandbox, DEFAULT_ORG), () => sandbox?.sandbox, DEFAULT_ORG);
  // the preflight's Cedar policies: a bad org policy (WARROOM_POLICY_DIR) stops the start here, with its error
  const policies = loadPolicyBundle(cfg.WARROOM_POLICY_DIR);

  // Knowledge-base embeddings: OpenAI-compatible when configured, else the local embedder.
  const embedder = await createEmbedder(cfg);
  const analysisCache = memoryAnalysisCache();
  // One knowledge base for the process: the kb routes and the agent's search tool share it.
  const kb = new KnowledgeBase({ embedder, mask: (t) => maskSecrets(t, masks) });
  const stored = storeConfig(cfg);
  const auditKey = stored.auditKey;
  const anchorDir = auditAnchorDir(cfg);
  const auditAnchor = anchorDir ? fileAuditAnchor(anchorDir) : null;
  let auditCheckpoints: NodeJS.Timeout | undefined;
  let chat: Chat | undefined;
  // What every use case runs with, whoever calls it: the API's routes and the chat bot.
  const useCaseDeps: UseCaseDeps = {
    masks,
    newId: ulid,
    clock,
    runners: {
      [dryRunRunner.name]: dryRunRunner,
      [sandboxRunnerInstance.name]: sandboxRunnerInstance,
      // KUBECONFIG's cluster, else this instance's own sandbox API at /k8s (the URL is known once it listens)
      kubernetes: kubernetesRunnerFor(cfg, { url: () => url, store: () => store }),
    },
    fixHeartbeatMs: fixHeartbeatMs(cfg.WARROOM_FIX_LEASE_SECONDS * 1000),
    planTtlMs: cfg.WARROOM_PLAN_TTL_MINUTES * 60_000,
    verify: { windowMs: cfg.WARROOM_VERIFY_WINDOW_SECONDS * 1000, settleMs: cfg.WARROOM_VERIFY_SETTLE_SECONDS * 1000, rounds: cfg.WARROOM_VERIFY_ROUNDS },
    policies,
    ...(cfg.OPA_URL ? { externalPolicy: openPolicyAgent({ url: cfg.OPA_URL, path: cfg.OPA_POLICY_PATH, ...(cfg.OPA_TOKEN ? { token: cfg.OPA_TOKEN } : {}) }) } : {}),
    analysisCache,
    // the fix catalog's numbers (replicas, limits, volumes, flags) for the org the sandbox belongs to
    liveState: (orgId, service) => (orgId === DEFAULT_ORG && sandbox ? sandboxLiveService(sandbox.sandbox.world.scenario.topology, sandbox.status().desired, service) : null),
    audit: { key: auditKey, anchor: auditAnchor },
    // GitOps pull requests (POST /v1/gitops/pr); the links in their bodies point where people
    // reach us (`url` is set once the server listens, before any request can ask)
    ...(cfg.GITHUB_TOKEN ? { gitops: { host: githubHost({ token: cfg.GITHUB_TOKEN, baseUrl: cfg.GITHUB_API_URL, timeoutMs: 30_000 }), baseUrl: () => cfg.WARROOM_PUBLIC_URL ?? url } } : {}),
  };
  const api = createApi({
    ...useCaseDeps,
    embedder,
    kb,
    agent: () => agent?.agent,
    kbLimits: { ...DEFAULT_EXTRACT_LIMITS, maxBytes: cfg.WARROOM_KB_MAX_DOC_BYTES },
    store: () => (bus ? store : undefined),
    bus: () => bus,
    adminKeyHash: () => adminKeyHash,
    maxBodyBytes: cfg.WARROOM_MAX_BODY_BYTES,
    maxBatch: cfg.WARROOM_MAX_BATCH,
    logger,
    metrics,
    // the live sandbox streams into the default org, and only that org may see or break it
    sandbox: { owner: DEFAULT_ORG, running: () => sandbox, starting: () => sandboxPending, failure: () => sandboxFailure, cluster: () => (sandbox ? sandboxSource(sandbox.sandbox) : undefined) },
    publishCommitted: (msgs) => relay?.publishCommitted(msgs),
  }, ALL_ROUTES);
  // The chat (the page at /, its API under /chat, later Slack and Teams) next to the REST API;
  // its paths answer 503 "starting" until the store, bus and agent are up.
  const http = express();
  http.disable('x-powered-by');
  http.use(chatGate(() => chat));
  http.use(api);
  const server: Server = createServer(http);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.PORT, cfg.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${cfg.HOST === '0.0.0.0' ? '127.0.0.1' : cfg.HOST}:${port}`;
  logger.info({ url, config: describeConfig(cfg) }, 'warroom listening');

  const ready = (async () => {
    // The data directory's lock names this server's API, so CLI commands can use it instead.
    const opened = await openStore({
      ...stored,
      owner: { url },
      // runner outputs are signed (Ed25519, the key kept in the database); its private half is
      // encrypted under a configured audit key only, the one key every instance and restart shares
      commandSigning: { passphrase: cfg.WARROOM_AUDIT_KEY ? stored.auditKey : null },
    });
    const theStore = opened.store;
    store = theStore;
    admin = opened.admin;
    logger.info(
      { engine: theStore.engine, vector: theStore.hasVector },
      cfg.DATABASE_URL ? 'database: Postgres' : `database: embedded PGlite in ${cfg.WARROOM_DATA_DIR} (set DATABASE_URL for Postgres)`,
    );
    if (!theStore.hasVector) logger.warn('pgvector is not installed on this server: vector search will use exact search');
    // Opened after the store, whose data-directory lock covers the agent's folder (app/agent.ts);
    // it boots while the pipeline starts.
    const agentOpening = openAgent(cfg, kb).then((a) => {
      agent = a;
      logger.info({ model: a.model, checkpoints: a.checkpoints }, `agent: ${a.model === 'planner' ? 'the deterministic planner (set OPENAI_BASE_URL or OPENAI_API_KEY for an LLM)' : `LLM ${a.model}, the planner as fallback`}; threads in ${a.checkpoints}`);
    });
    agentOpening.catch(() => undefined); // awaited below; this only marks an early failure as handled
    const onError = (err: unknown, where: string) => logger.error({ err, where }, 'bus error');
    const theBus = cfg.NATS_URL ? await createNatsBus({ url: cfg.NATS_URL, streamPrefix: cfg.NATS_STREAM_PREFIX, onError }) : createInprocBus({ onError });
    logger.info(cfg.NATS_URL ? 'bus: NATS JetStream' : 'bus: in-process (set NATS_URL for NATS JetStream)');
    logger.info({ setting: cfg.WARROOM_DETECTION_THREAD, cores: os.availableParallelism() }, `detection: ${detectionThread(cfg.WARROOM_DETECTION_THREAD) === 'worker' ? 'on a worker thread' : 'on the main thread'}`);

    await bootstrapKeys(theStore, cfg, announce, generatedKeys, (h) => (adminKeyHash = h));
    // Live signal batches wait here for the detect consumer; past 256 batches or 100 k signals
    // (~3 s of ingest at full speed) a lagging consumer reads them back from the store instead.
    const handoff = new LocalHandoff({ maxEntries: 256, maxWeight: 100_000, weigh: signalBatchWeight });
    relay = new OutboxRelay(theStore, theBus, logger, { handoff });
    subs.push(
      ...(await startPipeline({
        store: theStore,
        bus: theBus,
        clock,
        newId: ulid,
        logger,
        detection: {
          engine: {
            slo: { errorRateFloor: cfg.WARROOM_ERROR_RATE_THRESHOLD },
            // Log text reaches the detectors only through the ingest edge, which already masked
            // its secrets with the configured rules (a superset of the defaults); a second pass
            // here would cost ~1.5 µs a line and find nothing.
            miner: { masking: { secretRules: [] } },
          },
          checkpointMs: cfg.WARROOM_CHECKPOINT_SECONDS * 1000,
          thread: detectionThread(cfg.WARROOM_DETECTION_THREAD),
        },
        policy: pipelinePolicy(cfg),
        onDetectLatency: (ms) => metrics.detectLatency.observe(ms / 1000),
        onDetectBatch: (source) => metrics.detectBatches.inc({ source }),
        onLatePoints: (late) => {
          if (late.folded) metrics.latePoints.inc({ outcome: 'folded' }, late.folded);
          if (late.dropped) metrics.latePoints.inc({ outcome: 'dropped' }, late.dropped);
        },
        publishCommitted: (msgs) => relay?.publishCommitted(msgs),
        handoff,
        onAnomalies: (n) => metrics.anomalies.inc(n),
        onIncidentOpened: () => metrics.incidentsOpened.inc({ by: 'detector' }),
      })),
    );
    await agentOpening;
    bus = theBus;
    relay.start();
    const theRelay = relay;
    // the fix.execute worker: runs the plans POST /v1/fix/execute and the chat started
    subs.push(await subscribeFixWorker(theBus, { store: theStore, useCaseDeps, publishCommitted: (msgs) => theRelay.publishCommitted(msgs), stopping: fixRunsStopping.signal }));
    const theAgent = agent;
    chat = await startChat({
      cfg,
      store: theStore,
      bus: theBus,
      useCaseDeps,
      publishCommitted: (msgs) => theRelay.publishCommitted(msgs),
      agent: () => theAgent?.agent,
      mask: (t) => maskSecrets(t, masks),
      logger,
      url: cfg.WARROOM_PUBLIC_URL ?? url,
    });
    // fix plans a dead process left executing: once now (a restart after a crash), then every
    // half lease (at most a minute); other processes sharing the database sweep too, harmlessly.
    // PGlite has one owning process, this one: at start-up, every plan whose heartbeat predates it
    // is orphaned, whatever its lease.
    const leaseMs = cfg.WARROOM_FIX_LEASE_SECONDS * 1000;
    const sweep = (staleMs: number) => void failOrphanedPlans(theStore, staleMs, logger).catch((err: unknown) => logger.warn({ err }, 'sweep of orphaned fix plans failed; will retry'));
    sweep(theStore.engine === 'pglite' ? Math.min(leaseMs, Date.now() - startedAt) : leaseMs);
    leaseSweep = setInterval(() => sweep(leaseMs), Math.min(60_000, leaseMs / 2));
    leaseSweep.unref();
    // executed fix plans whose post window closed are verified by the canary judge: once now (a
    // restart catches up), then periodically; instances sharing the database race harmlessly
    // (one verification per plan). A rollback it calls for runs inside the sweep.
    const verifySweep = () => {
      verifying ??= verifyDuePlans(theStore, useCaseDeps, (msgs) => theRelay.publishCommitted(msgs), logger)
        .catch((err: unknown) => logger.warn({ err }, 'sweep of fix plans to verify failed; will retry'))
        .finally(() => (verifying = undefined));
    };
    verifySweep();
    verifyTimer = setInterval(verifySweep, verifySweepEveryMs(cfg.WARROOM_VERIFY_WINDOW_SECONDS * 1000));
    verifyTimer.unref();
    // Signed checkpoints of the audit chains, outside the database: what catches a rewound tail.
    if (auditAnchor && cfg.WARROOM_AUDIT_CHECKPOINT_MINUTES > 0) {
      const theAdmin = opened.admin;
      const checkpoint = () =>
        void checkpointAudit(theAdmin, auditAnchor, auditKey, clock.now(), (c) => chat?.announceAuditCheckpoint(c)).catch((err: unknown) => logger.warn({ err }, 'audit checkpoint failed; will retry'));
      checkpoint();
      auditCheckpoints = setInterval(checkpoint, cfg.WARROOM_AUDIT_CHECKPOINT_MINUTES * 60_000);
      auditCheckpoints.unref();
    }
    logger.info('warroom ready');
  })();
  ready.catch((err) => logger.fatal({ err }, 'start-up failed'));

  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${what} is not up yet; await ready`);
    return v;
  };
  return {
    url,
    port,
    logger,
    metrics,
    ready,
    store: () => need(store, 'store'),
    admin: () => need(admin, 'admin store'),
    bus: () => need(bus, 'bus'),
    relay: () => need(relay, 'outbox relay'),
    generatedKeys,
    analysisCache,
    agent: () => need(agent, 'agent'),
    sandboxStarting() {
      sandboxPending = true;
    },
    attachSandbox(sb) {
      sandbox = sb;
      sandboxPending = false;
      sandboxFailure = undefined;
    },
    sandboxFailed(reason) {
      sandboxPending = false;
      sandboxFailure = reason;
    },
    chat: () => chat,
    async stop() {
      fixRunsStopping.abort();
      clearInterval(leaseSweep);
      clearInterval(verifyTimer);
      // first: the chat's event streams would hold the server open, and its war rooms read the bus
      await chat?.stop();
      // a verification (and a rollback it runs) in flight finishes before its store and relay close
      await verifying?.catch(() => undefined);
      clearInterval(auditCheckpoints);
      await sandbox?.stop();
      await relay?.stop();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await ready.catch(() => undefined);
      for (const s of subs) await s.unsubscribe().catch(() => undefined);
      await bus?.close();
      await agent?.close();
      // the last entries of this run are anchored too
      if (admin && auditAnchor && cfg.WARROOM_AUDIT_CHECKPOINT_MINUTES > 0) {
        await checkpointAudit(admin, auditAnchor, auditKey, clock.now(), (c) => chat?.announceAuditCheckpoint(c)).catch((err: unknown) => logger.warn({ err }, 'audit checkpoint at stop failed'));
      }
      await store?.close();
      await admin?.close();
    },
  };
}

/**
 * The default org and its keys. WARROOM_API_KEY / WARROOM_ADMIN_KEY, when set, are the keys;
 * otherwise keys are generated on the first start only, printed once, and stored as hashes.
 */
async function bootstrapKeys(
  store: Store,
  cfg: Config,
  announce: (l: string) => void,
  generated: Warroom['generatedKeys'],
  setAdminHash: (h: string) => void,
): Promise<void> {
  if (!cfg.WARROOM_ADMIN_KEY) {
    const candidate = newApiKey('wra');
    const stored = await store.claimSetting('platform_admin_key_sha256', hashKey(candidate));
    setAdminHash(stored);
    if (stored === hashKey(candidate)) {
      generated.adminKey = candidate;
      announce(`Platform admin key (shown once, creates orgs): ${candidate}`);
    }
  }
  if (!(await store.getOrg(DEFAULT_ORG))) {
    await store.createOrg({ id: DEFAULT_ORG, name: 'Default' }).catch(async (e) => {
      if (!(await store.getOrg(DEFAULT_ORG))) throw e; // lost a race with another process: fine
    });
  }
  const org = store.forOrg(DEFAULT_ORG);
  const user = { id: 'admin', name: 'Default org admin', role: 'admin' as const };
  if (cfg.WARROOM_API_KEY) {
    if (!(await store.findApiKeyByHash(hashKey(cfg.WARROOM_API_KEY)))) {
      await org.transaction((tx) =>
        issueKey(tx, { keyId: `key_env_${hashKey(cfg.WARROOM_API_KEY!).slice(0, 12)}`, keyName: 'WARROOM_API_KEY', user, scopes: [...SCOPES] }, 'platform', cfg.WARROOM_API_KEY),
      );
    }
    return;
  }
  const candidate = newApiKey('wr');
  const marker = await store.claimSetting('default_org_key_issued', hashKey(candidate));
  if (marker === hashKey(candidate)) {
    await org.transaction((tx) => issueKey(tx, { keyId: ulid(), keyName: 'generated on first start', user, scopes: [...SCOPES] }, 'platform', candidate));
    generated.defaultOrgKey = candidate;
    announce(`Default org admin key (shown once): ${candidate}`);
  }
}

/** The correlation policy from the configuration (the rest are the documented defaults). */
export function pipelinePolicy(cfg: Pick<Config, 'WARROOM_AUTO_OPEN_SEVERITY' | 'WARROOM_INCIDENT_GROUP_MINUTES' | 'WARROOM_AUTO_MITIGATE_MINUTES'>): CorrelationPolicy {
  const group = cfg.WARROOM_INCIDENT_GROUP_MINUTES * 60_000;
  return { ...DEFAULT_POLICY, autoOpenSeverity: cfg.WARROOM_AUTO_OPEN_SEVERITY, groupWindowMs: group, serviceQuietMs: 2 * group, autoMitigateMs: cfg.WARROOM_AUTO_MITIGATE_MINUTES * 60_000 };
}

/**
 * `auto`: a worker thread only where there is a core to spare. Measured on 2 cores shared with
 * the database and the load, a worker costs ~5 µs of CPU per signal (copying batches across)
 * and gains nothing (README, "Ingest").
 */
export function detectionThread(setting: Config['WARROOM_DETECTION_THREAD'], cores = os.availableParallelism()): 'worker' | 'inline' {
  if (setting !== 'auto') return setting;
  return cores > 2 ? 'worker' : 'inline';
}

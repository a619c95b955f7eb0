/**
 * Configuration: parsed once from the environment with zod. This is the only module that reads
 * process.env. A bad value stops start-up with a message naming the variable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_SECRET_RULES, compileMaskRules, type CompiledMask } from '../detectors/secrets.js';
import { loadAuditKey } from './audit-key.js';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const port = z.coerce.number().int().min(0).max(65535);
/** The chat model asked when an endpoint is set and LLM_MODEL is not: small, cheap, tool-calling. */
export const DEFAULT_LLM_MODEL = 'gpt-4o-mini';

/** Every variable, its schema, a one-line description and whether it is secret (never logged). */
export const CONFIG_VARS = {
  PORT: { schema: port.default(3000), doc: 'HTTP port of the API (0 picks a free port)', secret: false },
  HOST: { schema: z.string().default('0.0.0.0'), doc: 'Interface the API listens on', secret: false },
  WARROOM_DATA_DIR: { schema: z.string().min(1).default('./.warroom'), doc: 'Where the embedded database (PGlite) keeps its files; ":memory:" keeps nothing', secret: false },
  DATABASE_URL: { schema: optionalString.pipe(z.url().optional()), doc: 'Postgres URL (owner role, runs migrations); unset = embedded PGlite', secret: true },
  WARROOM_DB_APP_ROLE: { schema: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('warroom_app'), doc: 'Role the application connects as on Postgres (created by migrations; cannot bypass row-level security)', secret: false },
  WARROOM_DB_APP_PASSWORD: { schema: optionalString, doc: 'Password of that role, if the server does not trust local connections', secret: true },
  NATS_URL: { schema: optionalString.pipe(z.url().optional()), doc: 'NATS JetStream URL; unset = in-process bus', secret: false },
  NATS_STREAM_PREFIX: { schema: z.string().regex(/^[A-Za-z0-9_-]+$/).default('WARROOM'), doc: 'Stream name and subject prefix on NATS', secret: false },
  WARROOM_ADMIN_KEY: { schema: optionalString.pipe(z.string().min(24).optional()), doc: 'Platform admin key (creates orgs); unset = generated and printed once on first start', secret: true },
  WARROOM_API_KEY: { schema: optionalString.pipe(z.string().min(24).optional()), doc: "Admin key of the default org, for scripts and demos; unset = one is generated and printed once on first start", secret: true },
  WARROOM_MAX_BODY_BYTES: { schema: z.coerce.number().int().min(1024).default(8 * 1024 * 1024), doc: 'Largest request body accepted (413 above it)', secret: false },
  WARROOM_MAX_BATCH: { schema: z.coerce.number().int().min(1).max(100_000).default(10_000), doc: 'Most signals in one ingest request', secret: false },
  WARROOM_ERROR_RATE_THRESHOLD: { schema: z.coerce.number().gt(0).lt(1).default(0.05), doc: 'SLO guard: error ratio (5-minute mean) that pages for a service with no availability SLO in its topology node', secret: false },
  WARROOM_AUTO_MITIGATE_MINUTES: { schema: z.coerce.number().int().min(0).max(7 * 24 * 60).default(30), doc: 'A detector-opened incident with no new anomaly for this many minutes of signal time has recovered: it takes no more anomalies and is marked mitigated (a person resolves it); 0: never', secret: false },
  WARROOM_FIX_LEASE_SECONDS: { schema: z.coerce.number().int().min(30).max(86_400).default(120), doc: 'A fix plan left executing with no heartbeat from its process for this long (the process died) is marked failed and audited as abandoned', secret: false },
  WARROOM_VERIFY_WINDOW_SECONDS: { schema: z.coerce.number().int().min(30).max(86_400).default(300), doc: 'Canary judge: the length of the windows compared before and after an executed fix (the post window starts after the settle time)', secret: false },
  WARROOM_VERIFY_SETTLE_SECONDS: { schema: z.coerce.number().int().min(0).max(3_600).default(60), doc: 'Canary judge: the time left out after an executed fix before its post window starts (the change rolling out)', secret: false },
  WARROOM_VERIFY_ROUNDS: { schema: z.coerce.number().int().min(1).max(10).default(3), doc: 'Canary judge: rounds a fix improving but not healed yet (or with too few samples to judge) is judged in, each after another window; after the last the incident waits for a person', secret: false },
  WARROOM_INCIDENT_GROUP_MINUTES: { schema: z.coerce.number().int().min(1).max(24 * 60).default(30), doc: 'Anomalies of a connected service join an open incident active within this many minutes whose anomalies overlap theirs in time (a service\'s own incident: twice as long)', secret: false },
  WARROOM_CHECKPOINT_SECONDS: { schema: z.coerce.number().int().min(0).max(86_400).default(60), doc: 'Seconds between checkpoints of the detectors\' learned state to the store (0 = after every batch)', secret: false },
  WARROOM_DETECTION_THREAD: { schema: z.enum(['auto', 'worker', 'inline']).default('auto'), doc: 'Where the detectors run: a worker thread (keeps their CPU off the thread serving requests), inline on the main thread, or auto (a worker when the machine has more than 2 cores)', secret: false },
  WARROOM_AUTO_OPEN_SEVERITY: { schema: z.enum(['sev1', 'sev2', 'sev3', 'sev4']).default('sev3'), doc: 'Anomalies at or above this severity auto-open an incident', secret: false },
  WARROOM_AUDIT_KEY: { schema: optionalString, doc: 'Key (64+ hex characters or base64 of 32+ bytes) that signs every audit entry and checkpoint; never stored in the database. Unset = generated once into WARROOM_DATA_DIR/audit.key; instances sharing one database must share it', secret: true },
  WARROOM_AUDIT_CHECKPOINT_DIR: { schema: optionalString, doc: 'Where signed checkpoints of the audit chains are appended (keep it where the database owner cannot write); unset = WARROOM_DATA_DIR/audit-checkpoints', secret: false },
  WARROOM_AUDIT_CHECKPOINT_MINUTES: { schema: z.coerce.number().int().min(0).max(1440).default(10), doc: 'Minutes between audit checkpoints of every org whose chain grew (0: only `warroom audit checkpoint`)', secret: false },
  WARROOM_MASK_RULES: { schema: optionalString, doc: 'Path to a JSON file of extra secret-masking rules [{name, pattern, flags?, replacement}]', secret: false },
  OPENAI_API_KEY: { schema: optionalString, doc: 'Key of an OpenAI-compatible endpoint; set (or OPENAI_BASE_URL set) it turns the agent\'s LLM on and switches knowledge-base embeddings to that endpoint', secret: true },
  OPENAI_BASE_URL: { schema: optionalString.pipe(z.url().optional()), doc: 'Base URL of an OpenAI-compatible endpoint (e.g. http://127.0.0.1:8000/v1)', secret: false },
  LLM_MODEL: { schema: z.string().trim().min(1).default(DEFAULT_LLM_MODEL), doc: 'Chat model the agent asks at that endpoint (only used when OPENAI_API_KEY or OPENAI_BASE_URL is set)', secret: false },
  WARROOM_LLM_TOKEN_BUDGET: { schema: z.coerce.number().int().min(0).max(100_000_000).default(50_000), doc: 'LLM tokens one incident may spend on the agent; then the deterministic planner answers (0 = planner only)', secret: false },
  WARROOM_LLM_TIMEOUT_MS: { schema: z.coerce.number().int().min(1_000).max(600_000).default(30_000), doc: 'Timeout of one LLM request in ms (retried on timeouts, 429 and 5xx, then the planner answers)', secret: false },
  EMBEDDINGS_MODEL: { schema: optionalString, doc: 'Embedding model at that endpoint (default text-embedding-3-small); "local" forces the local deterministic embedder', secret: false },
  EMBEDDINGS_DIMENSIONS: { schema: optionalString.transform((v) => (v === undefined ? undefined : Number(v))).pipe(z.number().int().min(1).max(1536).optional()), doc: 'Dimensions to ask the embedding model for (1-1536)', secret: false },
  WARROOM_KB_MAX_DOC_BYTES: { schema: z.coerce.number().int().min(1024).default(5 * 1024 * 1024), doc: 'Largest document accepted by POST /v1/docs/upload and kb index', secret: false },
  WARROOM_SANDBOX: { schema: z.enum(['on', 'off']).default('on'), doc: 'Run the simulated 20-service shop and stream its calm traffic into this instance', secret: false },
  WARROOM_PUBLIC_URL: { schema: optionalString.pipe(z.url().optional()), doc: 'Base URL people reach this instance at, for links in chat cards (default: the address it listens on)', secret: false },
  WARROOM_CHAT_ORG: { schema: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).default('default'), doc: 'The org the Slack workspace, Teams tenant and local web chat act in', secret: false },
  WARROOM_CHAT_MIN_SEVERITY: { schema: z.enum(['sev1', 'sev2', 'sev3', 'sev4']).default('sev3'), doc: 'An incident detection opens at or above this severity gets a war room in chat (one opened by command always does)', secret: false },
  WARROOM_PLAN_TTL_MINUTES: { schema: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60), doc: 'A fix plan not approved within this many minutes of its drafting expires: approving it is refused, draft a new one', secret: false },
  WARROOM_POLICY_DIR: { schema: optionalString, doc: 'Folder of an org\'s own Cedar policies (*.cedar) added to the default preflight policies; each is validated against policies/warroom.cedarschema at start-up and a bad one stops the start with its error', secret: false },
  OPA_URL: { schema: optionalString.pipe(z.url().optional()), doc: 'An Open Policy Agent server asked by the preflight policy gate after the Cedar policies (POST {OPA_URL}/v1/data/{OPA_POLICY_PATH}); unreachable, late or undefined denies', secret: false },
  OPA_POLICY_PATH: { schema: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_/]*$/).default('warroom/fix/allow'), doc: 'The OPA rule the policy gate reads: true/false or {allow, reasons}', secret: false },
  OPA_TOKEN: { schema: optionalString, doc: 'Bearer token for an OPA server run with authentication', secret: true },
  GITHUB_TOKEN: { schema: optionalString, doc: 'GitHub token (fine-grained: contents and pull requests read/write on the deployment repositories); set, POST /v1/gitops/pr opens pull requests of approved fix plans', secret: true },
  GITHUB_API_URL: { schema: optionalString.pipe(z.url().default('https://api.github.com')), doc: 'GitHub REST API base; for GitHub Enterprise Server, https://HOST/api/v3', secret: false },
  KUBECONFIG: { schema: optionalString, doc: 'Kubeconfig of a real cluster for the kubernetes runner (its current context; kubectl\'s a:b list works); unset = the sandbox\'s own Kubernetes API at /k8s', secret: false },
  SLACK_BOT_TOKEN: { schema: optionalString, doc: 'Slack bot token (xoxb-…); set, the Slack bot answers on POST /slack/events (checked with auth.test at start-up)', secret: true },
  SLACK_SIGNING_SECRET: { schema: optionalString, doc: 'Slack signing secret: every request to /slack/events is verified with it (required with SLACK_BOT_TOKEN in HTTP mode)', secret: true },
  SLACK_APP_TOKEN: { schema: optionalString, doc: 'Slack app-level token (xapp-…); set, Slack connects over Socket Mode instead of HTTP', secret: true },
  SLACK_API_URL: { schema: optionalString.pipe(z.url().optional()), doc: "Slack Web API base (default Slack's own, https://slack.com/api/); for Enterprise Grid proxies and tests", secret: false },
  SLACK_INCIDENT_CHANNEL: { schema: optionalString, doc: 'Slack channel id: war rooms are threads in it; unset = a new channel per incident (conversations.create)', secret: false },
  SLACK_AUDIT_CHANNEL: { schema: optionalString, doc: 'Slack channel id every signed audit checkpoint is also posted to (a copy outside the database and the checkpoint directory)', secret: false },
  SLACK_ONCALL_USERS: { schema: optionalString, doc: 'Comma-separated Slack user ids invited to every new war-room channel', secret: false },
  MicrosoftAppId: { schema: optionalString, doc: 'Teams bot app id; unset = the no-credentials developer mode (inbound requests are not authenticated: local use only)', secret: false },
  MicrosoftAppPassword: { schema: optionalString, doc: 'Teams bot app password (client secret)', secret: true },
  MicrosoftAppTenantId: { schema: optionalString, doc: 'Tenant of a single-tenant Teams bot', secret: false },
  WARROOM_TEAMS_OPENID_METADATA_URL: { schema: optionalString.pipe(z.url().optional()), doc: "OpenID metadata of the keys Bot Framework channel tokens are signed with; unset = the public cloud's (https://login.botframework.com/v1/.well-known/openidconfiguration). For sovereign or private clouds and tests", secret: false },
  WARROOM_TEAMS_TOKEN_ISSUER: { schema: optionalString, doc: 'The iss of Bot Framework channel tokens; unset = the public cloud\'s (https://api.botframework.com). For sovereign or private clouds and tests', secret: false },
  WARROOM_TEAMS_LOGIN_URL: { schema: optionalString.pipe(z.url().optional()), doc: "Token service the Teams bot gets its outbound tokens from (OAuth2 client_credentials at {url}/oauth2/v2.0/token with MicrosoftAppId/MicrosoftAppPassword); unset = the public cloud's, through botbuilder (https://login.microsoftonline.com/botframework.com). For sovereign or private clouds and tests", secret: false },
  TEAMS_SERVICE_URL: { schema: optionalString.pipe(z.url().optional()), doc: 'Bot Framework service URL war rooms are opened at (e.g. https://smba.trafficmanager.net/emea/); with TEAMS_INCIDENT_CHANNEL', secret: false },
  TEAMS_INCIDENT_CHANNEL: { schema: optionalString, doc: 'Teams channel conversation id (19:…@thread.tacv2): each war room is a new conversation (reply chain) in it; unset = no Teams war rooms, commands still answer', secret: false },
  WARROOM_CHAT_TEAMS: { schema: z.enum(['auto', 'on', 'off']).default('auto'), doc: 'Serve the Teams bot on POST /api/messages: auto = when MicrosoftAppId is set (without it, on accepts only requests from this machine: developer mode)', secret: false },
  WARROOM_CHAT_LOCAL: { schema: z.enum(['on', 'off']).default('on'), doc: 'Serve the local web war room at / (sign in with an API key)', secret: false },
  LOG_LEVEL: { schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), doc: 'Log level (JSON logs on stdout)', secret: false },
} as const;

type Vars = typeof CONFIG_VARS;
export type Config = { [K in keyof Vars]: z.output<Vars[K]['schema']> };

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the given environment (default: process.env). Throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: { variable: string; message: string }[] = [];
  for (const [name, v] of Object.entries(CONFIG_VARS)) {
    const r = (v.schema as z.ZodType).safeParse(env[name]);
    if (r.success) out[name] = r.data;
    else problems.push({ variable: name, message: r.error.issues.map((i) => i.message).join('; ') });
  }
  // one key cannot be both: the platform admin key is checked first and may only create orgs, so the org's key would never act
  if (out.WARROOM_API_KEY !== undefined && out.WARROOM_API_KEY === out.WARROOM_ADMIN_KEY) {
    problems.push({ variable: 'WARROOM_API_KEY', message: 'must differ from WARROOM_ADMIN_KEY (the platform admin key only creates orgs; the org key acts in the org)' });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Config;
}

/** How the logged configuration shows a secret that is not set ("***" would read as set). */
export const UNSET = 'unset';

/** The configuration with secrets masked, safe to log: a set secret is "***", an unset one "unset". */
export function describeConfig(cfg: Config): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(cfg).map(([k, v]) => [k, CONFIG_VARS[k as keyof Vars].secret ? (v === undefined ? UNSET : '***') : v]),
  );
}

/** Where the database is: a Postgres URL, or the embedded one's data directory (none in memory). */
export function databaseLocation(cfg: Config): { databaseUrl?: string; dataDir?: string } {
  return { databaseUrl: cfg.DATABASE_URL, dataDir: cfg.WARROOM_DATA_DIR === ':memory:' ? undefined : cfg.WARROOM_DATA_DIR };
}

/**
 * How the store is opened for this configuration (one mapping for the server and every CLI
 * command): every process that appends to the audit log signs with the same key.
 */
export function storeConfig(cfg: Config): { databaseUrl?: string; dataDir?: string; appRole: string; appPassword?: string; auditKey: Buffer } {
  return {
    ...databaseLocation(cfg),
    appRole: cfg.WARROOM_DB_APP_ROLE,
    appPassword: cfg.WARROOM_DB_APP_PASSWORD,
    auditKey: loadAuditKey(cfg),
  };
}

/** The agent's LLM, when an endpoint is configured (a key or a base URL); undefined = the planner only. */
export function llmConfig(cfg: Config): { apiKey: string; baseURL?: string; model: string; timeoutMs: number; tokenBudget: number } | undefined {
  if (!cfg.OPENAI_API_KEY && !cfg.OPENAI_BASE_URL) return undefined;
  // Local servers (vLLM, Ollama, llama.cpp) take no key, but the OpenAI client insists on one.
  return { apiKey: cfg.OPENAI_API_KEY ?? 'no-key', baseURL: cfg.OPENAI_BASE_URL, model: cfg.LLM_MODEL, timeoutMs: cfg.WARROOM_LLM_TIMEOUT_MS, tokenBudget: cfg.WARROOM_LLM_TOKEN_BUDGET };
}

/** Where audit checkpoints go: the configured directory, else one in the data directory (none in memory). */
export function auditAnchorDir(cfg: Config): string | null {
  if (cfg.WARROOM_AUDIT_CHECKPOINT_DIR) return cfg.WARROOM_AUDIT_CHECKPOINT_DIR;
  return cfg.WARROOM_DATA_DIR === ':memory:' ? null : join(cfg.WARROOM_DATA_DIR, 'audit-checkpoints');
}

/** The org every instance has: created on start, and the CLI's default `--org`. */
export const DEFAULT_ORG = 'default';

/** The secret masks: the built-in rules plus those of the WARROOM_MASK_RULES file, if set. */
export function loadMasks(cfg: Config): CompiledMask[] {
  const extra: unknown[] = cfg.WARROOM_MASK_RULES ? JSON.parse(readFileSync(cfg.WARROOM_MASK_RULES, 'utf8')) : [];
  if (!Array.isArray(extra)) throw new Error(`WARROOM_MASK_RULES: ${cfg.WARROOM_MASK_RULES} must hold a JSON array of rules`);
  return compileMaskRules([...DEFAULT_SECRET_RULES, ...extra]);
}

/**
 * `warroom ask "QUESTION" [--incident ID] [--thread ID] [--json] [--url URL --key KEY]`: asks the
 * agent. Through a running instance's POST /v1/agent/ask (--url, or the instance holding the
 * embedded database when a key is at hand), else on the embedded database itself with the agent
 * the server builds (app/agent.ts), so a thread started here continues on the server and back.
 */
import { askView, MAX_QUESTION_CHARS } from '../../api/routes/agent.js';
import { systemClock } from '../../core/clock.js';
import { AppError } from '../../core/errors.js';
import { DataDirLockedError, openStore, type OpenedStore } from '../../store/index.js';
import { memoryAnalysisCache } from '../../usecases/analysis-cache.js';
import { directSession } from '../../usecases/session.js';
import { maskSecrets } from '../../detectors/secrets.js';
import { KnowledgeBase } from '../../kb/service.js';
import { openAgent } from '../agent.js';
import { DEFAULT_ORG, loadMasks, storeConfig, type Config } from '../config.js';
import { createEmbedder } from '../embedder.js';
import { httpClient } from '../http-client.js';
import { fastUlid } from '../ids.js';
import { refuseHeld, routeDbCommand, type RemoteOptions } from './db-owner.js';

export interface AskOptions extends RemoteOptions {
  incident?: string;
  thread?: string;
  json?: boolean;
}

type AskJson = ReturnType<typeof askView>;

/** Exit code: 0 answered, 1 the instance refused or failed, 2 bad usage, 3 the embedded database is held. */
export async function runAsk(cfg: Config, question: string, o: AskOptions = {}): Promise<number> {
  if (!question.trim() || question.length > MAX_QUESTION_CHARS) {
    process.stderr.write(`warroom ask: give a question of 1 to ${MAX_QUESTION_CHARS} characters\n`);
    return 2;
  }
  const route = routeDbCommand(cfg, 'ask', o, true);
  if (route.kind === 'refused') return route.code;
  const body = { question, ...(o.incident ? { incident_id: o.incident } : {}), ...(o.thread ? { thread_id: o.thread } : {}) };
  if (route.kind === 'remote') {
    let r;
    try {
      r = await httpClient(route.url, route.key).post<AskJson>('/v1/agent/ask', body);
    } catch (e) {
      process.stderr.write(`warroom ask: cannot reach ${route.url}: ${(e as Error).message}\n`);
      return 1;
    }
    if (r.status !== 200) {
      const b = r.body as unknown as { detail?: string; title?: string; errors?: { path: string; message: string }[] } | undefined;
      const issues = b?.errors?.map((x) => `${x.path}: ${x.message}`).join('; ');
      process.stderr.write(`warroom ask: POST /v1/agent/ask at ${route.url} answered ${r.status}${b?.detail ? `: ${b.detail}` : ''}${issues ? ` (${issues})` : ''}\n`);
      return 1;
    }
    return print(r.body, o.json);
  }
  return askEmbedded(cfg, body, o.json);
}

/** Answers on the embedded database (or DATABASE_URL) in this process, as a read-only local user of the default org. */
async function askEmbedded(cfg: Config, body: { question: string; incident_id?: string; thread_id?: string }, json?: boolean): Promise<number> {
  const masks = loadMasks(cfg);
  const embedder = await createEmbedder(cfg);
  let opened: OpenedStore;
  try {
    opened = await openStore(storeConfig(cfg));
  } catch (e) {
    if (e instanceof DataDirLockedError) return refuseHeld('ask', e, true);
    throw e;
  }
  try {
    if (!(await opened.store.getOrg(DEFAULT_ORG))) await opened.store.createOrg({ id: DEFAULT_ORG, name: 'Default' });
    const kb = new KnowledgeBase({ embedder, mask: (t) => maskSecrets(t, masks) });
    const agent = await openAgent(cfg, kb);
    try {
      const deps = { clock: systemClock, newId: fastUlid, masks, runners: {}, analysisCache: memoryAnalysisCache() };
      // The person at the terminal reads; the agent's tools change nothing, and nothing here publishes.
      const session = directSession({ orgId: DEFAULT_ORG, userId: 'cli', scopes: ['read'], via: 'system', ref: 'warroom ask' }, opened.store.forOrg(DEFAULT_ORG), deps, () => undefined);
      const r = await agent.agent.ask(session, { question: body.question, ...(body.incident_id ? { incidentId: body.incident_id } : {}), ...(body.thread_id ? { threadId: body.thread_id } : {}) });
      return print(askView(r), json);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      process.stderr.write(`warroom ask: ${e.message}\n`);
      return 1;
    } finally {
      await agent.close();
    }
  } finally {
    await opened.store.close();
    await opened.admin.close();
  }
}

/** The route's JSON, or the answer, its numbered citations with refs, and who answered. */
function print(r: AskJson, json?: boolean): number {
  if (json) {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return 0;
  }
  const lines = [r.answer, ''];
  r.citations.forEach((c, i) => lines.push(`[${i + 1}] ${c.title} — ${c.ref}`));
  if (r.citations.length) lines.push('');
  lines.push(`answered by ${r.model}${r.fallback ? ` (fallback: ${r.fallback})` : ''}; thread ${r.thread_id} (--thread ${r.thread_id} continues it)`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

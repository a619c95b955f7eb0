/**
 * `warroom bench ask`: latency of `POST /v1/agent/ask` on the embedded default (PGlite on disk,
 * the agent's checkpoints in their own PGlite, the deterministic planner unless an endpoint is
 * configured). A sandbox scenario of the 20-service shop (default bad-deploy-errors-checkout) is
 * replayed through the ingest API into a fresh instance, the incident the detectors opened for
 * the faulty service (or one opened at the fault's start) is analysed over the hour around the
 * fault, three runbooks are uploaded, and then ~10 kinds of question an on-call engineer asks are
 * sent --runs times (default 5), each round in a thread of its own, so later questions carry the
 * round's history. Ingest is not timed; the first ask (cold code paths) is reported apart.
 * With an LLM configured (OPENAI_BASE_URL / OPENAI_API_KEY), each ask's time waiting on the
 * endpoint is subtracted to give our own overhead.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../app/config.js';
import { startEmbedded } from '../../app/embedded.js';
import { waitForPipelineIdle } from './settle.js';
import { replayScenario } from '../../sim/edge/replay.js';
import { formatTable } from '../harness.js';
import { percentile } from './percentile.js';

/** The questions: [kind, question, about the incident?]. `{svc}` is a suspect the analysis ranked below the top. */
const QUESTIONS: [string, string, boolean][] = [
  ['status', 'status', true],
  ['why', 'why is it failing?', true],
  ['what changed', 'what changed?', true],
  ['timeline', 'what happened?', true],
  ['summary', 'write a summary for stakeholders', true],
  ['could it be', 'could it be {svc}?', true],
  ['why not', 'why not {svc}?', true],
  ['runbook', 'any runbook for a bad deploy?', true],
  ['seen before', 'have we seen this before?', true],
  ['overview', "what's going on with {top}?", false],
];

const RUNBOOKS = [
  { path: 'runbooks/rollback.md', content: '# Roll back a bad deploy\n\n## When\n\nErrors or latency rise right after a deploy.\n\n## Steps\n\nRoll the deployment back to the previous version, then watch the error rate for ten minutes.\n' },
  { path: 'runbooks/db-saturation.md', content: '# Database saturation\n\n## Symptoms\n\nQuery latency and connection pool waits rise on every caller.\n\n## Fix\n\nShed load, kill long queries, then scale the replicas.\n' },
  { path: 'postmortems/2026-01-checkout.md', content: '# Postmortem: checkout NullPointerException\n\nA checkout deploy threw on address validation; 30% of orders failed for 25 minutes. Fixed by a rollback.\n' },
];

interface Sample {
  kind: string;
  ms: number;
  modelMs: number;
  /** Time inside the tools (their reads), as the agent reports it per call. */
  toolMs: number;
  tools: string;
}

export async function runAskBench(o: Record<string, string>, cfg: Config): Promise<number> {
  const rounds = Math.max(1, Number(o.runs ?? 5));
  const scenario = o.scenario ?? 'bad-deploy-errors-checkout';
  const cpu = os.cpus();
  const llm = cfg.OPENAI_BASE_URL || cfg.OPENAI_API_KEY;
  const env: Record<string, string> = {
    WARROOM_DATA_DIR: join(mkdtempSync(join(os.tmpdir(), 'warroom-bench-ask-')), 'db'),
    // Knowledge-base queries stay on the local embedder: an embedding endpoint's time would count as ours.
    EMBEDDINGS_MODEL: 'local',
    ...(cfg.OPENAI_BASE_URL ? { OPENAI_BASE_URL: cfg.OPENAI_BASE_URL } : {}),
    ...(cfg.OPENAI_API_KEY ? { OPENAI_API_KEY: cfg.OPENAI_API_KEY } : {}),
    LLM_MODEL: cfg.LLM_MODEL,
    WARROOM_LLM_TOKEN_BUDGET: String(cfg.WARROOM_LLM_TOKEN_BUDGET),
    WARROOM_LLM_TIMEOUT_MS: String(cfg.WARROOM_LLM_TIMEOUT_MS),
  };
  process.stdout.write(`bench ask: ${scenario} on embedded PGlite (${env.WARROOM_DATA_DIR}), ${QUESTIONS.length} kinds of question × ${rounds} rounds\n`);
  process.stdout.write(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, Node ${process.version}\n`);

  const e = await startEmbedded('pglite', env);
  try {
    const agent = e.w.agent();
    process.stdout.write(`agent: ${agent.model}, threads in ${agent.checkpoints}\n`);
    const t0 = Date.now();
    const replay = await replayScenario(scenario, { url: e.w.url, key: e.apiKey, settleMs: 30_000 });
    // the pipeline works through the batches in the background: ask once it is idle
    await waitForPipelineIdle(e.w);
    const fault = replay.faults[0];
    if (!fault) throw new Error(`scenario ${scenario} has no fault`);
    const c = e.client();
    const start = Date.parse(fault.start);
    const listed = await c.get('/v1/incidents?limit=100');
    let incident = (listed.body.incidents as { id: string; service: string }[]).find((i) => i.service === fault.root_cause_service);
    if (!incident) {
      const opened = await c.post('/v1/incidents/open', { title: `bench: ${scenario}`, service: fault.root_cause_service, started_at: start });
      if (opened.status !== 201) throw new Error(`open incident: ${opened.status} ${JSON.stringify(opened.body)}`);
      incident = opened.body;
    }
    const analysis = await c.post(`/v1/incidents/${incident!.id}/analyze`, { from: start - 30 * 60_000, to: start + 30 * 60_000 });
    if (analysis.status !== 200) throw new Error(`analyze: ${analysis.status} ${JSON.stringify(analysis.body)}`);
    const ranking = analysis.body.ranking as { service: string }[];
    const top = ranking[0]?.service ?? fault.root_cause_service;
    const suspect = ranking.find((r) => r.service !== top)?.service ?? 'payments';
    for (const doc of RUNBOOKS) {
      const up = await c.post('/v1/docs/upload', doc);
      if (up.status >= 300) throw new Error(`upload ${doc.path}: ${up.status}`);
    }
    process.stdout.write(
      `set-up (not timed): ${replay.signals.accepted.toLocaleString('en')} signals, ${replay.incidents.length} incidents opened by the detectors, in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
        `incident ${incident!.id} (${fault.root_cause_service}); analysis ${analysis.body.verdict}, top ${ranking.slice(0, 3).map((r) => r.service).join(', ')}\n`,
    );

    const askOnce = async (kind: string, question: string, withIncident: boolean, thread?: string): Promise<Sample> => {
      const body = { question: question.replace('{svc}', suspect).replace('{top}', top), ...(withIncident ? { incident_id: incident!.id } : {}), ...(thread ? { thread_id: thread } : {}) };
      const m0 = agent.modelMs();
      const t = performance.now();
      const r = await c.post('/v1/agent/ask', body);
      const ms = performance.now() - t;
      if (r.status !== 200) throw new Error(`ask "${body.question}": ${r.status} ${JSON.stringify(r.body)}`);
      const calls = r.body.tool_calls as { tool: string; ms: number }[];
      return { kind, ms, modelMs: agent.modelMs() - m0, toolMs: calls.reduce((n, x) => n + x.ms, 0), tools: calls.map((x) => x.tool).join('+') || '-' };
    };
    const first = await askOnce('first', 'status', true);
    const samples: Sample[] = [];
    for (let round = 0; round < rounds; round++) {
      const thread = `bench-${round}`;
      for (const [kind, q, withIncident] of QUESTIONS) samples.push(await askOnce(kind, q, withIncident, withIncident ? thread : undefined));
    }

    const stats = (xs: number[]) => ({ p50: Math.round(percentile(xs, 50)), p95: Math.round(percentile(xs, 95)), max: Math.round(Math.max(...xs)) });
    const rows = QUESTIONS.map(([kind]) => {
      const of = samples.filter((x) => x.kind === kind);
      const s = stats(of.map((x) => x.ms));
      const over = stats(of.map((x) => x.ms - x.modelMs));
      return { kind, n: of.length, 'p50 ms': s.p50, 'p95 ms': s.p95, 'max ms': s.max, 'tools p50 ms': stats(of.map((x) => x.toolMs)).p50, ...(llm ? { 'overhead p50/p95 ms': `${over.p50} / ${over.p95}` } : {}), tools: of[of.length - 1].tools };
    });
    const all = stats(samples.map((x) => x.ms));
    const overAll = stats(samples.map((x) => x.ms - x.modelMs));
    rows.push({ kind: 'overall', n: samples.length, 'p50 ms': all.p50, 'p95 ms': all.p95, 'max ms': all.max, 'tools p50 ms': stats(samples.map((x) => x.toolMs)).p50, ...(llm ? { 'overhead p50/p95 ms': `${overAll.p50} / ${overAll.p95}` } : {}), tools: '' });
    process.stdout.write(`first ask (not in the figures): ${Math.round(first.ms)} ms\n${formatTable(rows)}\n`);
    process.stdout.write(`target p95 < 1500 ms: ${all.p95 < 1500 ? 'met' : 'NOT met'} (${all.p95} ms)\n`);
    if (o.json) {
      writeFileSync(
        o.json,
        `${JSON.stringify({ bench: 'ask', scenario, model: agent.model, machine: { cpus: cpu.length, model: cpu[0]?.model, node: process.version }, rounds, first_ms: Math.round(first.ms), overall: all, overall_overhead: llm ? overAll : undefined, kinds: rows, samples }, null, 2)}\n`,
      );
    }
    return 0;
  } finally {
    await e.stop();
    rmSync(join(env.WARROOM_DATA_DIR, '..'), { recursive: true, force: true });
  }
}

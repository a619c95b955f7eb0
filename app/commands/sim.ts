/**
 * `warroom sim …`, `warroom replay` and `warroom bench sim`: the sandbox from the command line.
 * Each function prints its result and returns an exit code (0 ok, 1 failure, 2 bad input), so
 * app/cli.ts can wire them as `process.exitCode = await runSimX(…)`.
 */
import { kubeconfigYaml } from '../kubeconfig.js';
import { cpus } from 'node:os';
import { loadConfig } from '../config.js';
import { startEmbedded } from '../embedded.js';
import { benchGenerate, type SimBenchResult } from '../../sim/edge/bench.js';
import { exportScenario } from '../../sim/edge/export.js';
import { loadLibrary, loadScenario, loadTopology } from '../../sim/edge/library.js';
import { replayScenario, type ReplayOptions, type ReplaySummary } from '../../sim/edge/replay.js';
import { faultCatalog, type FaultGroundTruth } from '../../sim/faults.js';
import { FAULT_KINDS, SpecError, type FaultKind, type Scenario } from '../../sim/schema.js';
import { formatDuration } from '../../sim/util.js';

type Out = (s: string) => void;
const stdout: Out = (s) => process.stdout.write(s);
const stderr: Out = (s) => process.stderr.write(s);

function table(rows: Record<string, string | number>[]): string {
  if (!rows.length) return '';
  const cols = Object.keys(rows[0]);
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(width[i])).join('  ').trimEnd();
  return [line(cols), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join('\n') + '\n';
}

function explain(e: unknown, err: Out): number {
  if (e instanceof SpecError) {
    err(`warroom: ${e.message}\n`);
    return 2;
  }
  err(`warroom: ${(e as Error).message}\n`);
  return 1;
}

// ---- sim list ---------------------------------------------------------------------------

export interface SimListOptions {
  json?: boolean;
  out?: Out;
}

/** `warroom sim list`: the scenario library and the fault kinds. */
export async function runSimList(opts: SimListOptions = {}): Promise<number> {
  const out = opts.out ?? stdout;
  const { scenarios, errors } = loadLibrary();
  const kinds = faultCatalog();
  if (opts.json) {
    out(
      `${JSON.stringify(
        {
          scenarios: scenarios.map((s) => ({ id: s.id, title: s.title, duration: formatDuration(s.durationMs), step: s.step, seed: s.seed, start: new Date(s.startMs).toISOString(), faults: s.faults.map((f) => ({ kind: f.kind, service: f.service ?? null, at: f.at })), red_herrings: s.red_herrings.map((h) => h.kind), tags: s.tags })),
          fault_kinds: kinds,
          errors,
        },
        null,
        2,
      )}\n`,
    );
    return errors.length ? 1 : 0;
  }
  out(`Scenarios (${scenarios.length}) — replay with \`warroom replay <id>\`, export with \`warroom sim export <id> --out DIR\`\n\n`);
  out(
    table(
      scenarios.map((s) => ({
        id: s.id,
        duration: formatDuration(s.durationMs),
        faults: s.faults.map((f) => `${f.kind}@${f.service ?? faultDefault(f.kind)}+${f.at}`).join(', ') || (s.red_herrings.length ? '— (red herrings only)' : '— (calm)'),
        title: s.title,
      })),
    ),
  );
  out(`\nFault kinds (${kinds.length}) — inject into the running instance with \`warroom sim inject <kind> [--service S]\`\n\n`);
  out(table(kinds.map((k) => ({ kind: k.kind, 'default service': k.default_service, change: k.change, remedy: k.remedy, moves: k.moves }))));
  for (const e of errors) stderr(`warroom: invalid scenario ${e.error}\n`);
  return errors.length ? 1 : 0;
}

const faultDefault = (k: FaultKind) => faultCatalog().find((c) => c.kind === k)!.default_service;

// ---- sim inject ---------------------------------------------------------------------------

// ---- sim kubeconfig ---------------------------------------------------------------------

export interface SimKubeconfigOptions {
  /** The running instance (default http://127.0.0.1:$PORT); the cluster is its `/k8s`. */
  url?: string;
  /** An API key of the sandbox's org: `read` for kubectl get, `admin` to change things (default $WARROOM_API_KEY). */
  key?: string;
  out?: Out;
  err?: Out;
}

/** The running instance a sandbox command talks to: `--url`/`--key`, else this machine's PORT and WARROOM_API_KEY. */
function runningInstance(opts: { url?: string; key?: string }): { url: string; key: string | undefined } {
  if (opts.url && opts.key) return { url: opts.url, key: opts.key };
  const cfg = loadConfig();
  return { url: opts.url ?? `http://127.0.0.1:${cfg.PORT}`, key: opts.key ?? cfg.WARROOM_API_KEY };
}

/** `warroom sim kubeconfig`: prints a kubeconfig for the running sandbox (`kubectl --kubeconfig FILE get deploy`). */
export function runSimKubeconfig(opts: SimKubeconfigOptions = {}): number {
  const out = opts.out ?? stdout;
  const err = opts.err ?? stderr;
  const { url, key } = runningInstance(opts);
  if (!key) {
    err('warroom: sim kubeconfig needs an API key of the sandbox\'s org (read scope to look, admin to change): pass --key or set WARROOM_API_KEY\n');
    return 2;
  }
  let server: string;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
    server = `${u.origin}${u.pathname.replace(/\/+$/, '')}/k8s`;
  } catch {
    err(`warroom: --url must be the instance's http(s) URL, e.g. http://127.0.0.1:8080 (got "${url}")\n`);
    return 2;
  }
  out(kubeconfigYaml(server, key));
  return 0;
}

export interface SimInjectOptions {
  service?: string;
  instance?: string;
  duration?: string;
  params?: Record<string, string | number | boolean>;
  /** The running instance (default http://127.0.0.1:$PORT). */
  url?: string;
  /** An API key with the admin scope (default $WARROOM_API_KEY). */
  key?: string;
  json?: boolean;
  out?: Out;
  err?: Out;
}

/** `warroom sim inject <fault> [--service S]`: injects a fault into the running instance's sandbox. */
export async function runSimInject(fault: string, opts: SimInjectOptions = {}): Promise<number> {
  const out = opts.out ?? stdout;
  const err = opts.err ?? stderr;
  if (!(FAULT_KINDS as readonly string[]).includes(fault)) {
    err(`warroom: unknown fault kind "${fault}" (known: ${FAULT_KINDS.join(', ')})\n`);
    return 2;
  }
  const { url, key } = runningInstance(opts);
  if (!key) {
    err('warroom: sim inject needs an API key with the admin scope: pass --key or set WARROOM_API_KEY\n');
    return 2;
  }
  let res: Response;
  try {
    res = await fetch(`${url.replace(/\/+$/, '')}/v1/sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ kind: fault, service: opts.service, instance: opts.instance, duration: opts.duration, params: opts.params }),
    });
  } catch (e) {
    err(`warroom: cannot reach Warroom at ${url} (${(e as Error).message}); is \`warroom start\` running?\n`);
    return 1;
  }
  const body = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (res.status !== 201) {
    const detail = body?.detail ?? JSON.stringify(body);
    const issues = Array.isArray(body?.errors) ? (body.errors as { path: string; message: string }[]).map((e) => `\n  ${e.path}: ${e.message}`).join('') : '';
    err(`warroom: sim inject failed (${res.status}): ${detail}${issues}\n`);
    return res.status === 422 || res.status === 400 ? 2 : 1;
  }
  const gt = body as unknown as FaultGroundTruth;
  if (opts.json) out(`${JSON.stringify(gt, null, 2)}\n`);
  else {
    out(`Injected ${gt.kind} (${gt.title}) into ${gt.root_cause_service}${gt.instance ? `/${gt.instance}` : ''} at ${gt.start}.\n`);
    if (gt.change) out(`  change: ${gt.change.kind} ${gt.change.key} ${gt.change.from} → ${gt.change.to} by ${gt.change.author} (${gt.change.id})\n`);
    out(`  symptoms from ${gt.symptoms_from}; watch: ${gt.moves.map((m) => `${m.key} ${m.direction}`).join(', ')}\n`);
    out(`  heals with: ${JSON.stringify(gt.remedy)} (about ${gt.heals_after_s} s after it is applied)\n`);
  }
  return 0;
}

// ---- sim export ---------------------------------------------------------------------------

export interface SimExportOptions {
  out: string;
  logsPerMin?: number;
  /** Sampled requests per minute (spans); default the scenario's. */
  tracesPerMin?: number;
  /** Sampled requests log their steps with their trace id (sim/trace-logs.ts). */
  traceLogs?: boolean;
  err?: Out;
  json?: boolean;
  print?: Out;
}

/** `warroom sim export <scenario> --out DIR`: writes the scenario's signals and ground truth as files. */
export async function runSimExport(scenario: string, opts: SimExportOptions): Promise<number> {
  const out = opts.print ?? stdout;
  const err = opts.err ?? stderr;
  let sc: Scenario;
  try {
    sc = loadScenario(scenario);
  } catch (e) {
    return explain(e, err);
  }
  if (opts.tracesPerMin !== undefined && !(Number.isInteger(opts.tracesPerMin) && opts.tracesPerMin >= 0)) {
    err(`--traces-per-min must be a whole number ≥ 0, not ${opts.tracesPerMin}\n`);
    return 2;
  }
  if (opts.traceLogs && !(opts.tracesPerMin ?? sc.baseline.traces_per_min)) {
    err('--trace-logs needs sampled requests: give --traces-per-min (the scenario samples none)\n');
    return 2;
  }
  const s = await exportScenario(sc, opts.out, {
    logsPerMin: opts.logsPerMin,
    ...(opts.tracesPerMin !== undefined ? { tracesPerMin: opts.tracesPerMin } : {}),
    ...(opts.traceLogs ? { traceLogs: true } : {}),
  });
  if (opts.json) out(`${JSON.stringify({ ...s, ground_truth: undefined }, null, 2)}\n`);
  else {
    out(`Exported ${sc.id} (${formatDuration(sc.durationMs)}, seed ${sc.seed}) to ${s.dir}\n`);
    out(`  ${s.metric_points.toLocaleString('en')} metric points, ${s.log_lines.toLocaleString('en')} log lines, ${s.events} events${s.spans ? `, ${s.spans} spans` : ''}\n`);
    out(`  files: ${s.files.join(', ')}\n`);
    for (const f of s.ground_truth.faults) out(`  ground truth: ${f.kind} on ${f.root_cause_service} at ${f.start}; remedy ${f.remedy.action}\n`);
  }
  return 0;
}

// ---- replay ---------------------------------------------------------------------------------

export interface ReplayCliOptions extends Partial<Omit<ReplayOptions, 'url' | 'key'>> {
  /** A running instance; without it an embedded one (PGlite, in memory) is started and stopped. */
  url?: string;
  /** An API key with the ingest and read scopes (default $WARROOM_API_KEY). */
  key?: string;
  json?: boolean;
  out?: Out;
}

/** The instance a replay goes to: the one named, or a throw-away embedded one. */
async function replayTarget(opts: ReplayCliOptions): Promise<{ url: string; key: string; label: string; stop(): Promise<void> }> {
  if (!opts.url) {
    const e = await startEmbedded('pglite');
    return { url: e.w.url, key: e.apiKey, label: 'embedded (PGlite, in memory)', stop: () => e.stop() };
  }
  const key = opts.key ?? loadConfig().WARROOM_API_KEY;
  if (!key) throw new Error('replay into a running instance needs an API key with the ingest scope: pass --key or set WARROOM_API_KEY');
  return { url: opts.url, key, label: opts.url, stop: async () => undefined };
}

/** `warroom replay <scenario> [--speed N]`: prints the summary; exit 0 when every batch was accepted. */
export async function runReplay(scenario: string, opts: ReplayCliOptions = {}): Promise<number> {
  const out = opts.out ?? stdout;
  let s: ReplaySummary;
  try {
    const sc = loadScenario(scenario);
    const target = await replayTarget(opts);
    try {
      s = { ...(await replayScenario(sc, { ...opts, url: target.url, key: target.key })), target: target.label };
    } finally {
      await target.stop();
    }
  } catch (e) {
    return explain(e, stderr);
  }
  if (opts.json) {
    out(`${JSON.stringify(s, null, 2)}\n`);
    return 0;
  }
  out(`Replayed ${s.scenario} (${s.simulated} simulated) into ${s.target} in ${s.seconds} s\n`);
  out(`  signals: ${s.signals.sent.toLocaleString('en')} sent in ${s.signals.batches} batches; ${s.signals.accepted.toLocaleString('en')} accepted, ${s.signals.duplicates} duplicates, ${s.signals.rejected} rejected${s.signals.replayed ? `, ${s.signals.replayed} batches already stored (same Idempotency-Key)` : ''}\n`);
  out(`  incidents opened: ${s.incidents.length}\n`);
  for (const i of s.incidents) out(`    ${i.severity}  ${i.service.padEnd(18)} ${i.title}  (started ${i.started_at})\n`);
  for (const f of s.faults) out(`  ground truth: ${f.kind} on ${f.root_cause_service} at ${f.start} → ${f.incident_opened ? 'an incident was opened on it' : 'no incident on it'}\n`);
  if (!s.faults.length) out(`  ground truth: no fault (calm scenario) → ${s.incidents.length ? `${s.incidents.length} false incident(s)` : 'no false incident'}\n`);
  return s.signals.rejected > 0 ? 1 : 0;
}

// ---- bench sim --------------------------------------------------------------------------------

export interface SimBenchCliOptions {
  minutes?: number | string;
  linesPerMin?: number | string;
  serialize?: boolean;
  json?: string | boolean;
  out?: Out;
}

/** `warroom bench sim`: generation speed for 1 h of the 20-service shop at 200,000 log lines/min. */
export async function runSimBench(opts: SimBenchCliOptions = {}): Promise<number> {
  const out = opts.out ?? stdout;
  const minutes = Number(opts.minutes ?? 60);
  const linesPerMin = Number(opts.linesPerMin ?? 200_000);
  if (!(minutes > 0) || !(linesPerMin >= 0)) {
    stderr('warroom: bench sim: --minutes must be > 0 and --lines-per-min >= 0\n');
    return 2;
  }
  const cpu = cpus();
  out(`bench sim: ${minutes} min of the shop topology (20 services), logs at ${linesPerMin.toLocaleString('en')} lines/min = ${(minutes * linesPerMin).toLocaleString('en')} lines\n`);
  out(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, Node ${process.version}\n`);
  const r: SimBenchResult = benchGenerate({ topology: loadTopology('shop'), minutes, linesPerMin, serialize: !!opts.serialize });
  out(`generated: ${r.generated}\n`);
  out(
    table([
      { figure: 'seconds', value: r.seconds },
      { figure: 'log lines', value: r.log_lines.toLocaleString('en') },
      { figure: 'lines/s', value: r.lines_per_s.toLocaleString('en') },
      { figure: 'metric points', value: r.metric_points.toLocaleString('en') },
      { figure: 'points/s', value: r.points_per_s.toLocaleString('en') },
      { figure: 'events', value: r.events },
      { figure: 'avg line chars', value: r.avg_line_chars },
      ...(r.json_bytes !== null ? [{ figure: 'JSON MB', value: Math.round(r.json_bytes / 1e6) }] : []),
      { figure: 'x real time', value: r.realtime_factor },
      { figure: 'metrics only: points/s', value: `${r.metrics_only.points_per_s.toLocaleString('en')} (${r.metrics_only.metric_points.toLocaleString('en')} in ${r.metrics_only.seconds} s)` },
      { figure: 'services / pods', value: `${r.services} / ${r.pods}` },
    ]),
  );
  if (typeof opts.json === 'string') {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(opts.json, `${JSON.stringify({ bench: 'sim', machine: { cpus: cpu.length, model: cpu[0]?.model, node: process.version }, ...r }, null, 2)}\n`);
  }
  return 0;
}

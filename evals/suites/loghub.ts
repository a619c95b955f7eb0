/**
 * Full-tier eval: Loghub-2k log parsing (He et al., "Loghub", 2020; Zhu et al., "Tools and
 * Benchmarks for Automated Log Parsing", ICSE-SEIP 2019). Every system folder under the data
 * directory is clustered through the public contract, `warroom logs cluster --format F FILE`,
 * and the CSV it prints is scored against the labelled events:
 *  - GA (grouping accuracy) on the original `_structured.csv` EventIds — the standard figure,
 *    the one the Drain and Brain reference columns report — and on the Loghub-2.0 corrected
 *    labels when present;
 *  - FGA (F1 over groups, Jiang et al., "A Large-scale Evaluation for Log Parsing Techniques",
 *    ISSTA 2024), which punishes the over-splitting GA hides;
 *  - PA (exact template match) against the corrected templates.
 * One set of defaults serves every system: the suite passes only the format string.
 *
 * These systems are the development subset the defaults were shaped on, so the suite also
 * prints held-out figures beside them: leave-one-system-out over the same files (settings
 * chosen on the others, evals/logclust/loso.ts), and logs nothing was tuned on — synthetic
 * systems and the sandbox's formats (evals/logclust/heldout.ts, also the quick `logclust` suite).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLogsCluster } from '../../app/commands/logs.js';
import type { Suite, SuiteResult } from '../harness.js';
import { heldOutFigures } from '../logclust/heldout.js';
import { leaveOneSystemOut, type LabelledSystem } from '../logclust/loso.js';
import { groupingScores } from '../logclust/score.js';

export { groupingScores };
import { REPO_ROOT } from '../repo-root.js';

/** The `<Field>` formats the log-parsing literature uses for the sixteen Loghub-2k systems. */
export const LOGHUB_FORMATS: Record<string, string> = {
  HDFS: '<Date> <Time> <Pid> <Level> <Component>: <Content>',
  Hadoop: '<Date> <Time> <Level> \\[<Process>\\] <Component>: <Content>',
  Spark: '<Date> <Time> <Level> <Component>: <Content>',
  Zookeeper: '<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>',
  BGL: '<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>',
  HPC: '<LogId> <Node> <Component> <State> <Time> <Flag> <Content>',
  Thunderbird: '<Label> <Timestamp> <Date> <User> <Month> <Day> <Time> <Location> <Component>(\\[<PID>\\])?: <Content>',
  Windows: '<Date> <Time>, <Level>                  <Component>    <Content>',
  Linux: '<Month> <Date> <Time> <Level> <Component>(\\[<PID>\\])?: <Content>',
  Android: '<Date> <Time>  <Pid>  <Tid> <Level> <Component>: <Content>',
  HealthApp: '<Time>\\|<Component>\\|<Pid>\\|<Content>',
  Apache: '\\[<Time>\\] \\[<Level>\\] <Content>',
  Proxifier: '\\[<Time>\\] <Program> - <Content>',
  OpenSSH: '<Date> <Day> <Time> <Component> sshd\\[<Pid>\\]: <Content>',
  OpenStack: '<Logrecord> <Date> <Time> <Pid> <Level> <Component> \\[<ADDR>\\] <Content>',
  Mac: '<Month>  <Date> <Time> <User> <Component>\\[<PID>\\]( \\(<Address>\\))?: <Content>',
};

/** Reference GA when the data folder's README gives none (loghub/README.md of this project). */
const REFERENCE_GA: Record<string, { drain: number; brain: number }> = {
  HDFS: { drain: 0.9975, brain: 0.9975 },
  BGL: { drain: 0.9625, brain: 0.986 },
  Linux: { drain: 0.69, brain: 0.996 },
  HealthApp: { drain: 0.78, brain: 1.0 },
};

// ---- CSV and scores (exported for tests) ---------------------------------------------------------

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF, optional final newline). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The rows of a CSV with a header, as records keyed by column name. */
export function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  return rows.filter((r) => r.length > 1 || r[0] !== '').map((r) => Object.fromEntries(header.map((h, i) => [h.replace(/^\uFEFF/, ''), r[i] ?? ''])));
}

/** Parsing accuracy: share of lines whose template equals the true one (whitespace runs compared as one space). */
export function parsingAccuracy(pred: readonly string[], truth: readonly string[]): number {
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ');
  let ok = 0;
  for (let i = 0; i < truth.length; i++) if (norm(pred[i] ?? '') === norm(truth[i])) ok++;
  return truth.length === 0 ? 0 : ok / truth.length;
}

// ---- data discovery ---------------------------------------------------------------------------------

/** The Loghub folder: `dataDir` (or its `loghub/` child), else ../shared/data/loghub next to the repo. */
export function resolveLoghubDir(dataDir: string | undefined): string {
  const repo = REPO_ROOT;
  const candidates = dataDir ? [path.resolve(dataDir), path.resolve(dataDir, 'loghub')] : [path.resolve(repo, '..', 'shared', 'data', 'loghub')];
  for (const c of candidates) if (existsSync(c) && systemsIn(c).length > 0) return c;
  throw new Error(
    `loghub eval: no Loghub-2k data in ${candidates.join(' or ')}; pass --data DIR, where DIR holds <System>/<System>_2k.log and <System>_2k.log_structured.csv (e.g. ../shared/data/loghub)`,
  );
}

/** System folders that hold a 2k log and its structured labels. */
export function systemsIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, `${d.name}_2k.log`)) && existsSync(path.join(dir, d.name, `${d.name}_2k.log_structured.csv`)))
    .map((d) => d.name)
    .sort();
}

/** Formats and reference figures from the folder's README tables, over the built-in ones. */
export function readmeTables(dir: string): { formats: Record<string, string>; refs: Record<string, { drain?: number; brain?: number }> } {
  const formats: Record<string, string> = { ...LOGHUB_FORMATS };
  const refs: Record<string, { drain?: number; brain?: number }> = { ...REFERENCE_GA };
  const readme = path.join(dir, 'README.md');
  if (!existsSync(readme)) return { formats, refs };
  for (const line of readFileSync(readme, 'utf8').split(/\r?\n/)) {
    const fmt = /^\|\s*([A-Za-z0-9_]+)\s*\|\s*`(.+)`\s*\|\s*$/.exec(line);
    if (fmt) formats[fmt[1]] = fmt[2];
    const ref = /^\|\s*([A-Za-z0-9_]+)\s*\|\s*([01](?:\.\d+)?)\s*\|\s*([01](?:\.\d+)?)\s*\|\s*$/.exec(line);
    if (ref) refs[ref[1]] = { drain: Number(ref[2]), brain: Number(ref[3]) };
  }
  return { formats, refs };
}

/** Runs the CLI contract on one file and returns its CSV text. */
async function clusterToCsv(file: string, format: string): Promise<string> {
  const parts: string[] = [];
  const code = await runLogsCluster(file, { format, out: { write: (s: string) => parts.push(s) } });
  if (code !== 0) throw new Error(`logs cluster exited with ${code} on ${file}`);
  return parts.join('');
}

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** The lines of a log file as `warroom logs cluster` reads them (LF or CRLF, an unterminated last line kept). */
function readLines(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

export const loghubSuite: Suite = {
  name: 'loghub',
  description: 'Loghub-2k log parsing: GA / FGA / PA of `warroom logs cluster` per system, next to Drain and Brain',
  tier: 'full',
  thresholds: [
    { metric: 'mean_ga', op: '>=', value: 0.95 },
    { metric: 'systems_below_drain', op: '<=', value: 0 },
    { metric: 'mean_ga_synth', op: '>=', value: 0.85 },
  ],
  async run(ctx): Promise<SuiteResult> {
    const dir = resolveLoghubDir(ctx.dataDir);
    const { formats, refs } = readmeTables(dir);
    const rows: SuiteResult['rows'] = [];
    const metrics: Record<string, number> = {};
    const notes: string[] = [];
    let sumGa = 0;
    let sumFga = 0;
    let sumGaCorr = 0;
    let corrCount = 0;
    let below = 0;
    let systems = 0;
    const labelled: LabelledSystem[] = [];
    for (const sys of systemsIn(dir)) {
      const format = formats[sys];
      if (!format) {
        notes.push(`${sys}: skipped, no format known (add a "| ${sys} | \`<format>\` |" row to the README)`);
        continue;
      }
      const base = path.join(dir, sys, `${sys}_2k.log`);
      const t0 = performance.now();
      const out = csvRecords(await clusterToCsv(base, format));
      const seconds = (performance.now() - t0) / 1000;
      const truth = csvRecords(readFileSync(`${base}_structured.csv`, 'utf8'));
      labelled.push({ name: sys, format, lines: readLines(base), events: truth.map((r) => r.EventId) });
      if (out.length !== truth.length) throw new Error(`${sys}: the CLI printed ${out.length} rows for ${truth.length} labelled lines`);
      const pred = out.map((r) => r.ClusterId);
      const g = groupingScores(pred, truth.map((r) => r.EventId));
      const correctedFile = `${base}_structured_corrected.csv`;
      const corrected = existsSync(correctedFile) ? csvRecords(readFileSync(correctedFile, 'utf8')) : undefined;
      const gc = corrected && corrected.length === out.length ? groupingScores(pred, corrected.map((r) => r.EventId)) : undefined;
      const pa = parsingAccuracy(out.map((r) => r.Template), (corrected ?? truth).map((r) => r.EventTemplate));
      const ref = refs[sys] ?? {};
      const belowDrain = ref.drain !== undefined && g.ga < ref.drain;
      if (belowDrain) below++;
      systems++;
      sumGa += g.ga;
      sumFga += g.fga;
      if (gc) {
        sumGaCorr += gc.ga;
        corrCount++;
      }
      metrics[`ga_${sys}`] = r4(g.ga);
      metrics[`fga_${sys}`] = r4(g.fga);
      rows.push({
        system: sys,
        lines: out.length,
        GA: r4(g.ga),
        FGA: r4(g.fga),
        GA_corrected: gc ? r4(gc.ga) : '-',
        PA_corrected: r4(pa),
        clusters: g.predicted,
        events: g.actual,
        drain_GA: ref.drain ?? '-',
        brain_GA: ref.brain ?? '-',
        vs_drain: ref.drain === undefined ? '-' : belowDrain ? 'BELOW' : 'ok',
        lines_per_s: Math.round(out.length / seconds),
      });
    }
    if (systems === 0) throw new Error(`loghub eval: no system in ${dir} has a known format`);
    metrics.mean_ga = r4(sumGa / systems);
    metrics.mean_fga = r4(sumFga / systems);
    if (corrCount > 0) metrics.mean_ga_corrected = r4(sumGaCorr / corrCount);
    metrics.systems_below_drain = below;
    // Held-out, side by side: leave-one-system-out on these files, then logs nothing was tuned on.
    const folds = leaveOneSystemOut(labelled);
    for (const f of folds) {
      rows.push({ system: `${f.heldOut} (left out)`, lines: labelled.find((l) => l.name === f.heldOut)?.lines.length ?? 0, GA: r4(f.ga), note: `settings chosen on the others: siblingValues ${f.chosen.siblingValues}, siblingDominance ${f.chosen.siblingDominance}; defaults ${r4(f.defaultGa)}` });
    }
    if (folds.length > 0) metrics.mean_ga_loso = r4(folds.reduce((a, f) => a + f.ga, 0) / folds.length);
    const held = heldOutFigures();
    rows.push(...held.rows);
    Object.assign(metrics, held.metrics);
    const refRows = rows.filter((r) => typeof r.drain_GA === 'number');
    const mean = (k: 'drain_GA' | 'brain_GA') => (refRows.length === 0 ? NaN : refRows.reduce((s, r) => s + Number(r[k]), 0) / refRows.length);
    notes.push(
      `data: ${dir}; ${systems} system(s); one set of default masking and clustering settings, only the format string differs per system`,
      `reference mean GA on the same systems: Drain ${mean('drain_GA').toFixed(4)}, Brain ${mean('brain_GA').toFixed(4)}; ours ${metrics.mean_ga.toFixed(4)}`,
      `tuned vs held-out mean GA: development files ${metrics.mean_ga.toFixed(4)}, left out one at a time ${metrics.mean_ga_loso?.toFixed(4) ?? '-'}, synthetic systems ${metrics.mean_ga_synth.toFixed(4)}, token-shape systems ${metrics.mean_ga_shapes.toFixed(4)}, operational-shape systems ${metrics.mean_ga_ops.toFixed(4)}, system-style systems ${metrics.mean_ga_styles.toFixed(4)}, infrastructure-service systems (final check, not tuned on) ${metrics.mean_ga_infra.toFixed(4)}, sandbox formats ${metrics.mean_ga_sim.toFixed(4)}`,
      'GA and FGA use the original _structured.csv EventIds (the standard Loghub-2k figure); GA_corrected and PA use the Loghub-2.0 corrected labels',
      `lines_per_s here includes a cold start per file on 2,000 lines; see \`warroom bench logs\` for throughput (${os.cpus()[0]?.model ?? 'unknown CPU'})`,
    );
    return { metrics, rows, notes };
  },
};

/**
 * `warroom detect FILE.csv`: runs the metric detector (default options) over one `timestamp,value`
 * series and prints the NAB results format `timestamp,value,anomaly_score,label`: one row per input
 * row, in input order, the timestamp and value echoed as written; label is 1 when the score is at
 * or above the detector's default alert threshold. Rows the detector skips (a value that is not a
 * number, an unparsable or out-of-order timestamp) and warm-up rows score 0. `-` reads stdin.
 * Skipped rows are reported on stderr (how many, the first line numbers and why), nothing parsed is
 * exit code 1, and a series that ends inside the warm-up gets a note: all zeros there is not "calm".
 */
import { readFileSync } from 'node:fs';
import { parseSeriesCsv } from '../../detectors/metrics/csv.js';
import { DEFAULT_DETECTOR_OPTIONS, SeriesDetector, type SeriesDetectorOptions, type SkipReason } from '../../detectors/metrics/detector.js';

export interface DetectCommandOptions {
  /** Where the CSV goes (default: process.stdout). */
  out?: { write(chunk: string): unknown };
  /** Detector options (the CLI uses the defaults). */
  detector?: SeriesDetectorOptions;
  /** Read this text instead of the file (tests). */
  text?: string;
}

/** The NAB results and what the detector made of the rows. */
export interface DetectReport {
  csv: string;
  rows: number;
  /** Rows the detector could not use: their 1-based input line and what was wrong. */
  skipped: { line: number; problem: string }[];
  /** Rows scored 0 because the detector was (re)learning the series. */
  warmup: number;
  /** The last usable row was inside the warm-up. */
  endsInWarmup: boolean;
  /** Input lines where a level shift was absorbed while the detector was still warming up (unscored). */
  warmupShifts: number[];
}

/** Runs the detector over `text` (a `timestamp,value` CSV). */
export function detectSeries(text: string, detector: SeriesDetectorOptions = {}): DetectReport {
  const { rows } = parseSeriesCsv(text);
  const d = new SeriesDetector(detector);
  const lines = ['timestamp,value,anomaly_score,label'];
  const report: DetectReport = { csv: '', rows: rows.length, skipped: [], warmup: 0, endsInWarmup: false, warmupShifts: [] };
  for (const r of rows) {
    const res = d.update(r.ts, r.value);
    if (res.status === 'skipped') report.skipped.push({ line: r.line, problem: problemOf(r.ts, r.value, res.reason) });
    else report.endsInWarmup = res.status === 'warmup';
    if (res.status === 'warmup') report.warmup++;
    if (res.status === 'warmup' && res.components.shiftAbsorbed !== 0) report.warmupShifts.push(r.line);
    lines.push(`${csvField(r.tsText)},${csvField(r.valueText)},${formatScore(res.score)},${res.alert ? 1 : 0}`);
  }
  report.csv = lines.join('\n') + '\n';
  return report;
}

/** CSV text of the NAB results for `text` (a `timestamp,value` CSV). */
export function detectCsv(text: string, detector: SeriesDetectorOptions = {}): string {
  return detectSeries(text, detector).csv;
}

/** "timestamp", "value", "timestamp and value" or "out of order". */
function problemOf(ts: number, value: number, reason: SkipReason | undefined): string {
  const bad = [Number.isNaN(ts) && 'timestamp', !Number.isFinite(value) && 'value'].filter(Boolean);
  return bad.length > 0 ? bad.join(' and ') : reason === 'out_of_order' ? 'out of order' : String(reason);
}

/** What a person should know about the run besides the CSV, one line each; empty when all went well. */
export function detectWarnings(r: DetectReport, detector: SeriesDetectorOptions = {}): string[] {
  const out: string[] = [];
  const parsed = r.rows - r.skipped.length;
  if (r.skipped.length > 0) {
    const first = r.skipped.slice(0, 5).map((s) => `${s.line} (${s.problem})`);
    out.push(`${r.skipped.length} of ${r.rows} rows skipped (scored 0): unparsable timestamp or value, or out of order; first at line ${first.join(', ')}${r.skipped.length > 5 ? ', …' : ''}`);
  }
  if (parsed === 0) out.push(r.rows === 0 ? 'no rows: expected CSV lines timestamp,value' : 'no row could be used: expected CSV lines timestamp,value (e.g. 2014-04-01 00:00:00,42.5)');
  else if (r.endsInWarmup) {
    const o = { ...DEFAULT_DETECTOR_OPTIONS, ...detector };
    out.push(`note: the series ends inside the detector's warm-up (it scores after ${o.warmupPoints} points spanning ${o.warmupMs / 3_600_000} h, and again after a level change): ${r.warmup} of ${parsed} rows scored 0 for that reason`);
  }
  if (r.warmupShifts.length > 0) {
    // A change while the detector learns becomes its normal: say so, or the zeros read as "calm".
    const lines = r.warmupShifts.slice(0, 5).join(', ');
    out.push(`note: the level shifted during the warm-up (adopted as the normal, not scored) at line ${lines}${r.warmupShifts.length > 5 ? ', …' : ''}`);
  }
  return out;
}

/** Runs the detector over a file (or `-` for stdin) and writes the results; returns the exit code. */
export async function runDetect(file: string, opts: DetectCommandOptions = {}): Promise<number> {
  const out = opts.out ?? process.stdout;
  let text: string;
  try {
    text = opts.text ?? readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    process.stderr.write(`warroom detect: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  const report = detectSeries(text, opts.detector);
  out.write(report.csv);
  for (const w of detectWarnings(report, opts.detector)) process.stderr.write(`warroom detect: ${w}\n`);
  return report.rows - report.skipped.length === 0 ? 1 : 0;
}

function formatScore(s: number): string {
  // Enough digits for NAB's threshold sweep to tell scores apart; no exponent notation.
  return s === 0 ? '0' : s === 1 ? '1' : s.toFixed(8).replace(/0+$/, '').replace(/\.$/, '');
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * `warroom detect FILE.csv`: runs the metric detector (default options) over one `timestamp,value`
 * series and prints the NAB results format `timestamp,value,anomaly_score,label`: one row per input
 * row, in input order, the timestamp and value echoed as written; label is 1 when the score is at
 * or above the detector's default alert threshold. Rows the detector skips (a value that is not a
 * number, an unparsable or out-of-order timestamp) and warm-up rows score 0. `-` reads stdin.
 */
import { readFileSync } from 'node:fs';
import { parseSeriesCsv } from '../../detectors/metrics/csv.js';
import { SeriesDetector, type SeriesDetectorOptions } from '../../detectors/metrics/detector.js';

export interface DetectCommandOptions {
  /** Where the CSV goes (default: process.stdout). */
  out?: { write(chunk: string): unknown };
  /** Detector options (the CLI uses the defaults). */
  detector?: SeriesDetectorOptions;
  /** Read this text instead of the file (tests). */
  text?: string;
}

/** CSV text of the NAB results for `text` (a `timestamp,value` CSV). */
export function detectCsv(text: string, detector: SeriesDetectorOptions = {}): string {
  const { rows } = parseSeriesCsv(text);
  const d = new SeriesDetector(detector);
  const lines = ['timestamp,value,anomaly_score,label'];
  for (const r of rows) {
    const res = d.update(r.ts, r.value);
    lines.push(`${csvField(r.tsText)},${csvField(r.valueText)},${formatScore(res.score)},${res.alert ? 1 : 0}`);
  }
  return lines.join('\n') + '\n';
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
  out.write(detectCsv(text, opts.detector));
  return 0;
}

function formatScore(s: number): string {
  // Enough digits for NAB's threshold sweep to tell scores apart; no exponent notation.
  return s === 0 ? '0' : s === 1 ? '1' : s.toFixed(8).replace(/0+$/, '').replace(/\.$/, '');
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

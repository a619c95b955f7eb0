/**
 * `warroom logs cluster [--format F] FILE|-`: streams a log file (or stdin) through the log
 * clusterer and prints CSV `LineId,ClusterId,Template`, one row per input line in input order.
 * Rows are written after the last line is read: a merge late in the file can fold two early
 * clusters into one, and every row must carry its cluster's final id and template. Memory is
 * 4 bytes per line plus the (bounded) clusterer. With a `<Field>` format, the first lines are
 * also checked against it: a format that matches few of them (a bracket left unescaped in the
 * regular-expression fragments between fields, say) would otherwise cluster every line whole
 * without a word, so that gets a warning on stderr naming the first line that did not match.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { compileLogFormat, type LogFormat } from '../../detectors/logs/format.js';
import { LineClusterer } from '../../detectors/logs/pipeline.js';

/** Where the CSV goes: anything with `write` (stdout, a string collector, a null sink). */
export interface CsvSink {
  write(chunk: string): unknown;
  once?(event: 'drain', cb: () => void): unknown;
}

export interface LogsClusterOptions {
  /** A `<Field>` format string, or `auto` (default), `json`, `logfmt`, `text`. */
  format?: string;
  /** Output (default process.stdout). */
  out?: CsvSink;
  /** Input in place of the file or stdin (tests, benchmarks). */
  input?: AsyncIterable<Buffer | string>;
  /** Give stack-trace lines the cluster of the record they continue (default true). */
  join?: boolean;
}

const WRITE_CHUNK = 1 << 20;
/** Lines checked against a `<Field>` format: enough to tell a wrong format, too few to cost. */
const FORMAT_SAMPLE = 10_000;

/** Counts how many of the first lines a `<Field>` format matches, and the first that it does not. */
class FormatCheck {
  checked = 0;
  unmatched = 0;
  first: { line: number; text: string } | undefined;
  constructor(private readonly fmt: LogFormat) {}

  see(lineNo: number, line: string): void {
    if (this.checked >= FORMAT_SAMPLE || line.trim() === '') return;
    this.checked++;
    if (this.fmt.extract(line)) return;
    this.unmatched++;
    this.first ??= { line: lineNo, text: line.length > 200 ? `${line.slice(0, 200)}…` : line };
  }

  /** The warning when most checked lines did not match; undefined otherwise. */
  warning(format: string): string | undefined {
    if (this.checked === 0 || this.unmatched * 2 <= this.checked || !this.first) return undefined;
    return (
      `${this.unmatched} of the first ${this.checked} lines do not match --format '${format}' and are clustered whole; ` +
      `first at line ${this.first.line}: ${this.first.text}\n` +
      'text between fields is a regular-expression fragment: escape brackets and other special characters, e.g. \\[<Component>\\]'
    );
  }
}

/** Quotes a CSV field when it holds a comma, quote or line break (RFC 4180). */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Runs the command; resolves to the exit code (2 when the input cannot be read or the format is bad). */
export async function runLogsCluster(fileOrDash: string, o: LogsClusterOptions = {}): Promise<number> {
  const out: CsvSink = o.out ?? process.stdout;
  let lc: LineClusterer;
  try {
    lc = new LineClusterer({ format: o.format, joinContinuations: o.join });
  } catch (e) {
    process.stderr.write(`warroom logs cluster: ${(e as Error).message}\n`);
    return 2;
  }
  const check = o.format && !['auto', 'json', 'logfmt', 'text'].includes(o.format) ? new FormatCheck(compileLogFormat(o.format)) : undefined;
  const input: AsyncIterable<Buffer | string> = o.input ?? (fileOrDash === '-' ? process.stdin : createReadStream(fileOrDash, { highWaterMark: 1 << 20 }));

  let ids = new Int32Array(1 << 16);
  let n = 0;
  const push = (line: string) => {
    if (n === ids.length) {
      const grown = new Int32Array(ids.length * 2);
      grown.set(ids);
      ids = grown;
    }
    const text = line.length > 0 && line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
    check?.see(n + 1, text);
    ids[n++] = lc.push(text);
  };

  const decoder = new StringDecoder('utf8');
  let carry = '';
  try {
    for await (const chunk of input) {
      const text = carry + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        push(text.slice(start, nl));
        start = nl + 1;
      }
      carry = text.slice(start);
    }
  } catch (e) {
    process.stderr.write(`warroom logs cluster: cannot read ${fileOrDash === '-' ? 'stdin' : fileOrDash}: ${(e as Error).message}\n`);
    return 2;
  }
  carry += decoder.end();
  // The last line may lack a terminator; a file ending in a newline has no extra empty line.
  if (carry !== '') push(carry);

  await writeRows(out, n, ids, lc);
  const warning = check?.warning(o.format!);
  if (warning) process.stderr.write(`warroom logs cluster: ${warning}\n`);
  return 0;
}

async function writeRows(out: CsvSink, n: number, ids: Int32Array, lc: LineClusterer): Promise<void> {
  // One cached "ClusterId,Template\n" tail per raw id: rows are then a number and a concat.
  const tails = new Map<number, string>();
  let buf = 'LineId,ClusterId,Template\n';
  for (let i = 0; i < n; i++) {
    const raw = ids[i];
    let tail = tails.get(raw);
    if (tail === undefined) {
      const id = lc.resolve(raw);
      tail = `${id},${csvField(lc.templateText(id))}\n`;
      tails.set(raw, tail);
    }
    buf += `${i + 1},${tail}`;
    if (buf.length >= WRITE_CHUNK) {
      await write(out, buf);
      buf = '';
    }
  }
  if (buf !== '') await write(out, buf);
}

/** Writes and waits for `drain` when the sink asks for it (stdout into a slow pipe). */
function write(out: CsvSink, s: string): Promise<void> | void {
  if (out.write(s) === false && out.once) return new Promise((resolve) => out.once!('drain', resolve));
}

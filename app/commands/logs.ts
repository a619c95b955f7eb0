/**
 * `warroom logs cluster [--format F] FILE|-`: streams a log file (or stdin) through the log
 * clusterer and prints CSV `LineId,ClusterId,Template`, one row per input line in input order.
 * Rows are written after the last line is read: a merge late in the file can fold two early
 * clusters into one, and every row must carry its cluster's final id and template. Memory is
 * 4 bytes per line plus the (bounded) clusterer.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
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
  const input: AsyncIterable<Buffer | string> = o.input ?? (fileOrDash === '-' ? process.stdin : createReadStream(fileOrDash, { highWaterMark: 1 << 20 }));

  let ids = new Int32Array(1 << 16);
  let n = 0;
  const push = (line: string) => {
    if (n === ids.length) {
      const grown = new Int32Array(ids.length * 2);
      grown.set(ids);
      ids = grown;
    }
    ids[n++] = lc.push(line.length > 0 && line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line);
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

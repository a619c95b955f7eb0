/**
 * Log-clustering speed as a ratio against a bare read of the same file, measured in the same
 * run: the machine is shared, so lines per second swing with the load, but clustering time over
 * reading time (both CPU seconds, best of N, alternated) moves only when the code does. The bare
 * read streams the file and splits it into lines exactly as `warroom logs cluster` does, and
 * does nothing with them.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { runLogsCluster } from '../../app/commands/logs.js';

export interface RatioFigures {
  lines: number;
  /** CPU seconds, best of the runs. */
  readSeconds: number;
  clusterSeconds: number;
  /** clusterSeconds / readSeconds: what clustering costs in bare reads of the same file. */
  ratio: number;
  linesPerCpuSecond: number;
}

/** Streams `file` and splits it into lines; returns the line and character counts. */
export async function bareRead(file: string): Promise<{ lines: number; chars: number }> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let n = 0;
  let chars = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const text = carry + decoder.write(chunk as Buffer);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      // Slice as the command does, so the read pays for the same strings.
      chars += text.slice(start, nl).length;
      n++;
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  carry += decoder.end();
  if (carry !== '') n++;
  return { lines: n, chars: chars + carry.length };
}

/** Bare reads timed back to back per run: one is short (tens of ms), so their mean is less timer and load noise. */
export const READS_PER_RUN = 5;

const cpu = (c0: NodeJS.CpuUsage): number => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

/** Best-of-`runs` CPU seconds of a bare read and of `warroom logs cluster` on `file`, alternated. */
export async function logsRatio(file: string, format: string, runs = 3): Promise<RatioFigures> {
  let readSeconds = Infinity;
  let clusterSeconds = Infinity;
  let lines = 0;
  const sink = { write: () => true };
  for (let r = 0; r < runs; r++) {
    // A bare read is short, so one is timed as the mean of several back to back (less timer noise).
    let c0 = process.cpuUsage();
    for (let k = 0; k < READS_PER_RUN; k++) lines = (await bareRead(file)).lines;
    readSeconds = Math.min(readSeconds, cpu(c0) / READS_PER_RUN);
    c0 = process.cpuUsage();
    const code = await runLogsCluster(file, { format, out: sink });
    clusterSeconds = Math.min(clusterSeconds, cpu(c0));
    if (code !== 0) throw new Error(`logs cluster exited with ${code} on ${file}`);
  }
  return { lines, readSeconds, clusterSeconds, ratio: clusterSeconds / readSeconds, linesPerCpuSecond: lines / clusterSeconds };
}

/**
 * `warroom bench logs`: log-clustering throughput, end to end from file to CSV, the way the
 * reference Python Drain is measured (Loghub README: HDFS_2k replicated 250 times, BGL_2k 100
 * times). Each input is written once to a temporary file; then `runLogsCluster` — the code
 * behind `warroom logs cluster` — reads it, clusters it and writes the CSV to a null sink, in
 * this process. JavaScript runs on one thread, so this is one core (the garbage collector's
 * helper threads show up in the CPU-time column). Each run also times a bare read of the same
 * file (stream and split into lines, nothing else; the mean of a few back to back, a single one
 * is short and noisy), alternated with the clustering: on a shared machine lines per second swing
 * with the load, the ratio of the two moves when the code does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLogsCluster } from '../../app/commands/logs.js';
import { READS_PER_RUN, bareRead } from './logs-ratio.js';
import { formatTable } from '../harness.js';
import { LOGHUB_FORMATS, resolveLoghubDir } from '../suites/loghub.js';

const INPUTS: { system: string; copies: number }[] = [
  { system: 'HDFS', copies: 250 },
  { system: 'BGL', copies: 100 },
];

/** Options: `data` (Loghub folder), `runs` (best of N, default 3), `json` (write figures to a file). */
export async function runLogsBench(o: Record<string, string | undefined> = {}): Promise<number> {
  let dir: string;
  try {
    dir = resolveLoghubDir(o.data);
  } catch (e) {
    process.stderr.write(`warroom bench logs: ${(e as Error).message}\n`);
    return 2;
  }
  const runs = Math.max(1, Number(o.runs ?? 3));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'warroom-bench-logs-'));
  const rows = [];
  try {
    for (const { system, copies } of INPUTS) {
      const raw = readFileSync(path.join(dir, system, `${system}_2k.log`), 'utf8');
      // The file may lack a final newline; replicas must not glue two lines together.
      const once = /\r?\n$/.test(raw) ? raw : `${raw}\n`;
      const file = path.join(tmp, `${system}_x${copies}.log`);
      writeFileSync(file, once.repeat(copies));
      const lines = once.split('\n').length - 1;
      const total = lines * copies;
      let best = Infinity;
      let bestCpu = Infinity;
      let outChars = 0;
      let bestRead = Infinity;
      for (let r = 0; r < runs; r++) {
        const r0 = process.cpuUsage();
        for (let k = 0; k < READS_PER_RUN; k++) await bareRead(file);
        const ru = process.cpuUsage(r0);
        bestRead = Math.min(bestRead, (ru.user + ru.system) / 1e6 / READS_PER_RUN);
        let chars = 0;
        const sink = { write: (s: string) => ((chars += s.length), true) };
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const code = await runLogsCluster(file, { format: LOGHUB_FORMATS[system], out: sink });
        const wall = (performance.now() - t0) / 1000;
        const cu = process.cpuUsage(c0);
        if (code !== 0) throw new Error(`logs cluster exited with ${code}`);
        best = Math.min(best, wall);
        bestCpu = Math.min(bestCpu, (cu.user + cu.system) / 1e6);
        outChars = chars;
      }
      rows.push({
        input: `${system}_2k x${copies}`,
        lines: total,
        mb: Math.round((once.length * copies) / 1e5) / 10,
        seconds: Number(best.toFixed(2)),
        lines_per_s: Math.round(total / best),
        cpu_seconds: Number(bestCpu.toFixed(2)),
        lines_per_cpu_s: Math.round(total / bestCpu),
        read_cpu_seconds: Number(bestRead.toFixed(3)),
        vs_bare_read: Number((bestCpu / bestRead).toFixed(1)),
        csv_mb: Math.round(outChars / 1e5) / 10,
      });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  process.stdout.write(
    `logs benchmark — file → CSV (null sink), best of ${runs}; ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}\n` +
      'reference: Python Drain (logpai) does 11-14 k lines/s on this machine class; target >= 300,000 lines/s\n',
  );
  process.stdout.write(formatTable(rows) + '\n');
  if (o.json) writeFileSync(o.json, JSON.stringify({ machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version }, rows }, null, 2));
  return 0;
}

/** `warroom bench <name>`: benchmarks print figures with the machine and input; they assert nothing. */
import type { Config } from '../../app/config.js';
import { runIngestBench } from './ingest.js';

export async function runBench(name: string, o: Record<string, string>, cfg: Config): Promise<number> {
  if (name === 'ingest') return runIngestBench(o, cfg);
  process.stderr.write(`warroom bench: unknown benchmark "${name}"; known: ingest\n`);
  return 2;
}

/** `warroom bench <name>`: benchmarks print figures with the machine and input; they assert nothing. */
import type { Config } from '../../app/config.js';
import { runIngestBench } from './ingest.js';
import { runLogsBench } from './logs.js';

export async function runBench(name: string, o: Record<string, string>, cfg: Config): Promise<number> {
  if (name === 'ingest') return runIngestBench(o, cfg);
  if (name === 'logs') return runLogsBench(o);
  if (name === 'kb') return (await import('./kb.js')).runKbBench(o, cfg);
  if (name === 'detect') return (await import('./detect.js')).runDetectBench(o);
  if (name === 'pipeline') return (await import('./pipeline.js')).runPipelineBench(o);
  if (name === 'analyze') return (await import('./analyze.js')).runAnalyzeBench(o, cfg);
  if (name === 'ask') return (await import('./ask.js')).runAskBench(o, cfg);
  if (name === 'slack-ack') return (await import('./slack-ack.js')).runSlackAckBench(o);
  if (name === 'verify') return (await import('./verify.js')).runVerifyBench(o);
  if (name === 'sim') {
    const { runSimBench } = await import('../../app/commands/sim.js');
    return runSimBench({ ...o, json: o.json || undefined });
  }
  process.stderr.write(`warroom bench: unknown benchmark "${name}"; known: ${BENCHES.join(', ')}\n`);
  return 2;
}

export const BENCHES = ['ingest', 'logs', 'sim', 'detect', 'pipeline', 'kb', 'analyze', 'ask', 'slack-ack', 'verify'];

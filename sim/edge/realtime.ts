/**
 * The live sandbox behind `npm start`: a timer steps a calm world in real time (10-second
 * ticks by default) and hands each tick's signals to `ingest`; faults and remedies can be
 * applied at any moment. Ticks never overlap: a slow ingest delays the next one, and the world
 * catches up (up to its catch-up limit) on the following tick.
 */
import { systemClock, type Clock } from '../../core/clock.js';
import type { SignalInput, TopologyInput } from '../../core/schemas.js';
import { flatten } from '../generate.js';
import { Sandbox, type SandboxControl } from '../sandbox.js';
import type { TopologySpec } from '../schema.js';
import { toTopologyInput } from '../topology.js';
import { MAX_BATCH } from './ingest.js';
import { loadTopology } from './library.js';

export interface SandboxOptions {
  /** Receives each batch (≤ 10,000 signals) with an idempotency key unique to it. */
  ingest(signals: SignalInput[], idempotencyKey: string): Promise<void>;
  /** Called once at start with the service graph (e.g. `PUT /v1/topology`). */
  putTopology?(t: TopologyInput): Promise<void>;
  clock?: Clock;
  topology?: TopologySpec;
  seed?: number;
  /** Milliseconds between ticks (default 10,000); 0 = no timer, call `tick()` yourself. */
  tickMs?: number;
  /** Log lines per 10-second step over all services (default 300: a modest demo load). */
  logLinesPerTick?: number;
  tracesPerMin?: number;
  onError?(err: unknown): void;
  /** Told after each tick (signals sent, the sandbox time). */
  onTick?(info: { signals: number; now: string }): void;
}

export interface RunningSandbox extends SandboxControl {
  sandbox: Sandbox;
  /** Runs one tick now: steps the world to the clock's time and ingests the signals. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions): Promise<RunningSandbox> {
  const clock = opts.clock ?? systemClock;
  const topology = opts.topology ?? loadTopology('shop');
  const tickMs = opts.tickMs ?? 10_000;
  const now = clock.now().getTime();
  // Start one step in the past, so the first tick already has something to send.
  const sandbox = new Sandbox({ topology, startMs: now - 10_000, seed: opts.seed ?? (now % 100_000), logsPerMin: (opts.logLinesPerTick ?? 300) * 6, tracesPerMin: opts.tracesPerMin });
  const runId = `sandbox-${sandbox.world.scenario.startMs}-${sandbox.world.scenario.seed}`;
  let seq = 0;
  let running: Promise<number> | null = null;
  let stopped = false;

  if (opts.putTopology) await opts.putTopology(toTopologyInput(topology));

  const runTick = async (): Promise<number> => {
    const chunks = sandbox.advanceTo(clock.now().getTime());
    let sent = 0;
    let batch: SignalInput[] = [];
    const send = async () => {
      if (!batch.length) return;
      const b = batch;
      batch = [];
      await opts.ingest(b, `${runId}-${seq++}`);
      sent += b.length;
    };
    for (const c of chunks) {
      for (const s of flatten(c)) {
        batch.push(s);
        if (batch.length >= MAX_BATCH) await send();
      }
    }
    await send();
    opts.onTick?.({ signals: sent, now: new Date(sandbox.world.t).toISOString() });
    return sent;
  };

  const tick = async (): Promise<number> => {
    if (running) return running;
    running = runTick().finally(() => (running = null));
    return running;
  };

  const timer =
    tickMs > 0
      ? setInterval(() => {
          if (stopped || running) return;
          tick().catch((e) => opts.onError?.(e));
        }, tickMs)
      : undefined;
  timer?.unref?.();

  return {
    sandbox,
    tick,
    inject: (req) => sandbox.inject(req),
    apply: (remedy, actor) => sandbox.apply(remedy, actor),
    status: () => sandbox.status(),
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

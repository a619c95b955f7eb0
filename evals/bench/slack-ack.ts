/**
 * `warroom bench slack-ack`: how fast the Slack app acknowledges a `/warroom` slash command —
 * the time from sending a correctly signed request to the real Bolt app (createSlack's router in
 * an express server on 127.0.0.1) until its HTTP response arrives, which is what Slack's 3-second
 * deadline measures. The Web API is the local fake server; the bot behind is a stub that answers
 * at once, so the figure is the acknowledgement path (signature check, parse, ack), not the
 * command's work, which runs after the ack. Target: p95 < 300 ms (issue 16).
 */
import os from 'node:os';
import { slashCommandBody } from '../../test-support/slack-requests.js';
import { startSlackHarness } from '../../test-support/slack-harness.js';
import { formatTable } from '../harness.js';
import { percentile } from './percentile.js';

export interface SlackAckFigures {
  requests: number;
  concurrency: number;
  /** Requests not answered 200 with the ack body (should be 0). */
  failed: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Sends `requests` signed slash commands (`concurrency` at a time, after `warmup` unmeasured) and times each ack. */
export async function measureSlackAck(o: { requests?: number; concurrency?: number; warmup?: number } = {}): Promise<SlackAckFigures> {
  const requests = o.requests ?? 500;
  const concurrency = Math.max(1, o.concurrency ?? 1);
  const h = await startSlackHarness();
  try {
    await h.slack.checkToken();
    const one = async (i: number): Promise<number | null> => {
      const body = slashCommandBody({ text: `status inc_${i}`, responseUrl: `${h.fake.origin}/respond/${i}` });
      const started = performance.now();
      const res = await h.send(body);
      const ms = performance.now() - started;
      const ack = (await res.json().catch(() => null)) as { response_type?: string } | null;
      return res.status === 200 && ack?.response_type === 'ephemeral' ? ms : null;
    };
    for (let i = 0; i < (o.warmup ?? 20); i++) await one(-i);
    const times: number[] = [];
    let failed = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests) {
          const ms = await one(next++);
          if (ms === null) failed++;
          else times.push(ms);
        }
      }),
    );
    const round = (x: number) => Math.round(x * 10) / 10;
    return {
      requests,
      concurrency,
      failed,
      p50Ms: round(percentile(times, 50)),
      p95Ms: round(percentile(times, 95)),
      p99Ms: round(percentile(times, 99)),
      maxMs: round(Math.max(...times)),
    };
  } finally {
    await h.close();
  }
}

/** The CLI entry: `--requests N --concurrency C`; prints the figures and the target. */
export async function runSlackAckBench(o: Record<string, string>): Promise<number> {
  const cpu = os.cpus();
  process.stdout.write(`bench slack-ack: signed /warroom commands to the Bolt app (HTTP mode, local fake Web API)\n`);
  process.stdout.write(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, Node ${process.version}\n`);
  const rows: Record<string, unknown>[] = [];
  const concurrencies = o.concurrency ? [Number(o.concurrency)] : [1, 10];
  let worst = 0;
  for (const c of concurrencies) {
    const f = await measureSlackAck({ requests: Number(o.requests ?? 500), concurrency: c });
    rows.push({ ...f });
    worst = Math.max(worst, f.p95Ms);
    if (f.failed) worst = Infinity;
  }
  process.stdout.write(`${formatTable(rows)}\n`);
  process.stdout.write(`target p95 < 300 ms, 0 failed: ${worst < 300 ? 'met' : 'NOT met'}\n`);
  return 0;
}

/** Waiting until an embedded instance's pipeline has worked through what a replay sent. */
import { DEFAULT_ORG } from '../../app/config.js';
import type { Warroom } from '../../app/runtime.js';
import type { InprocBus } from '../../bus/inproc.js';

/**
 * Resolves once the bus is idle, the outbox is empty and the default org's anomaly count has held
 * still for eight polls (2 s) — or after `maxMs`. The detection pipeline works in the background.
 */
export async function waitForPipelineIdle(w: Warroom, maxMs = 300_000): Promise<void> {
  const bus = w.bus();
  if (bus.kind === 'inproc') await (bus as InprocBus).idle();
  const org = w.store().forOrg(DEFAULT_ORG);
  let last = -1;
  for (let stable = 0, until = Date.now() + maxMs; stable < 8 && Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 250));
    const n = (await org.listAnomalies({ limit: 100_000 })).length;
    stable = n === last && (await w.store().pendingOutbox(1)).length === 0 ? stable + 1 : 0;
    last = n;
  }
}

/**
 * The live sandbox of `warroom start`, wired to the running instance: calm traffic of the
 * simulated shop in real time through the instance's own public ingest API, into the default org
 * (the org the sandbox belongs to: app/runtime.ts gives its routes and runner to that org alone).
 *
 * It uses WARROOM_API_KEY when set; otherwise it issues an ingest-only key for this process
 * (stored hashed like any key, audited as `apikey.created`) and revokes the one a previous run
 * issued. Connect the returned handle with `w.attachSandbox(handle)`.
 */
import { hashKey, newApiKey } from '../core/api-keys.js';
import { issueKey } from '../usecases/keys.js';
import { startSandbox, type RunningSandbox } from '../sim/edge/realtime.js';
import { httpIngest } from '../sim/edge/ingest.js';
import { DEFAULT_ORG, type Config } from './config.js';
import { fastUlid } from './ids.js';
import type { Warroom } from './runtime.js';

/** The name of the key a live sandbox issues itself (one per process; its secret lives only there). */
export const SANDBOX_KEY_NAME = 'live sandbox (one process)';

/** Starts the live sandbox for a running Warroom (call after `await w.ready`). */
export async function startLiveSandbox(w: Warroom, cfg: Pick<Config, 'WARROOM_API_KEY'>, opts: { logLinesPerTick?: number; tickMs?: number; seed?: number } = {}): Promise<RunningSandbox> {
  let key = cfg.WARROOM_API_KEY;
  if (!key || !(await w.store().findApiKeyByHash(hashKey(key)))) {
    key = newApiKey('wr');
    const k = key;
    await w
      .store()
      .forOrg(DEFAULT_ORG)
      .transaction(async (tx) => {
        // The previous run's key is useless (its secret lived only in that process): revoke it,
        // so restarts do not pile up live ingest keys.
        const old = await tx.revokeApiKeys({ name: SANDBOX_KEY_NAME }, new Date().toISOString());
        if (old.length) await tx.appendAudit({ actor: 'platform', action: 'apikey.revoked', target: `apikey:${old.join(',')}`, payload: { reason: 'replaced by a new live sandbox key' } });
        return issueKey(tx, { keyId: fastUlid(), keyName: SANDBOX_KEY_NAME, user: { id: 'sandbox', name: 'Sandbox', role: 'responder' }, scopes: ['ingest'] }, 'platform', k);
      });
  }
  const client = httpIngest(w.url, key);
  const log = w.logger.child({ component: 'sandbox' });
  const sb = await startSandbox({
    ingest: (signals, idem) => client.post(signals, idem),
    putTopology: (t) => client.putTopology(t),
    logLinesPerTick: opts.logLinesPerTick,
    tickMs: opts.tickMs,
    seed: opts.seed,
    onError: (err) => log.warn({ err }, 'sandbox tick failed; the next tick catches up'),
  });
  log.info({ services: sb.sandbox.world.services.length, pods: sb.sandbox.world.services.reduce((n, s) => n + s.pods.length, 0) }, 'sandbox: streaming calm traffic of the 20-service shop (WARROOM_SANDBOX=off turns it off; `warroom sim inject <fault>` breaks something; its Kubernetes API is at /k8s, `warroom sim kubeconfig` prints a kubeconfig)');
  return sb;
}

/**
 * `warroom start`'s sandbox: a few tries (its first requests go through this instance's own API,
 * which can be slow on a loaded machine), then gives up with the reason recorded on `w`. A sandbox
 * that cannot start must never leave the instance unready or crash it: the API serves without it.
 * Resolves true when the sandbox is attached.
 */
export async function startLiveSandboxWithRetries(
  w: Pick<Warroom, 'attachSandbox' | 'sandboxFailed' | 'logger'> & Parameters<typeof startLiveSandbox>[0],
  cfg: Pick<Config, 'WARROOM_API_KEY'>,
  opts: { waitsMs?: number[]; start?: typeof startLiveSandbox } = {},
): Promise<boolean> {
  const waits = opts.waitsMs ?? [2_000, 5_000];
  const start = opts.start ?? startLiveSandbox;
  for (let attempt = 0; ; attempt++) {
    try {
      w.attachSandbox(await start(w, cfg));
      return true;
    } catch (err) {
      const reason = (err as Error)?.message ?? String(err);
      if (attempt >= waits.length) {
        w.logger.error({ err }, `sandbox: did not start after ${attempt + 1} tries; the API serves without it`);
        w.sandboxFailed(reason);
        return false;
      }
      w.logger.warn({ err, attempt: attempt + 1 }, 'sandbox: start failed; trying again');
      await new Promise((r) => setTimeout(r, waits[attempt]));
    }
  }
}

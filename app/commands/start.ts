/** `warroom start`: the whole product in one process until SIGINT/SIGTERM. */
import type { Config } from '../config.js';
import { startWarroom } from '../runtime.js';

export async function runStart(cfg: Config): Promise<void> {
  const w = await startWarroom(cfg);
  process.stdout.write(`Warroom listening on ${w.url}  (health: ${w.url}/healthz, API docs: ${w.url}/v1/openapi.json)\n`);
  const stop = async (signal: string) => {
    w.logger.info({ signal }, 'shutting down');
    await w.stop().catch((err) => w.logger.error({ err }, 'error while stopping'));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  // One bad message must never take the process down: log it and keep serving.
  process.on('unhandledRejection', (err) => w.logger.error({ err }, 'unhandled rejection'));
  if (cfg.WARROOM_SANDBOX === 'on') w.sandboxStarting();
  try {
    await w.ready;
  } catch {
    await w.stop().catch(() => undefined);
    process.exit(1);
  }
  if (cfg.WARROOM_SANDBOX === 'on') {
    const { startLiveSandboxWithRetries } = await import('../sandbox.js');
    const started = await startLiveSandboxWithRetries(w, cfg);
    process.stdout.write(
      started
        ? 'Sandbox: streaming a simulated 20-service shop (WARROOM_SANDBOX=off turns it off; try `warroom sim inject bad_deploy_errors`)\n'
        : 'Sandbox: did not start (the log says why; GET /v1/sim shows it); the API serves without it\n',
    );
  }
}
